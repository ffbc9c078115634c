"""Container health check: `python deploy/healthcheck.py /rooms/healthz`.

Healthy only when the service answers 200; compose asks `/<service>/healthz?serving`, i.e.
whether it reaches its own database and the broker (shared/web/health.py; a stuck outbox is
for the operator's alarm and the metrics, it does not take the site off the net).
The slim image has no curl, and this needs nothing but the stdlib."""

import os
import sys
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else "/"
port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rpartition(":")[2]  # as in gunicorn.conf.py
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure is "unhealthy"; say why in `docker inspect`
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
