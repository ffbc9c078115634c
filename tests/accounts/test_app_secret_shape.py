"""App passwords as people paste them into command lines."""

from shared.identity.store import new_app_secret


def test_an_app_password_never_starts_with_a_hyphen():
    # one in 64 of token_urlsafe's strings starts with "-": 2,000 draws would show it (p < 1e-13)
    secrets = [new_app_secret() for _ in range(2000)]
    assert not any(s.startswith("-") for s in secrets)
    assert all(len(s) == 24 for s in secrets) and len(set(secrets)) == 2000
