"""`make run`: the whole system on one machine with embedded defaults.

Migrates, loads demo data, starts one Celery worker per service queue and the one beat as child
processes (a file broker under var/ unless REDIS_URL is set), and serves the front door on
:8080 in this process. Ctrl-C (or SIGTERM) stops the children and exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from werkzeug.serving import make_server

from shared.config import Settings

from services.databases import WORKERS, migrate_all
from services.demo import load_demo
from services.frontdoor import create_frontdoor


def _children(settings: Settings) -> list[subprocess.Popen]:
    env = {**os.environ, "TREFFPUNKT_VAR": str(settings.var_dir)}
    log_dir = settings.var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    # prefork even for one task at a time: only a pool child can be stopped at a task's time limit
    commands = {
        f"worker-{svc}": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            f"services.{svc}.worker",
            "worker",
            "-Q",
            svc,
            "-n",
            f"{svc}@%h",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
        ]
        for svc in WORKERS
    }
    commands["beat"] = [sys.executable, "-m", "celery", "-A", "services.beat", "beat", "--loglevel", "INFO"]
    # rooms by email: plain SMTP on loopback (swaks or a mail program can hand it an invitation);
    # where MAILIN_PORT is taken (a second make run) it says so in its log and the rest runs on
    commands["mailin"] = [sys.executable, "-m", "services.cli", "mailin"]
    mail_env = {**env, "MAILIN_PROTOCOL": os.environ.get("MAILIN_PROTOCOL", "smtp")}
    children = []
    for name, cmd in commands.items():
        log = open(log_dir / f"{name}.log", "ab")
        # own process group: Ctrl-C in the terminal reaches us, and we stop them in order
        children.append(
            subprocess.Popen(
                cmd,
                env=mail_env if name == "mailin" else env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return children


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


def run_all(host: str = "127.0.0.1", port: int = 8080) -> None:
    settings = Settings.from_env()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    migrate_all(settings)
    lines = load_demo(settings) if settings.demo else []
    children = _children(settings)
    server = make_server(host, port, create_frontdoor(settings), threaded=True)

    def _terminate(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)  # also when started in the background (SIGINT ignored)
    base = f"http://{host}:{port}"
    print(f"\nTreffpunkt läuft auf {base}/", flush=True)
    print(
        f"  Raumbörse     {base}/rooms/\n  API           {base}/api/rooms/\n"
        f"  Kalender      {base}/calendar/   CalDAV {base}/dav/   Feeds {base}/feeds/\n"
        f"  Nachrichten   {base}/notify/   (E-Mail und SMS werden hier gezeigt)\n"
        f"  Mein Konto    {base}/account/   (Einladungen, Passwort vergessen)\n"
        f"  Mitmachen     {base}/engagement/   (Engagementbörse: Ehrenamt finden und anbieten)\n"
        f"  Räume per E-Mail einladen: SMTP {settings.mailin_host}:{settings.mailin_port}, "
        f"an raum-<Nummer>@{settings.room_mail_domain}"
    )
    for line in lines:
        print(line)
    print(f"Logs der Worker: {settings.var_dir / 'log'}.  Beenden mit Strg-C.\n", flush=True)
    try:
        server.serve_forever()  # werkzeug's own loop swallows the KeyboardInterrupt and returns
    finally:
        print("\nHalte an …", flush=True)
        server.server_close()
        _stop(children)
        print("Angehalten.", flush=True)
