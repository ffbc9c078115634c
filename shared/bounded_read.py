"""An HTTP answer's body read as it arrives, within a byte ceiling and by a deadline, for
answers from servers someone else named (a partner's feed, a fediverse peer). A per-read
timeout alone is no bound: a server that sends a byte every few seconds never trips it and
holds the worker, or the web request, as long as it likes. So a watchdog closes the
connection at the deadline, which ends even a read that is blocked."""

from __future__ import annotations

import threading
import time

import requests


class TooBig(Exception):
    pass


class TooSlow(Exception):
    pass


class Broken(Exception):
    """The connection broke off before the end."""


def read(response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    """The body of a `stream=True` answer, decompressed; `deadline` on time.monotonic()'s clock."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TooSlow
    watchdog = threading.Timer(remaining, response.raw.close)
    watchdog.daemon = True
    watchdog.start()
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            piece = response.raw.read1(65536, decode_content=True)
            if not piece:
                break
            size += len(piece)
            if size > max_bytes:
                raise TooBig
            chunks.append(piece)
            if time.monotonic() > deadline:
                raise TooSlow
    except (TooBig, TooSlow):
        raise
    except Exception:  # the watchdog closed it, or the connection broke off
        if time.monotonic() >= deadline - 0.05:
            raise TooSlow from None
        raise Broken from None
    finally:
        watchdog.cancel()
    if time.monotonic() >= deadline - 0.05:
        raise TooSlow
    return b"".join(chunks)
