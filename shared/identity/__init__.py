"""Identity kernel: partners, accounts, app passwords (see models.py)."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"
