"""The calendar's store, apart from DAV (as Xandikos keeps `store/` apart from `webdav`):
the interface every user works against (interface.py, with plain values from records.py and
refusals from errors.py), its one implementation on SQLAlchemy (sql*.py over models.py), and
the process cache of time indexes it fills (objectcache.py). Nothing here knows HTTP."""
