"""`make run`'s message broker: kombu's file transport, with every message whole before a worker
can see it.

kombu's own transport creates a message's file in the queue folder and then writes into it. A
worker polling the folder in between moves the still empty file away, cannot parse it and
stops for good ("Unrecoverable error: JSONDecodeError"), and every later message of its queue
waits for a restart that never comes (bench/invitations.py ran into it). Here a message is
written under a name no worker reads (a leading dot) and renamed into place: one rename on one
file system, seen whole or not at all. A file that still cannot be read (written by something
else) is logged and left behind, never fatal."""

from __future__ import annotations

import json
import logging
import os
import uuid
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.transport.virtual import Empty
from kombu.utils.json import dumps

log = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue: Any, message: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")  # `_get` only takes "<id>.<queue>.msg"
        with open(partial, "wb") as f:
            f.write(dumps(message).encode())  # type: ignore[no-untyped-call]
        os.replace(partial, final)

    def _get(self, queue: Any, timeout: Any = None) -> Any:
        while True:  # until a readable message or Empty
            try:
                return super()._get(queue)  # type: ignore[no-untyped-call]
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                # super() has taken the file off the queue already: log it, go on with the next
                log.error("unreadable message in the file broker's %s queue, skipped: %s", queue, exc)
            except Empty:
                raise


class Transport(filesystem.Transport):
    Channel = Channel
