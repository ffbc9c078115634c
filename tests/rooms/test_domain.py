"""Pure rules: half-open overlap, slot validation, what other partners may see."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from services.rooms.domain import BUSY, Holding, Slot, conflicts, conflicts_per_slot, first_conflict, overlaps, problems

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc)


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 12, day, hour, minute, tzinfo=timezone.utc)


def test_back_to_back_slots_do_not_overlap():
    assert not overlaps(t(3, 10), t(3, 11), t(3, 11), t(3, 12))
    assert not overlaps(t(3, 11), t(3, 12), t(3, 10), t(3, 11))


def test_partial_contained_and_equal_slots_overlap():
    assert overlaps(t(3, 10), t(3, 12), t(3, 11), t(3, 13))
    assert overlaps(t(3, 10), t(3, 14), t(3, 11), t(3, 12))
    assert overlaps(t(3, 10), t(3, 11), t(3, 10), t(3, 11))
    assert not overlaps(t(3, 10), t(3, 11), t(4, 10), t(4, 11))


@given(st.integers(0, 200), st.integers(1, 60), st.integers(0, 200), st.integers(1, 60))
def test_overlap_matches_shared_minutes(a, a_len, b, b_len):
    base = t(1, 0)
    minutes_a = set(range(a, a + a_len))
    minutes_b = set(range(b, b + b_len))
    m = timedelta(minutes=1)
    got = overlaps(base + a * m, base + (a + a_len) * m, base + b * m, base + (b + b_len) * m)
    assert got == bool(minutes_a & minutes_b)


def test_a_good_slot_has_no_problems():
    assert problems(Slot(t(3, 15), t(3, 16)), "Seniorentanz", NOW) == {}


def test_slot_problems_are_named_per_field():
    assert problems(Slot(t(3, 16), t(3, 15)), "x", NOW) == {"ends_at": "ends_before_start"}
    assert problems(Slot(t(3, 15), t(3, 15)), "x", NOW) == {"ends_at": "ends_before_start"}
    assert problems(Slot(t(3, 6), t(3, 21)), "x", NOW) == {"ends_at": "too_long"}
    assert problems(Slot(t(3, 6), t(3, 20)), "x", NOW) == {}  # exactly 14 hours is fine
    past = Slot(NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    assert problems(past, "x", NOW) == {"starts_at": "in_past"}
    assert problems(Slot(t(3, 15), t(3, 16)), "   ", NOW) == {"title": "title_missing"}
    assert problems(Slot(t(3, 15), t(3, 16)), "x" * 201, NOW) == {"title": "title_too_long"}
    far = Slot(NOW + timedelta(days=800), NOW + timedelta(days=800, hours=1))
    assert problems(far, "x", NOW) == {"starts_at": "too_far_ahead"}


def test_naive_times_are_refused():
    naive = Slot(datetime(2025, 12, 3, 15), datetime(2025, 12, 3, 16))
    assert problems(naive, "x", NOW) == {"starts_at": "naive_time"}


def test_conflict_shows_title_only_to_the_same_partner():
    holdings = [
        Holding(7, partner_id=1, title="Chorprobe", starts_at=t(3, 15), ends_at=t(3, 16)),
        Holding(8, partner_id=1, title="Später", starts_at=t(3, 17), ends_at=t(3, 18)),
    ]
    wanted = Slot(t(3, 15, 30), t(3, 17, 30))
    own = first_conflict(wanted, holdings, viewer_partner_id=1)
    other = first_conflict(wanted, holdings, viewer_partner_id=2)
    assert (own.booking_id, own.title, own.own) == (7, "Chorprobe", True)
    assert (other.booking_id, other.title, other.own) == (7, BUSY, False)
    assert first_conflict(Slot(t(3, 16), t(3, 17)), holdings, 1) is None  # exactly the gap


_minutes = st.integers(0, 3000)


@given(
    st.lists(st.tuples(_minutes, st.integers(1, 240)), max_size=12),
    st.lists(st.tuples(_minutes, st.integers(1, 240), st.integers(0, 60), st.integers(1, 4)), max_size=25),
    st.integers(0, 60),
)
def test_conflicts_per_slot_agrees_with_conflicts_slot_by_slot(wanted, held, buffer):
    base = t(1, 0)
    slots = [Slot(base + timedelta(minutes=a), base + timedelta(minutes=a + n)) for a, n in wanted]
    holdings = [
        Holding(
            i,
            partner,
            "x",
            base + timedelta(minutes=a),
            base + timedelta(minutes=a + n),
            base + timedelta(minutes=a + n + extra) if extra else None,
        )
        for i, (a, n, extra, partner) in enumerate(held)
    ]
    gap = timedelta(minutes=buffer)
    assert conflicts_per_slot(slots, holdings, 1, gap, ignore_booking=0) == [
        conflicts(slot, holdings, 1, gap, ignore_booking=0) for slot in slots
    ]
