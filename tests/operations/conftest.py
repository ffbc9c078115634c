"""Fixtures of the operations tests (tests/operations/support.py has the pieces)."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from tests.operations.support import new_databases


@pytest.fixture
def fresh_databases(settings):
    """`fresh_databases(tag)`: Settings whose five database URLs name new, empty databases."""
    with ExitStack() as stack:
        yield lambda tag: stack.enter_context(new_databases(settings, tag))
