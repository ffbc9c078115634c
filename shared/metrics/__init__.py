"""Metrics in Prometheus' format for every service, at `/<service>/metrics`.

registry.py   one service's metrics (its own registry: several apps share a process in make run
              and the tests) and their exposition, summed over gunicorn's worker processes
processes.py  gunicorn's side of that: one folder of per-process files, the dead ones' kept
http.py       requests by route, method and status, and their latency, around the whole WSGI app
broker.py     the service queue's length in the broker, asked at scrape time
outbox.py     the outbox's open messages (also read by /healthz)
reads.py      bounded database reads for what is asked at scrape time
endpoint.py   wiring into the app, and who may read the metrics
"""
