"""A failed form opens at its first error, without JavaScript: the error summary at the top of
the form links to every field with an error, and the first of those fields on the page carries
`autofocus`, so the browser focuses it and scrolls it into view. Jinja globals for the macros in
shared/templates/_forms.html."""

from __future__ import annotations

from typing import Any

from flask import g

# fields a person cannot go to: their errors are listed as text, without a link
UNREACHABLE = ("CSRFTokenField", "HiddenField")


def invalid_fields(form: Any) -> list[Any]:
    """The fields of `form` (a WTForms form, or None) that have errors, in the form's order. The
    first summary shown on a page decides which field takes the focus: the summary stands above
    its fields, so the field macros ask `takes_focus` after it."""
    if form is None:
        return []
    fields = [f for f in form if f.errors]
    reachable = [f for f in fields if f.type not in UNREACHABLE]
    if reachable and "first_invalid" not in g:
        g.first_invalid = reachable[0].id
    return fields


def takes_focus(field: Any) -> bool:
    """Whether this field is the page's first field with an error (see invalid_fields)."""
    return bool(field.errors) and g.get("first_invalid") == field.id
