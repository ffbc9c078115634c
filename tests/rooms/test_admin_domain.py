"""What a room offer must look like (domain.rooms): districts from the list, photos described,
and retiring only once nothing is booked."""

from services.rooms import domain

DISTRICTS = ("Lobeda", "Nord")


def test_a_district_outside_the_list_is_refused_when_the_list_is_given():
    assert domain.room_problems("Saal", 10, [], DISTRICTS, district="Mars") == {"district": "district_unknown"}
    assert domain.room_problems("Saal", 10, [], DISTRICTS, district="Nord") == {}
    assert domain.room_problems("Saal", 10, [], (), district="Mars") == {}  # the demo loader's rooms


def test_equipment_outside_the_vocabulary_is_refused_when_the_vocabulary_is_given():
    keys = ("beamer", "klavier")
    assert domain.room_problems("Saal", 10, ["beamer", "rakete"], (), keys) == {"equipment": "equipment_unknown"}
    assert domain.room_problems("Saal", 10, ["klavier"], (), keys) == {}
    assert domain.room_problems("Saal", 10, ["rakete"]) == {}  # the demo loader's rooms


def test_new_texts_have_their_limits_and_line_rules():
    assert domain.room_problems("Saal", 1, [], floor="x" * 61) == {"floor": "text_too_long"}
    assert domain.room_problems("Saal", 1, [], floor="EG\n") == {"floor": "text_control"}
    assert domain.room_problems("Saal", 1, [], house_rules="Ruhe ab 22 Uhr.\nMüll trennen.") == {}
    assert domain.room_problems("Saal", 1, [], equipment_other="x" * 301) == {"equipment_other": "text_too_long"}


def test_a_photo_says_what_it_shows():
    assert domain.alt_problem("  ") == "alt_missing"
    assert domain.alt_problem("x" * 301) == "text_too_long"
    assert domain.alt_problem("Saal mit Stuhlkreis") is None


def test_a_room_with_coming_dates_is_not_retired():
    assert domain.retire_problem(1) == "room_still_booked"
    assert domain.retire_problem(0) is None
