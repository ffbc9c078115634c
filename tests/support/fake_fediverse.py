"""A remote ActivityPub server for the tests, at the edge of the world: actors with their own
keys, an inbox per actor and a shared one that record what arrives (and check our signatures
with our actor's public key), and failures on demand (a status for the next N posts)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from shared.clock import utcnow

from services.calendar.domain import http_signatures as hs, message_signatures as ms


@dataclass
class Arrival:
    path: str
    activity: dict
    signed_by: str  # the keyId, when our signature verified; "" when it did not


@dataclass
class FakeServer:
    shared_inbox: bool = True
    arrivals: list[Arrival] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses for the next posts, in order
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    rfc9421_only: bool = False  # refuses draft-cavage signatures with 401

    def __post_init__(self):
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def actor(self, name: str) -> str:
        self.keys.setdefault(name, hs.new_key_pair())
        return f"{self.url}/users/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def signed_post(
        self, name: str, url: str, activity: dict, sent: bytes | None = None, **changes
    ) -> requests.Response:
        """POST `activity` to one of our inboxes, signed by the actor `name` of this server;
        `sent`: another body sent under that signature (tampered on the way); `changes`: headers
        replaced after signing, or `now` for the signature's date."""
        body = json.dumps(activity).encode()
        host, _, path = url.split("://", 1)[1].partition("/")
        headers = hs.signed_headers(
            "POST",
            host,
            "/" + path,
            self.actor(name) + "#main-key",
            self.keys[name][0],
            changes.pop("now", utcnow()),
            body,
        )
        headers.update(changes)
        return requests.post(
            url,
            data=sent if sent is not None else body,
            headers={**headers, "Content-Type": "application/activity+json"},
            timeout=10,
        )

    def app(self, environ, start_response):
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.method == "GET" and len(parts) == 2 and parts[0] == "users" and parts[1] in self.keys:
            actor = f"{self.url}/users/{parts[1]}"
            document = {
                "id": actor,
                "type": "Person",
                "inbox": actor + "/inbox",
                "publicKey": {"id": actor + "#main-key", "owner": actor, "publicKeyPem": self.keys[parts[1]][1]},
            }
            if self.shared_inbox:
                document["endpoints"] = {"sharedInbox": self.url + "/inbox"}
            return Response(json.dumps(document), content_type="application/activity+json")(environ, start_response)
        if request.method == "POST" and request.path.endswith("/inbox"):
            if self.failures:
                return Response("nein", status=self.failures.pop(0))(environ, start_response)
            body = request.get_data()
            if self.rfc9421_only and "Signature-Input" not in request.headers:
                return Response("RFC 9421 bitte", status=401)(environ, start_response)
            self.arrivals.append(Arrival(request.path, json.loads(body), self._verified(request, body)))
            return Response(status=202)(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    def _verified(self, request: Request, body: bytes) -> str:
        """The keyId when our signature (draft-cavage or RFC 9421) verifies with the key our
        actor document gives."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            if "signature-input" in headers:
                modern = ms.parse(headers["signature-input"], headers.get("signature"))
                ms.check(modern, "POST", self.url + request.path, headers, body, self._key_of(modern.key_id), utcnow())
                return modern.key_id
            signature = hs.parse(headers.get("signature"))
            hs.check(signature, "POST", request.path, headers, body, self._key_of(signature.key_id), utcnow())
        except (hs.SignatureError, requests.RequestException, KeyError, ValueError):
            return ""
        return signature.key_id

    @staticmethod
    def _key_of(key_id: str) -> str:
        actor = requests.get(key_id.split("#")[0], headers={"Accept": "application/activity+json"}, timeout=10)
        return str(actor.json()["publicKey"]["publicKeyPem"])
