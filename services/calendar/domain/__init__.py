"""Pure rules of the calendar service: no Flask, no SQLAlchemy."""
