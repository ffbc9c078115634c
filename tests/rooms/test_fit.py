"""Results sorted by fit (services.rooms.domain.fit): the room that fits before the big hall, a
wish met before any size, the reasons as codes with their numbers."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, strategies as st

from services.rooms.domain.fit import Offer, Wish, fit, rank

KUECHE = Offer(1, 12, frozenset({"kueche"}), True, "Lobeda")
SAAL = Offer(2, 80, frozenset({"beamer", "musikanlage"}), True, "Lobeda")
CLUB = Offer(3, 35, frozenset({"klavier"}), False, "Nord")


def test_a_room_for_12_comes_before_the_80_seat_hall_when_10_are_wanted():
    ranked = rank([SAAL, CLUB, KUECHE], Wish(people=10))
    assert [f.offer.id for f in ranked] == [KUECHE.id, CLUB.id, SAAL.id]
    [kueche, club, saal] = ranked
    assert [(r.code, r.seats, r.people, r.good) for r in kueche.reasons] == [("seats_fit", 12, 10, True)]
    assert [(r.code, r.seats, r.people) for r in club.reasons] == [("seats_much_larger", 35, 10)]
    assert [(r.code, r.seats) for r in saal.reasons] == [("seats_much_larger", 80)]


def test_somewhat_larger_and_too_small():
    assert fit(Offer(9, 25, frozenset(), True, ""), Wish(people=10)).reasons[0].code == "seats_larger"
    assert fit(Offer(9, 11, frozenset(), True, ""), Wish(people=10)).reasons[0].code == "seats_fit"
    small = fit(Offer(9, 8, frozenset(), True, ""), Wish(people=10))
    assert small.reasons[0].code == "seats_too_few" and not small.reasons[0].good


def test_wishes_met_and_missed_are_named():
    found = fit(CLUB, Wish(people=20, equipment=frozenset({"klavier", "beamer"}), step_free=True, district="Lobeda"))
    assert [(r.code, r.good, r.items, r.district) for r in found.reasons[1:]] == [
        ("equipment_met", True, ("klavier",), ""),
        ("equipment_missing", False, ("beamer",), ""),
        ("not_step_free", False, (), ""),
        ("other_district", False, (), "Nord"),
    ]


def test_beside_a_taken_room_a_room_of_about_its_size_comes_first():
    ranked = rank([KUECHE, SAAL, CLUB], Wish(like_seats=40, step_free=False))
    assert [f.offer.id for f in ranked] == [CLUB.id, SAAL.id, KUECHE.id]
    assert [f.reasons[0].code for f in ranked] == ["seats_like", "seats_bigger", "seats_smaller"]


def test_equal_fits_keep_the_order_they_came_in():
    same = [Offer(i, 20, frozenset(), True, "Lobeda") for i in (5, 3, 4)]
    assert [f.offer.id for f in rank(same, Wish(people=15))] == [5, 3, 4]


def test_no_wish_no_order():
    assert [f.offer.id for f in rank([SAAL, KUECHE], Wish())] == [SAAL.id, KUECHE.id]
    assert fit(SAAL, Wish()).reasons[0].code == "seats"


offers = st.builds(
    Offer,
    st.integers(1, 10**6),
    st.integers(0, 2000),
    st.frozensets(st.sampled_from(["beamer", "kueche", "klavier"])),
    st.booleans(),
    st.sampled_from(["", "Lobeda", "Nord"]),
)
wishes = st.builds(
    Wish,
    st.integers(0, 2000),
    st.frozensets(st.sampled_from(["beamer", "kueche", "klavier"])),
    st.booleans(),
    st.sampled_from(["", "Lobeda", "Nord"]),
    st.integers(0, 2000),
)


def _misses(offer: Offer, wish: Wish) -> int:
    return (
        len(wish.equipment - offer.equipment)
        + (wish.step_free and not offer.step_free)
        + bool(wish.district and offer.district != wish.district)
        + (offer.seats < wish.people)
    )


@given(st.lists(offers, max_size=12), wishes)
def test_a_room_that_meets_every_wish_ranks_before_one_that_misses_one(found, wish):
    ranked = rank(found, wish)
    assert len(ranked) == len(found)
    for better, worse in pairwise(ranked):
        assert better.penalty <= worse.penalty
        assert not (_misses(better.offer, wish) > 0 and _misses(worse.offer, wish) == 0)


@given(offers, wishes)
def test_every_reason_is_for_or_against(offer, wish):
    found = fit(offer, wish)
    assert found.reasons and found.reasons[0].code.startswith("seats")
    assert all(
        r.good is (r.code in {"seats", "seats_fit", "seats_like", "equipment_met", "step_free", "district"})
        for r in found.reasons
    )
