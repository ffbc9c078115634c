"""The production shape of docker-compose.yml, run natively on this machine.

Everything is read from docker-compose.yml, so the commands cannot drift from what compose runs:
each service's `command`, the environment (`x-app-environment`, with `${VAR:-default}` filled in
from `variables` as compose fills them from `.env`), the start order (`depends_on` with its
conditions, web services' health checks run as compose runs them) and the stop grace periods.
Only what a container gets from Docker is put in by hand:

- the infrastructure (postgres, redis, mailpit) is this machine's: the database URLs and the Redis
  URL are replaced by the given ones, mail goes to `SMTP_HOST`/`SMTP_PORT` from `variables`;
- each container's own port and host name: every gunicorn gets `GUNICORN_BIND` on a free loopback
  port, the mail-in `MAILIN_HOST`/`MAILIN_PORT` on one, every Celery worker a node name of its own
  (`--hostname`), and Caddy reaches the apps
  through `<SERVICE>_UPSTREAM` (the Caddyfile's defaults are the compose names);
- the image's entry points: console scripts (`gunicorn`, `celery`, `treffpunkt`) run with this
  interpreter and this checkout on PYTHONPATH, and `python` is this interpreter;
- the proxy's image command (`caddy run --config <the mounted Caddyfile> --adapter caddyfile`)
  with Debian's caddy, its data and config in a folder of its own.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKER_STOP_GRACE = 10.0  # seconds: what `docker stop` waits when a service sets no stop_grace_period
CADDY_CONFIG_IN_IMAGE = "/etc/caddy/Caddyfile"  # where the caddy image's command reads its config
_URL_IN_COMPOSE = re.compile(r"postgresql\+psycopg://[^@]+@postgres:5432/(\w+)")
_COMPOSE_HOSTS = re.compile(r"\b(postgres|redis|mailpit):\d+")
_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_]\w*))")


def load_compose() -> dict[str, Any]:
    """docker-compose.yml with its anchors and `<<` merges resolved (YAML does both)."""
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """`${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`, `$NAME`
    and `$$` as compose reads them."""

    def one(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return variables.get(match["named"], "")
        name, operator, rest = re.fullmatch(r"(\w+)(:?[-?])?(.*)", match["braced"], re.S).groups()  # type: ignore[union-attr]
        value = variables.get(name)
        missing = value is None or (value == "" and operator is not None and operator.startswith(":"))
        if operator and operator.endswith("?") and missing:
            raise ValueError(f"docker-compose.yml needs {name}: {rest}")
        if operator and operator.endswith("-") and missing:
            return rest
        return value or ""

    return _VARIABLE.sub(one, text)


@dataclass(frozen=True)
class Infrastructure:
    """What stands in for compose's postgres and redis: database URLs by database name
    (identity, calendar, rooms, notify, engagement) and a Redis URL."""

    databases: Mapping[str, str]
    redis_url: str


def local_variables(site_address: str, public_url: str, smtp_port: int, **more: str) -> dict[str, str]:
    """What an operator's .env would hold, for this machine: a fresh secret, the front door's
    address, mail to the SMTP sink on `smtp_port`, and one connection per process and database (five
    apps with their workers, five Celery workers with their pool children and the beat stay far
    below PostgreSQL's 100). The databases and Redis are no variables in docker-compose.yml:
    Infrastructure puts those in."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "POSTGRES_PASSWORD": "unused-here-the-infrastructure-stands-in",
        "SITE_ADDRESS": site_address,
        "PUBLIC_URL": public_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "DB_POOL_SIZE": "1",
        **more,
    }


def app_environment(service: Mapping[str, Any], variables: Mapping[str, str], infra: Infrastructure) -> dict[str, str]:
    """A service's `environment` as compose passes it, pointed at `infra` instead of the
    compose network. Fails when a value still names a compose host: a new address in
    docker-compose.yml must be mapped here, not silently reach nothing."""
    env = {}
    for name, raw in (service.get("environment") or {}).items():
        value = interpolate(str(raw), variables)
        if match := _URL_IN_COMPOSE.fullmatch(value):
            value = infra.databases[match.group(1)]
        elif value == "redis://redis:6379/0":
            value = infra.redis_url
        if _COMPOSE_HOSTS.search(value):
            raise ValueError(f"{name}={value} names a compose host this harness does not replace")
        env[name] = value
    return env


