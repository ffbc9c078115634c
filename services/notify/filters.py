"""The query string of the delivery lists (/notify/ and /notify/dead), checked with marshmallow
before anything reaches the database: a page beyond what PostgreSQL's OFFSET holds, a digit
int() cannot read ("²") or a NUL in the search text used to end in a 500. Every value is bounded,
every choice comes from its list, and each mistake becomes a sentence the reader can act on."""

from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields

from shared.text import has_control_characters

from services.notify.domain.preferences import KINDS
from services.notify.models import CHANNELS, FAILURES, STATUSES

PAGE_SIZE = 100
MAX_QUERY = 200
# ten million deliveries back; further pages would be empty anyway and OFFSET must stay a bigint
MAX_PAGE = 100_000


def _search_text(value: str) -> None:
    if len(value) > MAX_QUERY:
        raise ValidationError(_("Der Suchtext ist zu lang (höchstens %(n)s Zeichen).", n=MAX_QUERY))
    if has_control_characters(value):  # NUL cannot even be stored in PostgreSQL text
        raise ValidationError(_("Der Suchtext enthält Steuerzeichen. Bitte geben Sie nur sichtbaren Text ein."))


NOT_A_PAGE = _l("Die Seitenzahl muss eine positive ganze Zahl sein.")


def _page(value: int) -> None:
    if value < 1:
        raise ValidationError(str(NOT_A_PAGE))
    if value > MAX_PAGE:
        raise ValidationError(_("Die Seitenzahl ist zu groß (höchstens %(n)s).", n=MAX_PAGE))


def _choice(options, message) -> fields.String:
    def check(value: str) -> None:
        if value not in options:
            raise ValidationError(str(message))

    return fields.String(load_default="", validate=check)


class _Filters(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=_search_text)
    page = fields.Integer(load_default=1, validate=_page, error_messages={"invalid": NOT_A_PAGE})
    kind = _choice(KINDS, _l("Unbekannter Anlass. Bitte wählen Sie einen aus der Liste."))
    channel = _choice(CHANNELS, _l("Unbekannter Weg. Bitte wählen Sie E-Mail oder SMS."))


class LogFilters(_Filters):
    """/notify/: every delivery, by status."""

    status = _choice(STATUSES, _l("Unbekannter Status. Bitte wählen Sie einen aus der Liste."))


class GivenUpFilters(_Filters):
    """/notify/dead: the failed ones, by why they were given up."""

    why = _choice(FAILURES, _l("Unbekannter Grund. Bitte wählen Sie einen aus der Liste."))


def _first(messages) -> str:
    """Validators raise plain texts (a list each); marshmallow's own "invalid" keeps our lazy text as is."""
    return str(messages[0] if isinstance(messages, list) else messages)


def read(schema: _Filters, args) -> tuple[dict, list[str]]:
    """The filters from `args` (a query string): the valid values, defaults for the rest, and
    one sentence per field that was wrong. An empty field means "all", like leaving it out."""
    given = {name: args.get(name).strip() for name in schema.fields if args.get(name, "").strip()}
    defaults = {name: field.load_default for name, field in schema.fields.items()}
    try:
        return {**defaults, **schema.load(given)}, []
    except ValidationError as exc:
        wrong = exc.messages_dict  # a schema reports per field: always a dict
        loaded = exc.valid_data or {}
        assert isinstance(loaded, dict), "one object was loaded, not many"
        valid = {k: v for k, v in loaded.items() if k not in wrong}
        errors = [_first(wrong[name]) for name in schema.fields if name in wrong]
        values = {**defaults, **valid}
        if "q" in wrong:  # keep what was typed visible, as far as the field can show it
            values["q"] = "".join(c for c in given["q"] if not has_control_characters(c))[:MAX_QUERY]
        return values, errors
