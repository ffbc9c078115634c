"""The second factor's rules without a database: codes of the app, the window of one step
either side, no code taken twice, recovery codes as shown and as typed, sealed secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from cryptography.fernet import Fernet

from services.accounts.domain import recovery_codes, totp
from services.accounts.sealing import Sealer, Unreadable

NOW = datetime(2026, 12, 8, 9, 30, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(moment: datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(moment)  # what an authenticator app shows at that moment


def test_a_new_secret_is_160_random_bits_and_the_setup_uri_names_the_account():
    first, second = totp.new_secret(), totp.new_secret()
    assert len(first) == 32 and first != second
    uri = totp.setup_uri(first, "kora")
    assert uri.startswith("otpauth://totp/Treffpunkt%20Jena:kora?") and f"secret={first}" in uri
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_the_current_code_is_accepted_with_its_step():
    assert totp.accepted_step(SECRET, _code(NOW), NOW, None) == totp.step_of(NOW)


@pytest.mark.parametrize("offset", [-30, 30])
def test_a_code_one_step_early_or_late_is_accepted(offset):
    assert totp.accepted_step(SECRET, _code(NOW + timedelta(seconds=offset)), NOW, None) is not None


@pytest.mark.parametrize("offset", [-60, -90, 60, 3600])
def test_a_code_two_steps_or_more_away_is_refused(offset):
    assert totp.accepted_step(SECRET, _code(NOW + timedelta(seconds=offset)), NOW, None) is None


def test_a_code_is_refused_once_its_step_or_a_later_one_was_used():
    step = totp.accepted_step(SECRET, _code(NOW), NOW, None)
    assert totp.accepted_step(SECRET, _code(NOW), NOW, step) is None  # the same code again
    earlier = _code(NOW - timedelta(seconds=30))
    assert totp.accepted_step(SECRET, earlier, NOW, step) is None  # an older one after a newer
    later = NOW + timedelta(seconds=30)
    assert totp.accepted_step(SECRET, _code(later), later, step) == step + 1


def test_spaces_are_allowed_and_anything_else_is_no_code():
    code = _code(NOW)
    assert totp.accepted_step(SECRET, f" {code[:3]} {code[3:]} ", NOW, None) is not None
    for typed in ("", "12345", "1234567", "abcdef", "١٢٣٤٥٦"):  # Arabic-Indic digits are no code either
        assert totp.accepted_step(SECRET, typed, NOW, None) is None
    assert totp.accepted_step("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", code, NOW, None) is None  # another secret


def test_ten_recovery_codes_different_readable_and_typed_back_in_any_form():
    codes = recovery_codes.new_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert len(code) == 14 and code.count("-") == 2
        assert not set(code.replace("-", "")) & set("0o1li")  # no look-alikes
    code = codes[0]
    plain = code.replace("-", "")
    for typed in (code, code.upper(), f"  {plain[:4]} {plain[4:8]} {plain[8:]} ", plain):
        assert recovery_codes.normalised(typed) == plain
    for typed in ("", plain[:-1], plain + "a", "0" * 12, "123456"):
        assert recovery_codes.normalised(typed) is None


def test_sealed_secrets_open_with_the_same_key_and_after_a_key_change_with_both_listed():
    derived = Sealer("", "a-secret-key-of-some-length-0123456789")
    sealed = derived.seal(SECRET)
    assert SECRET not in sealed and derived.open(sealed) == SECRET
    with pytest.raises(Unreadable):  # another SECRET_KEY, no dedicated key: unreadable
        Sealer("", "another-secret-key-0123456789-abcdefgh").open(sealed)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_old = Sealer(old, "x").seal(SECRET)
    rotated = Sealer(f"{new}, {old}", "x")
    assert rotated.open(sealed_old) == SECRET
    assert Sealer(new, "x").open(rotated.seal(SECRET)) == SECRET  # the first key seals
    with pytest.raises(RuntimeError, match="SECOND_FACTOR_KEY"):
        Sealer("not-a-key", "x")
