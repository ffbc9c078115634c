"""A picture field of a web form (an offering's picture, a room's photos): room in the request
for a phone's photo, and shared/images.py's refusals as words at the field."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import Field

from shared import images

REFUSALS = {
    "too_large": _l("Das Bild ist zu groß (höchstens 8 MB). Bitte wählen Sie ein kleineres."),
    "not_an_image": _l("Das ist kein Bild, das wir lesen können. Bitte ein Foto als JPEG, PNG, WebP oder GIF."),
    "too_many_pixels": _l("Das Bild hat zu viele Bildpunkte. Bitte verkleinern Sie es vorher."),
}


def allow_upload() -> None:
    """More than the site's usual request size, for this request; call it before the form is read."""
    request.max_content_length = images.MAX_UPLOAD + 256 * 1024


def uploaded(field: Field) -> bool:
    return field.data is not None and bool(getattr(field.data, "filename", ""))


def prepare(field: Field) -> images.PreparedImage | None:
    """The field's upload, checked and re-encoded; None and an error at the field when refused."""
    try:
        return images.prepare(field.data.read(images.MAX_UPLOAD + 1))
    except images.ImageRefused as exc:
        field.errors = list(field.errors) + [str(REFUSALS[exc.code])]
        return None
