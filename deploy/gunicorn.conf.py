"""gunicorn settings for each Treffpunkt web service (one container per service).

    gunicorn -c deploy/gunicorn.conf.py "services.rooms:create_app()"

Tuned through the environment, so one file serves all three services:
  WEB_CONCURRENCY     worker processes (default: 1 per CPU + 1, at most 8)
  GUNICORN_THREADS    threads per worker (default 1; idle keep-alive connections cost no thread)
  GUNICORN_TIMEOUT    seconds a request may take before its worker is restarted (default 60)
  GUNICORN_BIND       address to listen on (default 0.0.0.0:8000, reached only by the proxy)
  PROMETHEUS_MULTIPROC_DIR  folder for the workers' metrics files (default: a new one; emptied at start)
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

from shared import logs, signed_links
from shared.config import Settings
from shared.metrics import processes as metrics_processes


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One process a CPU and one more, one thread each: most answers are a few milliseconds of Python
# (the public pages come from page_cache.py), so more processes or threads than CPUs only make
# them wait for each other. bench/public_calendar.py, the week page under 50 clients on 2 CPUs
# (the slowest 5 % of answers): 5×4 215 ms, 5×2 212 ms, 3×2 97 ms, 5×1 70–135 ms, 3×1 25–61 ms,
# 2×1 25 ms; inside the app every one took under 3 ms. The gthread worker still keeps many
# connections open (keep-alive waits in its selector, not in a thread); raise the threads where
# requests mostly wait on something slow.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 1)

# Large calendar reports and feeds take a while on old hardware; a stuck worker must still go.
# (With gthread workers this is the worker's heartbeat: a worker whose main loop stalls is
# restarted. A single request is bounded by the services themselves and by Caddy's timeouts.)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# The proxy reuses its connections to us; idle ones are closed after this many seconds.
keepalive = 5

# What one request may send before the application sees it (bodies: MAX_CONTENT_LENGTH and
# Caddy's request_body). A request line carries at most a path with a filter query; CalDAV
# clients send a dozen headers.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Recycle workers now and then so a slow leak can never take a service down. Not too often: a
# new worker imports everything and starts with empty caches, which costs a second of CPU. At
# 5000 requests, bench/public_calendar.py (1,000 pages/s on 2 cores) saw a worker restart every
# few seconds, each one a spike in the slowest answers; the wide jitter keeps workers under even
# load from all restarting in the same second.
max_requests = 50_000
max_requests_jitter = 25_000

# Each worker builds its own app, engines and broker connections after the fork: nothing that
# holds a socket is shared between processes.
preload_app = False

# The heartbeat file on a tmpfs: a container's overlay filesystem can stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Behind the reverse proxy: trust its X-Forwarded-Proto so https links stay https. The app
# containers publish no port, so only the proxy can reach them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Logs to stdout/stderr, where docker collects them; the access log shows the client address
# the proxy saw (X-Forwarded-For) and the time taken in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'


class RedactingLogger(Logger):
    """The access log without the tokens of signed links (shared/signed_links.py): the request
    line, path, Referer and every other field that could carry one keep only the prefix. Nor
    with query strings: a search may be a name or an address (the delivery log's filter).

    With LOG_FORMAT=json both logs are JSON lines (shared/logs.py), the access log's with the
    method, path (no query), route, status, duration, client address and request id."""

    def setup(self, cfg):
        super().setup(cfg)
        # "services.rooms:create_app()" -> rooms: the master's lines name the service too
        service = re.search(r"services\.(\w+)", cfg.proc_name or "")
        logs.configure(Settings.from_env().log_format, service.group(1) if service else "web")
        if logs.is_json():
            logs.use_json(self.error_log, self.access_log)
        signed_links.redact_log(self.error_log)  # "Error handling request /rooms/cancel/<token>"

    def access(self, resp, req, environ, request_time):
        if not logs.is_json():
            return super().access(resp, req, environ, request_time)
        if self.access_log_enabled:
            fields = logs.access_fields(environ, resp.status, request_time.total_seconds())
            line = "%(method)s %(path)s %(status)s"
            self.access_log.info(line, fields, extra={logs.FIELDS: fields})
        return None

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("RAW_URI", "").split("?", 1)[0]
        atoms.update(r=f"{atoms['m']} {path} {atoms['H']}", q="", f=atoms["f"].split("?", 1)[0])
        if signed_links.mentions_one(environ.get("RAW_URI", "") + environ.get("HTTP_REFERER", "")):
            atoms = {k: signed_links.redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
        return atoms


logger_class = RedactingLogger


# Metrics (shared/metrics): each worker counts into files in one folder, so a scrape answered by
# any worker sums them all (PROMETHEUS_MULTIPROC_DIR, else a new folder; emptied at start).
def on_starting(server):
    metrics_processes.prepare_folder()


def child_exit(server, worker):
    metrics_processes.worker_ended(worker.pid)


def on_exit(server):
    metrics_processes.remove_own_folder()
