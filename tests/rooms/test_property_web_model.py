"""Random sequences of book (one-off or weekly) / cancel (one date or the series) / change (one
date's time) against a plain in-memory model, on PostgreSQL: the database never holds two
overlapping valid occurrences of a room (checked in SQL) and agrees with the model."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, text

from services.rooms.booking import cancel as cancelling, change as changing, series
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import InvalidInput, SeriesConflict
from services.rooms.db.models import AuditEntry, Booking, Occurrence, OutboxMessage
from services.rooms.domain import Recurrence

from tests.support.rooms import next_week, run

BERLIN = ZoneInfo("Europe/Berlin")
OVERLAPS = text("""SELECT count(*) FROM occurrences a JOIN occurrences b
                   ON a.room_id = b.room_id AND a.id < b.id AND a.state = 'valid' AND b.state = 'valid'
                   AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')""")

book = st.tuples(
    st.just("book"),
    st.sampled_from(["lena", "otto"]),
    st.integers(0, 2),
    st.integers(8, 11),
    st.integers(1, 2),
    st.integers(1, 3),
)
cancel = st.tuples(st.just("cancel"), st.integers(0, 5), st.integers(0, 2), st.sampled_from(["occurrence", "series"]))
change = st.tuples(st.just("change"), st.integers(0, 5), st.integers(0, 2), st.integers(8, 11), st.integers(1, 2))
steps = st.lists(st.one_of(book, cancel, change), min_size=1, max_size=8)


def _overlap(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=steps)
def test_database_agrees_with_the_model_and_never_double_books(rooms_app, rooms, people, actions):
    factory = rooms_app.extensions["db"]
    with factory() as s:  # each example starts from an empty room
        for model in (AuditEntry, OutboxMessage, Occurrence, Booking):
            s.execute(delete(model))
        s.commit()
    ident = rooms_app.extensions["identity"]
    who = {u: ident.principal(people[u]["id"]) for u in ("lena", "otto")}
    by_account = {p.account_id: p for p in who.values()}
    ctx = Ctx(public_url="http://treffpunkt.test", partner_name_of=lambda _p: "", principal_of=by_account.get)
    base = next_week()
    # model: booking id -> (booker, [[occurrence id, start, end, live]])
    model: dict[int, tuple[str, list[list]]] = {}
    order: list[int] = []

    def live_slots(exclude: int | None = None):
        return [(o[1], o[2]) for b, (_, occ) in model.items() if b != exclude for o in occ if o[3]]

    for action in actions:
        if action[0] == "book":
            _, user, day, hour, hours, n = action
            first = base + timedelta(days=day)
            rec = Recurrence(
                first, time(hour), time(hour + hours), "weekly" if n > 1 else "once", 1, n if n > 1 else None
            )
            wanted = [
                (
                    datetime.combine(first + timedelta(weeks=k), time(hour), tzinfo=BERLIN),
                    datetime.combine(first + timedelta(weeks=k), time(hour + hours), tzinfo=BERLIN),
                )
                for k in range(n)
            ]
            expect_ok = not any(_overlap(w, h) for w in wanted for h in live_slots())
            try:
                booking = run(factory, series.book, who[user], rooms["saal"], rec, "Kurs", False, ctx)
            except SeriesConflict:
                assert not expect_ok
            else:
                assert expect_ok
                model[booking.id] = (user, [[o.id, w[0], w[1], True] for o, w in zip(booking.occurrences, wanted)])
                order.append(booking.id)
        elif order:
            booking_id = order[action[1] % len(order)]
            user, occ = model[booking_id]
            target = occ[action[2] % len(occ)]
            if action[0] == "cancel":
                chosen = occ if action[3] == "series" else [target]
                expect_ok = any(o[3] for o in chosen)
                try:
                    run(factory, cancelling.cancel, who[user], booking_id, action[3], target[0], ctx)
                except InvalidInput:
                    assert not expect_ok
                else:
                    assert expect_ok
                    for o in chosen:
                        o[3] = False
            else:
                _, _, _, hour, hours = action
                day = target[1].date()
                new = (
                    datetime.combine(day, time(hour), tzinfo=BERLIN),
                    datetime.combine(day, time(hour + hours), tzinfo=BERLIN),
                )
                expect_ok = target[3] and not any(_overlap(new, h) for h in live_slots(exclude=booking_id))
                try:
                    run(
                        factory,
                        changing.change_time,
                        who[user],
                        booking_id,
                        "occurrence",
                        target[0],
                        new[0],
                        new[1],
                        ctx,
                    )
                except (SeriesConflict, InvalidInput):
                    assert not expect_ok
                else:
                    assert expect_ok
                    target[1], target[2] = new
        with factory() as s:
            assert s.scalar(OVERLAPS) == 0
            stored = {(o.id, o.starts_at, o.ends_at) for o in s.query(Occurrence).filter(Occurrence.state == "valid")}
        expected = {(o[0], o[1], o[2]) for _, occ in model.values() for o in occ if o[3]}
        assert stored == expected