def command_line(words: list[str]) -> list[str]:
    """A compose command as this checkout runs it: `python` is this interpreter, a console
    script is its entry point called the way the installed script calls it."""
    first, rest = words[0], list(words[1:])
    if first == "python":
        return [sys.executable, *rest]
    (script,) = entry_points(group="console_scripts", name=first)
    module, _, function = script.value.partition(":")
    call = f"import sys; from {module} import {function} as main; sys.argv[0] = {first!r}; sys.exit(main())"
    return [sys.executable, "-c", call, *rest]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seconds(value: Any, default: float) -> float:
    """A compose duration ("60s", "1m30s", "500ms") in seconds."""
    if value is None:
        return default
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", str(value))
    return sum(float(n) * units[u] for n, u in parts)


@dataclass
class Process:
    """One compose service as one process (group): started, watched, stopped like a container."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    grace: float
    port: int | None = None
    popen: subprocess.Popen[bytes] | None = None
    exit_code: int | None = None
    stop_seconds: float | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """SIGTERM to the main process, as `docker stop` sends it; SIGKILL to the whole group
        after the grace period (then exit_code is None: it did not stop in time)."""
        assert self.popen is not None
        started = time.monotonic()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.popen.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            self.kill()
        self.stop_seconds = time.monotonic() - started

    def kill(self) -> None:
        assert self.popen is not None
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()

    def leftovers(self) -> bool:
        """Whether any process of its group (a gunicorn worker, a pool child) is still alive."""
        assert self.popen is not None
        try:
            os.killpg(self.popen.pid, 0)
        except ProcessLookupError:
            return False
        return True


@dataclass
class Shape:
    """docker-compose.yml's services as local processes. `variables` are what `.env` would hold
    (SECRET_KEY, POSTGRES_PASSWORD, PUBLIC_URL, SMTP_HOST, SMTP_PORT, DB_POOL_SIZE, SITE_ADDRESS,
    ...); `only` limits the run to these services and what they depend on (else every service
    `docker compose up` starts: none of a profile); `web` and `threads`
    set WEB_CONCURRENCY/GUNICORN_THREADS, `concurrency` each Celery worker's --concurrency
    (None: Celery's default, one per CPU, as compose runs it); `extra_env` is added to every
    app process's environment (e.g. BROKER_VISIBILITY_TIMEOUT, which compose does not set)."""

    folder: Path
    infra: Infrastructure
    variables: dict[str, str]
    only: tuple[str, ...] | None = None
    web: int = 2
    threads: int = 2
    concurrency: int | None = None
    caddy_env: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.compose = load_compose()
        self.services: dict[str, dict[str, Any]] = self.compose["services"]
        # as `docker compose up`: a service with profiles (the backup) only when named
        started = tuple(n for n, service in self.services.items() if not service.get("profiles"))
        self.wanted = self._with_dependencies(self.only or started)

    # --- what runs -------------------------------------------------------------------------------
    def _with_dependencies(self, names: tuple[str, ...]) -> list[str]:
        """`names` and everything they depend on, in an order compose may start them."""
        order: list[str] = []

        def visit(name: str) -> None:
            if name in order:
                return
            for dependency in self.services[name].get("depends_on") or {}:
                visit(dependency)
            order.append(name)

        for name in names:
            visit(name)
        return [n for n in order if self.kind(n) != "provided"]

    def kind(self, name: str) -> str:
        """What runs it: "app" (our image), "proxy" (Caddy) or "provided" (this machine's
        PostgreSQL and Redis, and the SMTP sink, stand in for it)."""
        service = self.services[name]
        if "build" in service:
            return "app"
        if str(service.get("image", "")).startswith("caddy"):
            return "proxy"
        return "provided"

    def command(self, name: str) -> list[str]:
        words = self.services[name].get("command") or []
        return shlex.split(words) if isinstance(words, str) else [str(w) for w in words]

    def web_services(self) -> list[str]:
        return [n for n in self.wanted if self.command(n)[:1] == ["gunicorn"]]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.processes[self.proxy_name].port}"

    @property
    def proxy_name(self) -> str:
        (name,) = [n for n in self.wanted if self.kind(n) == "proxy"]
        return name

    def health_path(self, name: str) -> str:
        """The path the service's compose health check asks for (e.g. /rooms/healthz)."""
        return next(w for w in self.services[name]["healthcheck"]["test"] if str(w).startswith("/"))

    # --- building each process -------------------------------------------------------------------
    @property
    def application_name(self) -> str:
        """What each of this shape's processes calls itself in pg_stat_activity (libpq's
        PGAPPNAME), so its connections can be told from the rest of the suite's."""
        return f"shape-{self.folder.name}"[:63]

    def _process(self, name: str) -> Process:
        var = self.folder / "var" / name  # each container's TREFFPUNKT_VAR is its own
        var.mkdir(parents=True, exist_ok=True)
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(var),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",  # as the image sets them (deploy/Dockerfile)
            "PYTHONDONTWRITEBYTECODE": "1",
            "TREFFPUNKT_VAR": str(var),
            "PGAPPNAME": self.application_name,
        }
        service = self.services[name]
        grace = _seconds(service.get("stop_grace_period"), DOCKER_STOP_GRACE)
        log = self.folder / f"{name}.log"
        if self.kind(name) == "proxy":
            return self._proxy(name, base, grace, log)
        env = {**base, **app_environment(service, self.variables, self.infra), **self.extra_env}
        argv = self.command(name)
        port = None
        if argv[0] == "gunicorn":
            port = free_port()
            env |= {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(self.web)}
            env |= {"GUNICORN_THREADS": str(self.threads)}
        elif argv[:2] == ["treffpunkt", "mailin"]:
            port = free_port()  # compose: the container's own 2525; here a free loopback port
            env |= {"MAILIN_HOST": "127.0.0.1", "MAILIN_PORT": str(port)}
        elif argv[0] == "celery" and "worker" in argv:
            argv += ["--hostname", f"{name}@%h"]  # compose: each container its own host name
            if self.concurrency is not None:
                argv += ["--concurrency", str(self.concurrency)]
        return Process(name, command_line(argv), env, log, grace, port)

    def _proxy(self, name: str, base: dict[str, str], grace: float, log: Path) -> Process:
        service = self.services[name]
        (config,) = [
            v.split(":")[0] for v in service.get("volumes", []) if str(v).split(":")[1] == CADDY_CONFIG_IN_IMAGE
        ]
        env = {**base, "XDG_DATA_HOME": base["HOME"] + "/data", "XDG_CONFIG_HOME": base["HOME"] + "/config"}
        env |= {k: interpolate(str(v), self.variables) for k, v in (service.get("environment") or {}).items()}
        for upstream in self.web_services():
            env[f"{upstream.upper()}_UPSTREAM"] = f"127.0.0.1:{self.processes[upstream].port}"
        # where Caddy would listen for HTTP->HTTPS redirects and HTTPS (80, 443 in compose)
        env |= {"CADDY_HTTP_PORT": str(free_port()), "CADDY_HTTPS_PORT": str(free_port())} | self.caddy_env
        port = int(env["SITE_ADDRESS"].rpartition(":")[2]) if env["SITE_ADDRESS"].startswith(":") else None
        argv = ["caddy", "run", "--config", str(ROOT / config), "--adapter", "caddyfile"]
        return Process(name, argv, env, log, grace, port)

    # --- start and stop --------------------------------------------------------------------------
    def start(self, timeout: float = 120) -> Shape:
        """Each service once its depends_on conditions hold, as compose starts them; returns when
        every long-running one is ready (healthy, consuming, listening)."""
        deadline = time.monotonic() + timeout
        pending = list(self.wanted)
        try:
            while pending:
                startable = [n for n in pending if self._dependencies_met(n)]
                for name in startable:
                    self.processes[name] = self._process(name)
                    self.processes[name].start()
                    pending.remove(name)
                self._check_alive()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"not started in {timeout}s: {pending}\n{self.tails()}")
                time.sleep(0.2)
            for name in self.wanted:
                self._wait_ready(name, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _dependencies_met(self, name: str) -> bool:
        for dependency, condition in (self.services[name].get("depends_on") or {}).items():
            if self.kind(dependency) == "provided":
                continue
            process = self.processes.get(dependency)
            if process is None:
                return False
            wanted = (condition or {}).get("condition", "service_started")
            if wanted == "service_completed_successfully":
                if process.running:
                    return False
                if process.popen is not None and process.popen.returncode != 0:
                    raise RuntimeError(f"{dependency} failed ({process.popen.returncode}):\n{process.log()[-4000:]}")
            elif wanted == "service_healthy" and not self.healthy(dependency):
                return False
        return True

    def healthy(self, name: str) -> bool:
        """The service's compose health check, run as compose runs it (in its environment)."""
        check = [str(w) for w in self.services[name]["healthcheck"]["test"]]
        assert check[0] == "CMD", f"{name}: only CMD health checks are understood here: {check}"
        process = self.processes[name]
        if not process.running:
            return False
        done = subprocess.run(command_line(check[1:]), cwd=ROOT, env=process.env, capture_output=True, timeout=30)
        return done.returncode == 0

    def _wait_ready(self, name: str, deadline: float) -> None:
        while not self._ready(name):
            self._check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} not ready:\n{self.processes[name].log()[-4000:]}")
            time.sleep(0.2)

    def _ready(self, name: str) -> bool:
        process, argv = self.processes[name], self.command(name)
        if self.kind(name) == "proxy":
            return "serving initial configuration" in process.log()  # logged once it listens
        if argv[:1] == ["gunicorn"]:
            return self.healthy(name)
        if "worker" in argv:
            return " ready." in process.log()
        if "beat" in argv:
            return "beat: Starting" in process.log()
        if argv[:2] == ["treffpunkt", "mailin"]:
            return "mailin listening" in process.log()  # logged once the port is open
        return not process.running  # a one-shot command (migrate): done, checked when it was needed

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            one_shot = self.services[name].get("restart") == "no"
            if not one_shot and not process.running:
                raise RuntimeError(f"{name} exited ({process.popen and process.popen.returncode}):\n{self.tails()}")

    def stop(self) -> dict[str, Process]:
        """As `docker compose down`: the proxy first (nothing new comes in), then everything else
        at once, each with its own grace period."""
        proxy = [p for n, p in self.processes.items() if self.kind(n) == "proxy"]
        rest = [p for n, p in self.processes.items() if self.kind(n) != "proxy"]
        for group in (proxy, rest):
            waiting = [p for p in group if p.popen is not None and p.stop_seconds is None]
            with ThreadPoolExecutor(max_workers=max(1, len(waiting))) as pool:
                list(pool.map(Process.stop, waiting))
        return self.processes

    def stop_service(self, name: str) -> Process:
        """One service stopped (`docker compose stop <name>`)."""
        self.processes[name].stop()
        return self.processes[name]

    def start_service(self, name: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> Process:
        """One service started again, with `env` added to its variables (a container recreated
        with changed settings); returns once it is ready."""
        process = self._process(name)
        process.env |= env or {}
        self.processes[name] = process
        process.start()
        self._wait_ready(name, time.monotonic() + timeout)
        return process

    def tails(self, chars: int = 2000) -> str:
        return "\n".join(f"--- {n}\n{p.log()[-chars:]}" for n, p in self.processes.items())

    def __enter__(self) -> Shape:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# what tests/test_production.py ran, for the run's summary (tests/conftest.py)
RAN: list[str] = []


def docker_engine() -> str | None:
    """Why no Docker engine can be used here (None: `docker info` answered)."""
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return "no docker command"
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer in 30 s"
    if done.returncode != 0:
        return "`docker info` failed: " + (done.stderr.strip().splitlines() or ["no engine"])[-1]
    return None
