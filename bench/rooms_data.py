"""Benchmark data for the rooms service: own databases, the service's migrations, rooms made
through its operations, bookings and occurrences bulk-loaded with COPY.

The occurrences are generated non-overlapping per room (weekly series at fixed local times plus
one-off bookings in the remaining blocks, then thinned at random to the wanted count), and the
exclusion constraint is re-added after the load, so PostgreSQL itself proves they are valid."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg

from shared.db import make_engine, make_session_factory, transaction
from shared.identity import MIGRATIONS as IDENTITY_MIGRATIONS
from shared.identity.models import DISTRICTS
from shared.identity.store import IdentityStore
from shared.migrate import upgrade

from services.rooms import MIGRATIONS
from services.rooms.booking.rooms import create_room
from services.rooms.db.models import Base, Booking

from bench_databases import PG, drop_database, recreate_database, sa_url  # noqa: F401  (the benchmarks reach them here)

BERLIN = ZoneInfo("Europe/Berlin")
DAY_OPENS = time(7, 0)  # local; a block grid of quarter hours until 22:00
QUARTERS = 60
SPAN_DAYS = 730  # about one year back and one year ahead
PASSWORD = "bench-app-password"
TITLES = (
    "Eltern-Kind-Turnen",
    "Mittagstisch",
    "Chorprobe",
    "Sprachcafé",
    "Seniorengymnastik",
    "Hausaufgabenhilfe",
    "Teamsitzung",
    "Puppentheater",
    "Familienkino",
    "Nähkurs",
    "Computerkurs für Ältere",
    "Mentoring Jung und Alt",
    "Tanzkreis",
    "Beratung",
)


@dataclass
class Network:
    """Partners and accounts of the benchmark identity database."""

    partners: list[int] = field(default_factory=list)  # partner ids
    accounts: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # partner -> (id, username)
    equipment: tuple[str, ...] = ()  # the vocabulary's equipment keys (its migration seeds them)


def make_identity(db_name: str, partners: int = 10, accounts_per_partner: int = 6) -> Network:
    recreate_database(db_name)
    upgrade(IDENTITY_MIGRATIONS, sa_url(db_name))
    engine = make_engine(sa_url(db_name))
    store = IdentityStore(make_session_factory(engine))
    network = Network(equipment=store.vocabulary().keys("equipment"))
    for p in range(partners):
        pid = store.create_partner(f"partner-{p}", f"Partner {p}", DISTRICTS[p % len(DISTRICTS)])
        network.partners.append(pid)
        network.accounts[pid] = []
        for a in range(accounts_per_partner):
            username = f"p{p}a{a}"
            aid = store.create_account(
                username, f"Bench {p}/{a}", partner_slug=f"partner-{p}", email=f"{username}@bench.invalid"
            )
            store.create_app_password(username, "bench", PASSWORD)
            network.accounts[pid].append((aid, username))
    engine.dispose()
    return network


def make_rooms_db(db_name: str, network: Network, rooms: int, seed: int) -> list[int]:
    """Migrated rooms database with `rooms` rooms made through booking.rooms.create_room."""
    recreate_database(db_name)
    upgrade(MIGRATIONS, sa_url(db_name))
    rng = random.Random(seed)
    engine = make_engine(sa_url(db_name))
    ids = []
    with transaction(make_session_factory(engine)) as session:
        for i in range(rooms):
            room = create_room(
                session,
                network.partners[i % len(network.partners)],
                name=f"Raum {i + 1}",
                district=DISTRICTS[i % len(DISTRICTS)],
                address=f"Teststraße {i + 1}, Jena",
                capacity=rng.choice((8, 12, 20, 30, 50, 80, 120)),
                equipment=rng.sample(network.equipment, rng.randint(0, 4)),
                step_free=rng.random() < 0.6,
            )
            ids.append(room.id)
    engine.dispose()
    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        # the benchmark has no consumers for these: published and confirmed, never relayed
        conn.execute("UPDATE outbox SET sent_at = now(), confirmed_at = now()")
    return ids


# --- occurrences --------------------------------------------------------------------------
def first_day() -> date:
    return datetime.now(BERLIN).date() - timedelta(days=SPAN_DAYS // 2)


def _day_bases(start: date) -> list[int]:
    """UTC epoch seconds of 07:00 local on each day (DST switches happen at night)."""
    return [
        int(datetime.combine(start + timedelta(days=d), DAY_OPENS, tzinfo=BERLIN).timestamp()) for d in range(SPAN_DAYS)
    ]


def _week_template(rng: random.Random) -> list[tuple[int, int, int, bool]]:
    """Blocks (weekday, first quarter, quarters, is_series) of one room's typical week."""
    blocks = []
    for weekday in range(7):
        q = rng.randint(0, 4)
        while True:
            quarters = rng.choice((3, 4, 4, 6, 6, 8, 8, 12))
            if q + quarters > QUARTERS:
                break
            if weekday < 6 or rng.random() < 0.3:  # Sundays are quiet
                blocks.append((weekday, q, quarters, rng.random() < 0.6))
            q += quarters + rng.choice((0, 0, 1, 2, 4))
    return blocks


