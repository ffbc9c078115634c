"""A picture as staff upload it from a phone or a camera (an offering's, a room's, a partner's
logo): checked (a real JPEG, PNG, WebP or GIF, not larger than MAX_UPLOAD, not a decompression
bomb), turned upright, made at most MAX_SIDE pixels wide or high and re-encoded as JPEG. Re-encoding drops everything but the
pixels: camera EXIF data (the place a photo was taken, the device) never reaches the public.
Transparent parts (a logo on no background) turn white, as on the pages they are shown on."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD = 8 * 1024 * 1024  # a phone's photo
MAX_PIXELS = 40_000_000  # larger images are refused before they are decoded (Pillow's bomb check)
MAX_SIDE = 1600
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
QUALITY = 85


class ImageRefused(ValueError):
    """`code`: too_large, not_an_image, too_many_pixels."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    content_type = "image/jpeg"


def _on_white(picture: Image.Image) -> Image.Image:
    """RGB for JPEG; transparent parts (a logo's background) become white, not black."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return picture.convert("RGB")


def prepare(raw: bytes) -> PreparedImage:
    if len(raw) > MAX_UPLOAD:
        raise ImageRefused("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=FORMATS) as source:
                if source.width * source.height > MAX_PIXELS:
                    raise ImageRefused("too_many_pixels")
                source.seek(0)  # an animated GIF: its first frame
                picture = _on_white(ImageOps.exif_transpose(source))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRefused("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRefused("not_an_image") from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return PreparedImage(out.getvalue(), picture.width, picture.height)
