"""An offering's picture: uploaded with the form, checked and re-encoded (no camera metadata
reaches the public), served from the calendar with a long cache, named in the event (RFC 7986
IMAGE) and shown on the offering's page; refusals a person can act on."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from icalendar import Calendar
from PIL import Image
from werkzeug.test import Client

from shared.images import MAX_SIDE, ImageRefused, prepare

from tests.calendar.test_offering_pages import FIELDS, _next_wednesday, lena  # noqa: F401  (fixture)
from tests.support.rooms import csrf_token


def photo(width=3000, height=2000, fmt="JPEG", gps=True) -> bytes:
    picture = Image.new("RGB", (width, height), (200, 120, 40))
    out = io.BytesIO()
    if fmt == "JPEG" and gps:
        exif = Image.Exif()
        exif[0x010F] = "Kamerahersteller"  # Make
        exif[0x0112] = 6  # Orientation: turned
        exif.get_ifd(0x8825)[2] = (50.0, 54.0, 0.0)  # GPSLatitude
        picture.save(out, fmt, exif=exif)
    else:
        picture.save(out, fmt)
    return out.getvalue()


def bomb() -> bytes:
    """A PNG that claims 100,000 x 100,000 pixels (a few hundred bytes on the wire)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )


def test_a_photo_is_made_smaller_upright_and_without_its_metadata():
    prepared = prepare(photo())
    assert max(prepared.width, prepared.height) == MAX_SIDE
    assert prepared.height > prepared.width  # Orientation 6: turned upright
    with Image.open(io.BytesIO(prepared.data)) as back:
        assert back.format == "JPEG" and not back.getexif()


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"GIF89a not really", "not_an_image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not_an_image"),
        (bomb(), "too_many_pixels"),
        (b"\xff\xd8" + b"\x00" * (8 * 1024 * 1024), "too_large"),
    ],
)
def test_what_is_not_a_usable_picture_is_refused(raw, code):
    with pytest.raises(ImageRefused) as refused:
        prepare(raw)
    assert refused.value.code == code


def _post_with_picture(client, path, fields, picture: bytes, filename="foto.jpg"):
    page = client.get(path).get_data(as_text=True)
    data = {**fields, "csrf_token": csrf_token(page), "picture": (io.BytesIO(picture), filename)}
    return client.post(path, data=data, content_type="multipart/form-data")


def test_an_uploaded_picture_is_served_named_in_the_event_and_shown(lena, frontdoor, people):
    words = "Vier Frauen lachen an einem Kaffeetisch"
    fields = {**FIELDS, "day": _next_wednesday().strftime("%d.%m.%Y"), "picture_words": words}
    created = _post_with_picture(lena, "/calendar/offerings/new", fields, photo())
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    edit_path = created.headers["Location"]
    slug, name = edit_path.split("/")[-2:]
    dav = Client(frontdoor).get(f"/dav/calendars/lena/{slug}/{name}", auth=("lena", people["lena"]["app_password"]))
    (event,) = Calendar.from_ical(dav.data).walk("VEVENT")
    address = str(event["IMAGE"])
    assert event["IMAGE"].params["VALUE"] == "URI" and re.search(r"/calendar/images/[0-9a-f]{64}\.jpg$", address)
    assert str(event["X-TREFFPUNKT-IMAGE-ALT"]) == words
    path = address.split("8080", 1)[1]
    picture = Client(frontdoor).get(path)
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/jpeg"
    assert "immutable" in picture.headers["Cache-Control"]
    assert Client(frontdoor).get(path, headers={"If-None-Match": picture.headers["ETag"]}).status_code == 304
    listing = Client(frontdoor).get("/calendar/?q=Seniorencaf%C3%A9").get_data(as_text=True)
    number = re.search(r'href="/calendar/offering/(\d+)"', listing)[1]
    assert f'<img src="{address}" alt="{words}"' in Client(frontdoor).get(f"/calendar/offering/{number}").get_data(
        as_text=True
    )

    page = lena.get(edit_path).get_data(as_text=True)
    etag = re.search(r'id="etag" name="etag" type="hidden" value="([^"]*)"', page)[1].replace("&#34;", '"')
    removed = lena.post(edit_path, data={**fields, "etag": etag, "remove_picture": "y", "csrf_token": csrf_token(page)})
    assert removed.status_code == 302
    dav = Client(frontdoor).get(f"/dav/calendars/lena/{slug}/{name}", auth=("lena", people["lena"]["app_password"]))
    assert b"IMAGE" not in dav.data  # nor its words, X-TREFFPUNKT-IMAGE-ALT


def test_a_refused_picture_is_an_error_at_its_field_and_nothing_is_saved(lena):
    fields = {**FIELDS, "day": _next_wednesday().strftime("%d.%m.%Y")}
    refused = _post_with_picture(lena, "/calendar/offerings/new", fields, b"kein Bild", "brief.pdf")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Das ist kein Bild" in text and 'id="picture"' in text
    assert "Noch keine Angebote" in lena.get("/calendar/offerings").get_data(as_text=True)
    assert Client(lena.application).get("/calendar/images/" + "0" * 64 + ".jpg").status_code == 404
