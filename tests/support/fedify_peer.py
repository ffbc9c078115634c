"""The Fedify test peer (tests/support/fedify/peer.mjs) as a Node process: an independent
ActivityPub implementation that follows our actors, verifies our signatures and tells the test
what it received. Needs `make fedify` (Fedify from npm into .node/)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / ".node"
SCRIPT = Path(__file__).parent / "fedify" / "peer.mjs"


def missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (NODE_DIR / "node_modules" / "@fedify" / "fedify").is_dir():
        return "Fedify is not installed: run `make fedify`"
    return None


class FedifyPeer:
    def __init__(self, log_dir: Path):
        # ES modules find packages only in node_modules next to or above the script
        self.script = NODE_DIR / "treffpunkt-fedify-peer.mjs"
        shutil.copyfile(SCRIPT, self.script)
        self.log_path = log_dir / "fedify-peer.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            ["node", str(self.script)], cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=self._log, start_new_session=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()
        if not line.startswith("LISTENING "):
            self.stop()
            raise RuntimeError(f"the Fedify peer did not start: {line!r}\n{self.log()}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"
        self.actor = self.url + "/users/peer"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def follow(self, actor: str) -> dict:
        response = requests.post(f"{self.url}/_follow", params={"actor": actor}, timeout=30)
        assert response.status_code == 200, response.text + self.log()
        return response.json()

    def unfollow(self, actor: str) -> dict:
        response = requests.post(f"{self.url}/_unfollow", params={"actor": actor}, timeout=30)
        assert response.status_code == 200, response.text + self.log()
        return response.json()

    def lookup(self, uri: str) -> dict:
        response = requests.get(f"{self.url}/_lookup", params={"uri": uri}, timeout=30)
        assert response.status_code == 200, response.text + self.log()
        return response.json()

    def publish(self, action: str, event_id: str, **fields) -> dict:
        """`action`: publish, update or delete one of the peer's own Events, sent to its followers."""
        response = requests.post(f"{self.url}/_{action}", params={"id": event_id, **fields}, timeout=30)
        assert response.status_code == 200, response.text + self.log()
        return response.json()

    def received(self) -> list[dict]:
        return requests.get(f"{self.url}/_received", timeout=10).json()

    def wait_for(self, check, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            got = self.received()
            if check(got) or time.monotonic() > deadline:
                return got
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
