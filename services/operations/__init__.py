"""What an operator runs to keep the system alive: `treffpunkt backup`, `treffpunkt restore`
and `treffpunkt migrate --check` (services/cli.py calls these).

    databases   the four databases, in the order a backup takes them (backup.py says why)
    postgres    one PostgreSQL database: pg_dump / pg_restore, empty or not, wiped
    sqlite      one SQLite file (make run): the online backup API
    archive     the dated tar with its manifest; reading one back checks every part
    backup      all databases into one archive, then old archives pruned
    restore     an archive into empty databases, then the outboxes re-opened
    revisions   where each database's schema stands against its newest migration
    releases    the migration heads of past releases (the upgrade test starts from them)
"""
