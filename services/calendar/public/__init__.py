"""The public Online-Kalender: what is on, for everyone, without login (views.py), with filters
as links (links.py), words for the vocabulary (words.py), schema.org data (jsonld.py) and
conditional GET (conditional.py)."""
