"""Pure rules of the notify service: no Flask, no SQLAlchemy."""
