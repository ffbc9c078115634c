"""Form fields of the rooms pages beyond the shared ones (shared/web/typed_fields.py): free text
checked like the API's."""

from __future__ import annotations

from wtforms.validators import ValidationError

from services.rooms import wording
from services.rooms.domain import text_problem


class PlainText:
    """Free text as the API's Text field takes it (domain.text_problem): at most `max_length`
    characters, no control characters, line breaks only where `multiline`."""

    def __init__(self, max_length: int, multiline: bool = False, too_long=None):
        self.max_length, self.multiline, self.too_long = max_length, multiline, too_long

    def __call__(self, form, field):
        code = text_problem(field.data or "", self.max_length, self.multiline)
        if code == "text_too_long" and self.too_long:
            raise ValidationError(str(self.too_long) % {"max": self.max_length})
        if code:
            raise ValidationError(wording.text_problem(code, self.max_length))
