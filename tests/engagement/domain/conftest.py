"""The engagement domain's tests are pure: no database, broker or mail sink. The suite's autouse
`clean_state` (tests/conftest.py) empties PostgreSQL, Redis and the sinks before every test and
so starts the SMTP sink and the SMS gateway; this one of the same name replaces it here only.
(The session still checks at its start that PostgreSQL and Redis are reachable and recreates the
test databases; `pytest --noconftest tests/engagement` skips all of that, and these tests need
none of it.)"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def clean_state():
    yield
