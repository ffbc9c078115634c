"""Our front door for the benchmark, in its own process: fresh databases (SQLite files in a
folder, or fresh PostgreSQL databases), one partner with an account, an app password and a
public calendar; prints one JSON line with the address, then serves until killed."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATABASES = ("identity", "calendar", "rooms", "notify")


def settings_for(kind: str, folder: Path, pg: str, prefix: str = "treffpunkt_bench"):
    os.environ["TREFFPUNKT_VAR"] = str(folder)
    from shared.config import Settings

    urls = {}
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(pg.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True) as c:
            for name in DATABASES:
                c.execute(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')
                c.execute(f'CREATE DATABASE "{prefix}_{name}"')
        urls = {f"{n}_database_url": f"{pg}/{prefix}_{n}" for n in DATABASES}
    return Settings(secret_key="bench-secret-for-measuring-only-not-for-production", **urls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--db-prefix", default="treffpunkt_bench", help="names of the (recreated) databases")
    args = parser.parse_args()
    settings = settings_for(args.db, Path(args.dir), args.pg, args.db_prefix)

    from werkzeug.serving import make_server

    from shared.db import transaction
    from shared.identity import MIGRATIONS as IDENTITY_MIGRATIONS
    from shared.migrate import upgrade

    from services import calendar
    from services.calendar.store.sql import SqlStore
    from services.frontdoor import FrontDoor

    # the calendar service alone (all the benchmark asks), behind the front door's routing
    upgrade(IDENTITY_MIGRATIONS, settings.identity_database_url)
    upgrade(calendar.MIGRATIONS, settings.calendar_database_url)
    apps = {"calendar": calendar.create_app({"SETTINGS": settings})}
    identity = apps["calendar"].extensions["identity"]
    identity.create_partner("bench", "Benchmark e. V.", "Lobeda")
    identity.create_account(
        "bench", "Bench", partner_slug="bench", role="staff", email="bench@example.org", password="bench-password-1"
    )
    secret = identity.create_app_password("bench", "bench")
    with transaction(apps["calendar"].extensions["db"]) as session:
        partner_id = identity.principal_by_username("bench").partner_id
        SqlStore(session).ensure_partner_calendar(partner_id, "bench", "Benchmark", public=True)
    server = make_server("127.0.0.1", 0, FrontDoor(apps), threaded=True)
    print(
        json.dumps(
            {"port": server.server_port, "user": "bench", "password": secret, "calendar": "/dav/calendars/bench/bench/"}
        ),
        flush=True,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
