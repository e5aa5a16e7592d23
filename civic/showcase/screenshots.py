"""An app's screenshot: which pictures are taken, and what is kept of one.

The type is read from the content (``filetype``), never from the file's name: PNG (an animated one
is kept as its first frame), JPEG and WebP only, at most APP_SCREENSHOT_MAX_BYTES and MAX_PIXELS. The
picture is made no larger than LONGEST_SIDE pixels a side first (a JPEG is decoded at a reduced scale),
so that a large picture never sits in memory whole more than once; then it is drawn again from its
pixels alone, so its EXIF, GPS, XMP, colour profile and text chunks are gone, turned upright as its
EXIF said; a small copy for the cards is made with it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from civic.core.errors import DomainError

FIELD = "screenshot"
# A picture of more pixels than this is refused rather than decoded: a small file can unpack into
# gigabytes. A screenshot of a 5K screen (5120 x 2880) still fits.
MAX_PIXELS = 16_000_000
# What is kept: at most this many pixels a side, and the cards' copy within this box.
LONGEST_SIDE = 1920
THUMBNAIL_BOX = (640, 400)
# Pillow's name of each format taken, and its media type, by the extension filetype gives it.
# An animated PNG is a PNG whose first frame is what a viewer without animation shows: that is kept.
FORMATS = {"png": ("PNG", "image/png"), "apng": ("PNG", "image/png"), "jpg": ("JPEG", "image/jpeg"),
           "webp": ("WEBP", "image/webp")}


class TooManyPixels(ValueError):
    """The picture is larger, in pixels, than MAX_PIXELS."""


@dataclass(frozen=True)
class CleanScreenshot:
    """What is stored of an upload: the picture and its small copy, both without metadata."""

    media_type: str
    content: bytes
    width: int
    height: int
    thumbnail: bytes
    thumbnail_width: int
    thumbnail_height: int
    digest: str


def largest_file() -> int:
    return int(current_app.config["APP_SCREENSHOT_MAX_BYTES"])


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _kept_size(size: tuple[int, int]) -> tuple[int, int]:
    """``size`` made to fit LONGEST_SIDE a side, in proportion; never larger."""
    scale = min(1.0, LONGEST_SIDE / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _drawable(picture: Image.Image) -> Image.Image:
    """``picture`` in a mode every format here can write and that resizes smoothly (a palette resizes
    by nearest neighbour only)."""
    if picture.mode in ("RGB", "RGBA", "L", "LA"):
        return picture
    has_alpha = picture.mode in ("PA", "RGBa", "La") or "transparency" in picture.info
    return picture.convert("RGBA" if has_alpha else "RGB")


def _pixels_only(picture: Image.Image) -> Image.Image:
    """A new picture holding only ``picture``'s pixels (already in a mode ``_drawable`` gives)."""
    return Image.frombytes(picture.mode, picture.size, picture.tobytes())


def _encode(picture: Image.Image, pillow_format: str) -> bytes:
    output = io.BytesIO()
    if pillow_format == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        picture.save(output, "JPEG", quality=88, optimize=True)
    elif pillow_format == "WEBP":
        picture.save(output, "WEBP", quality=85)
    else:
        picture.save(output, "PNG", optimize=True)
    return output.getvalue()


def redraw(content: bytes, pillow_format: str) -> tuple[Image.Image, Image.Image]:
    """The picture drawn again from its pixels, upright, bounded in size, and its small copy.

    Raises ValueError when Pillow cannot read it as ``pillow_format`` or it is too large to decode.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as picture:
                if picture.width * picture.height > MAX_PIXELS:
                    raise TooManyPixels(f"{picture.width} x {picture.height}")
                # A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the kept size.
                picture.draft(None, _kept_size(picture.size))
                drawable = _drawable(picture)
                # Made small in place before any copy: only the kept size is copied from here on.
                drawable.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
                clean = _pixels_only(ImageOps.exif_transpose(drawable))
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
                OSError, SyntaxError) as error:
            raise ValueError(str(error)) from error
    small = clean.copy()
    small.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    return clean, small


def clean(content: bytes) -> CleanScreenshot | DomainError:
    """What is stored of an uploaded screenshot, or the refusal to show beside the field."""
    if not content:
        return DomainError(_("Choose a screenshot of the app."), field=FIELD)
    if len(content) > largest_file():
        return DomainError(_("The screenshot is larger than %(size)s MB.", size=megabytes(largest_file())),
                           field=FIELD)
    guess = filetype.guess(content)
    kind = FORMATS.get(guess.extension if guess else "")
    if kind is None:
        return DomainError(_("The screenshot must be a PNG, JPEG or WebP picture."), field=FIELD)
    pillow_format, media_type = kind
    try:
        picture, small = redraw(content, pillow_format)
    except TooManyPixels:
        return DomainError(_("The screenshot has more than %(count)d million pixels; make it smaller.",
                             count=MAX_PIXELS // 1_000_000), field=FIELD)
    except ValueError:
        return DomainError(_("The screenshot could not be read as a picture."), field=FIELD)
    stored = _encode(picture, pillow_format)
    return CleanScreenshot(media_type=media_type, content=stored, width=picture.width, height=picture.height,
                           thumbnail=_encode(small, pillow_format), thumbnail_width=small.width,
                           thumbnail_height=small.height, digest=hashlib.sha256(stored).hexdigest())
