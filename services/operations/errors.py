"""The one error the operator's commands raise: its message says what went wrong and what to do,
and the command line prints it without a traceback."""

from __future__ import annotations


class OperationFailed(Exception):
    """A backup, restore or check that cannot go on; str() is the message for the operator."""
