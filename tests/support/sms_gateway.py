"""A fake SMS gateway: a real HTTP server that records what it is sent and can be told to fail."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSmsGateway:
    def __init__(self):
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.fail_status = 0
        self.fail_times = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with gateway.lock:
                    if gateway.fail_times > 0:
                        gateway.fail_times -= 1
                        self._answer(gateway.fail_status, {"error": "told to fail"})
                        return
                    try:
                        payload = json.loads(body or b"{}")
                    except ValueError:
                        payload = {"raw": body.decode(errors="replace")}
                    gateway.received.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "json": payload,
                            "form": body.decode(errors="replace"),
                        }
                    )
                self._answer(200, {"success": True, "id": len(gateway.received)})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, status: int, times: int) -> None:
        self.fail_status, self.fail_times = status, times

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
