"""make run's file broker (shared/file_broker.py): a worker never reads a message before it is
whole, and an unreadable file in its queue is skipped instead of stopping the worker."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from kombu import Connection

from shared.config import Settings
from shared.messaging import broker_options


@pytest.fixture
def broker(tmp_path, monkeypatch):
    monkeypatch.setenv("TREFFPUNKT_VAR", str(tmp_path))  # make run's var/
    options = broker_options(Settings(broker_url="", celery_broker_url=""))
    assert options["broker_transport"] == "shared.file_broker:Transport"
    with Connection(
        options["broker_url"],
        transport=options["broker_transport"],
        transport_options=options["broker_transport_options"],
    ) as conn:
        yield conn, Path(options["broker_transport_options"]["data_folder_in"])


def test_a_message_arrives_whole_and_only_its_final_name_is_ever_in_the_queue(broker):
    conn, folder = broker
    with conn.SimpleQueue(f"rooms-{uuid.uuid4().hex}") as queue:
        queue.put({"task": "rooms.book_for_invitation", "n": 1})
        assert all(not name.startswith(".") for name in (p.name for p in folder.iterdir()))
        message = queue.get(timeout=2)
        assert message.payload == {"task": "rooms.book_for_invitation", "n": 1}
        message.ack()


def test_a_message_still_being_written_is_not_taken(broker):
    conn, folder = broker
    (folder / ".12345_abc.rooms.msg.part").write_bytes(b'{"half": ')  # a writer mid-way
    with conn.SimpleQueue("rooms") as queue, pytest.raises(queue.Empty):
        queue.get(timeout=0.3)


def test_an_unreadable_file_is_skipped_and_the_next_message_delivered(broker):
    """What stopped make run's rooms worker for good with kombu's own transport: an empty
    message file (kombu creates the file, then writes into it)."""
    conn, folder = broker
    # a queue name of its own: kombu keeps a process's exchanges by name (any test before that
    # declared "notify" in another folder would leave this one unbound)
    name = f"notify-{uuid.uuid4().hex}"
    (folder / f"1_empty.{name}.msg").write_bytes(b"")
    with conn.SimpleQueue(name) as queue:
        queue.put({"n": 2})
        message = queue.get(timeout=2)
        assert message.payload == {"n": 2}
        message.ack()
