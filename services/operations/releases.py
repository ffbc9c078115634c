"""The migration heads each release shipped with: where a database written by that release
stands. tests/test_upgrade.py builds databases at the previous release's heads, fills them and
migrates them to the newest, so every migration since must carry old data over intact.

Cutting a release: add its heads here (`treffpunkt migrate --check` on a migrated database prints
them) and point PREVIOUS at it. A database a release did not have (engagement is new after 0.1.0)
has no head there: an upgrade from that release finds it missing or empty, and `migrate` creates
it and builds it from its first revision."""

from __future__ import annotations

RELEASES: dict[str, dict[str, str]] = {
    # main before issue 14 (operations): the first release run for real
    "0.1.0": {
        "identity": "d5b8e3f27a91",
        "calendar": "a8d3f6b2c914",
        "rooms": "b7d4e1a9c302",
        "notify": "f7a1c3e6b25a",
    },
}
PREVIOUS = "0.1.0"


def head_in(release: str, database: str) -> str | None:
    """Where `database` stands when `release` wrote it; None: that release had no such database."""
    return RELEASES[release].get(database)
