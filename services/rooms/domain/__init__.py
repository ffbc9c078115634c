"""Pure rules of the rooms service: no Flask, no SQLAlchemy."""
