"""The shared vocabulary's rules as plain data (shared/identity/vocabulary.py): keys made from
German labels, what a key may hold, clashes, order, choices that keep retired terms a thing
already holds, and labels by language."""

from __future__ import annotations

import pytest

from shared.identity.vocabulary import Vocabulary, clash, key_problem, make_key, moved

from tests.support.vocabulary import WORDS


@pytest.mark.parametrize(
    "kind, label, key",
    [
        ("category", "  Offene   Werkstatt ", "Offene Werkstatt"),  # the word itself, as Thunderbird shows it
        ("audience", "Großeltern", "Großeltern"),
        ("accessibility", "Gebärdensprache (DGS)", "gebaerdensprache-dgs"),
        ("equipment", "Stühle & Tische", "stuehle-tische"),
        ("equipment", "Café-Ecke", "cafe-ecke"),
        ("equipment", "!!!", ""),
    ],
)
def test_a_key_is_made_from_the_german_label(kind, label, key):
    assert make_key(kind, label) == key


def test_a_key_holds_nothing_that_breaks_a_list_an_address_or_a_search():
    assert key_problem("category", "Kaffee und Kuchen") is None
    assert key_problem("category", "Kaffee, Kuchen") == "key_characters"  # CATEGORIES is a comma list
    assert key_problem("category", "50%_Rabatt") == "key_characters"  # LIKE wildcards
    assert key_problem("category", "Sport/Spiel") == "key_characters"  # an address's path
    assert key_problem("equipment", "Beamer") == "key_characters"  # lower-case ASCII only
    assert key_problem("equipment", "") == "key_empty"
    assert key_problem("equipment", "x" * 41) == "key_too_long"
    assert key_problem("colour", "rot") == "kind_unknown"


def test_a_clash_is_the_same_key_or_german_label_in_any_case_within_one_list():
    assert clash(WORDS, "category", "sport", "Sportlich").key == "Sport"
    assert clash(WORDS, "category", "Neu", "KULTUR").key == "Kultur"
    assert clash(WORDS, "category", "Handarbeit", "Handarbeit").key == "Handarbeit"  # retired, still taken
    assert clash(WORDS, "audience", "Sport", "Sport") is None  # another list
    assert clash(WORDS, "category", "", "Kultur", but="Kultur") is None  # a term keeps its own label


def test_moving_stays_within_the_list():
    terms = WORDS.of("category")
    assert moved(terms, "Kultur", -1) == ["Kultur", "Sport", "Handarbeit"]
    assert moved(terms, "Sport", -1) == ["Sport", "Kultur", "Handarbeit"]
    assert moved(terms, "Handarbeit", +1) == ["Sport", "Kultur", "Handarbeit"]


def test_choices_offer_active_terms_and_the_retired_ones_already_held():
    assert [t.key for t in WORDS.choices("category")] == ["Sport", "Kultur"]
    assert [t.key for t in WORDS.choices("category", ["handarbeit"])] == ["Sport", "Kultur", "Handarbeit"]
    assert WORDS.keys("category", active_only=True) == ("Sport", "Kultur")
    assert WORDS.keys("category") == ("Sport", "Kultur", "Handarbeit")


def test_known_values_come_back_as_keys_and_free_text_is_left_out():
    assert WORDS.known("category", ["sport", "Schach", "Handarbeit", "Sport"]) == ("Sport", "Handarbeit")
    assert WORDS.known("accessibility", ["Stufenlos"]) == ("stufenlos",)
    assert Vocabulary().known("category", ["Sport"]) == ()


def test_labels_follow_the_readers_language_and_an_unknown_value_is_shown_as_it_is():
    assert WORDS.label("audience", "senioren", "de") == "Senior:innen"
    assert WORDS.label("audience", "Senioren", "en") == "Older people"
    assert WORDS.label("category", "Schach", "en") == "Schach"


def test_for_everyone_and_the_facts_search_engines_read_are_fixed():
    assert WORDS.term("audience", "Alle").fixed and WORDS.term("accessibility", "stufenlos").fixed
    assert not WORDS.term("audience", "Kinder").fixed