def _room_bookings(rng: random.Random, start: date) -> list[list[tuple[int, int, int]]]:
    """Bookings of one room, each a list of occurrences (day index, first quarter, end quarter)."""
    weeks = SPAN_DAYS // 7
    offset = (7 - start.weekday()) % 7  # day index of the first Monday
    bookings = []
    for weekday, q, quarters, series in _week_template(rng):
        if series:
            week = rng.randint(0, 3)
            while week < weeks:
                length = rng.randint(6, 52)
                days = [offset + (week + w) * 7 + weekday for w in range(length) if week + w < weeks]
                occ = [(d, q, q + quarters) for d in days if d < SPAN_DAYS and rng.random() > 0.03]
                if occ:
                    bookings.append(occ)
                week += length + rng.randint(0, 4)
        else:
            for week in range(weeks):
                day = offset + week * 7 + weekday
                if day < SPAN_DAYS and rng.random() < 0.85:
                    length = rng.randint(2, quarters)
                    first = q + rng.randint(0, quarters - length)
                    bookings.append([(day, first, first + length)])
    return bookings


def _thin(rng: random.Random, bookings: list[list], keep: int) -> list[list]:
    """Drop occurrences at random until `keep` are left (cancelled dates leave gaps)."""
    total = sum(len(b) for b in bookings)
    if total <= keep:
        return bookings
    flat = [(i, j) for i, b in enumerate(bookings) for j in range(len(b))]
    kept = set(rng.sample(flat, keep))
    thinned = [[o for j, o in enumerate(b) if (i, j) in kept] for i, b in enumerate(bookings)]
    return [b for b in thinned if b]


def _model_defaults(table: str, given: tuple[str, ...]) -> tuple[list[str], list]:
    """Columns of the model that the loader does not set, with the model's defaults, so the
    load keeps working when the service adds columns."""
    names, values = [], []
    for column in Base.metadata.tables[table].columns:
        if column.name in given or column.primary_key or column.computed is not None:
            continue
        if column.server_default is not None:
            continue
        if column.default is not None:
            value = column.default.arg(None) if column.default.is_callable else column.default.arg
        elif column.nullable:
            value = None
        else:
            raise RuntimeError(f"{table}.{column.name} has no default; teach bench/rooms_data.py about it")
        names.append(column.name)
        values.append(value)
    return names, values


def load_occurrences(db_name: str, network: Network, room_ids: list[int], total: int, seed: int) -> dict:
    """Bookings and occurrences for all rooms, COPY-loaded; returns counts."""
    rng = random.Random(seed)
    start = first_day()
    bases = _day_bases(start)
    utc = timezone.utc
    now = datetime.now(utc)
    b_cols = (
        "id",
        "uid",
        "room_id",
        "booker_account_id",
        "booker_partner_id",
        "title",
        "status",
        "sequence",
        "public",
        "created_at",
        "updated_at",
    )
    o_cols = ("booking_id", "room_id", "starts_at", "ends_at", "state")
    b_extra, b_values = _model_defaults("bookings", b_cols)
    o_extra, o_values = _model_defaults("occurrences", o_cols + ("id",))
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        constraints = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'occurrences'::regclass AND contype = 'x'"
        ).fetchall()
        for name, _definition in constraints:
            conn.execute(f'ALTER TABLE occurrences DROP CONSTRAINT "{name}"')
        gist_indexes = conn.execute(  # the free-room search's index: also built once after the load
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'occurrences'"
            " AND indexdef LIKE '%USING gist%'"
        ).fetchall()
        for name, _definition in gist_indexes:
            conn.execute(f'DROP INDEX "{name}"')
        generated = []  # (booking row, occurrences) kept in memory: one COPY at a time per connection
        remaining = total
        for index, room_id in enumerate(room_ids):
            want = remaining // (len(room_ids) - index)
            for occ in _thin(rng, _room_bookings(random.Random(seed * 7919 + room_id), start), want):
                partner = rng.choice(network.partners)
                account_id, _user = rng.choice(network.accounts[partner])
                generated.append(((room_id, account_id, partner, rng.choice(TITLES), rng.random() < 0.3), occ))
                remaining -= len(occ)
        with conn.cursor() as cur, cur.copy(f"COPY bookings ({', '.join(b_cols + tuple(b_extra))}) FROM STDIN") as copy:
            for booking_id, ((room_id, account_id, partner, title, public), _occ) in enumerate(generated, 1):
                copy.write_row(
                    (
                        booking_id,
                        Booking.uid_for(booking_id),
                        room_id,
                        account_id,
                        partner,
                        title,
                        "confirmed",
                        0,
                        public,
                        now,
                        now,
                        *b_values,
                    )
                )
        occurrences = 0
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY occurrences ({', '.join(o_cols + tuple(o_extra))}) FROM STDIN") as copy,
        ):
            for booking_id, ((room_id, *_rest), occ) in enumerate(generated, 1):
                for day, q0, q1 in occ:
                    copy.write_row(
                        (
                            booking_id,
                            room_id,
                            datetime.fromtimestamp(bases[day] + q0 * 900, utc),
                            datetime.fromtimestamp(bases[day] + q1 * 900, utc),
                            "valid",
                            *o_values,
                        )
                    )
                occurrences += len(occ)
        booking_id = len(generated)
        conn.execute("SELECT setval(pg_get_serial_sequence('bookings', 'id'), %s)", (booking_id,))
        conn.execute("SET maintenance_work_mem = '256MB'")
        for name, definition in constraints:  # rebuilt in bulk; fails if anything overlaps
            conn.execute(f'ALTER TABLE occurrences ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in gist_indexes:
            conn.execute(definition)
        conn.commit()
    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {
        "bookings": booking_id,
        "occurrences": occurrences,
        "first_day": start,
        "exclusion_constraints": [name for name, _ in constraints],
        "indexes": [name for name, _ in gist_indexes],
    }
