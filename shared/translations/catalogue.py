"""The English catalogue of the web pages. German is the source language: the msgids are the German
texts marked in shared/ and services/ (Python and Jinja, see babel.cfg), and
en/LC_MESSAGES/messages.po holds their English translations, one catalogue for all three services.

    .venv/bin/python -m shared.translations.catalogue      (`make translations`)

extracts the marked texts, merges them into messages.po (new ones empty; changed ones marked fuzzy
with the old translation as a hint; removed ones dropped) and compiles messages.mo. Fuzzy and empty
entries are not compiled, so those pages stay German until someone translates them;
tests/test_i18n.py runs the same extraction and fails while any is left."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# Besides babel's own (_, gettext, ngettext, ...): flask_babel's lazy forms, imported as _l in forms,
# and N_ (mark only: translated where it is shown, e.g. domain/pull_problem.py).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "N_": None}


def extract() -> Catalog:
    """Every marked German text in the code, with the files it appears in."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]  # not annotated in babel
    template = Catalog(project="Treffpunkt", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read() -> Catalog:
    with open(PO, "rb") as po:
        return read_po(po, locale="en")


def update() -> Catalog:
    """messages.po merged with what the code marks today, written back, and compiled."""
    catalog = read() if PO.exists() else Catalog(locale="en", project="Treffpunkt", fuzzy=False)
    catalog.update(extract(), update_creation_date=False)
    with open(PO, "wb") as po:
        # Files without line numbers: the catalogue does not change whenever code moves.
        write_po(po, catalog, include_lineno=False, ignore_obsolete=True)
    with open(MO, "wb") as mo:
        write_mo(mo, catalog)  # without fuzzy entries
    return catalog


def main() -> int:
    catalog = update()
    open_ = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
    print(f"{PO.relative_to(ROOT)}: {sum(1 for m in catalog if m.id)} texts, {len(open_)} to translate")
    for msgid in open_:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
