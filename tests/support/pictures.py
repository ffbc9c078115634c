"""Real pictures for upload tests, made with Pillow: a camera's JPEG (with EXIF data naming the
camera and the place) and a PNG."""

from __future__ import annotations

import io

from PIL import Image

CAMERA = "Treffpunkt-Testkamera"


def camera_jpeg(width: int = 64, height: int = 48) -> bytes:
    picture = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0110] = "Modell 7"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (50.0, 55.0, 0.0)  # GPSLatitudeRef, GPSLatitude: Jena
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 30, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 90, 200, 255)).save(out, "PNG")
    return out.getvalue()


def has_exif(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as picture:
        return bool(picture.getexif()) or b"Exif" in data[:4096]
