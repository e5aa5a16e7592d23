"""The files a reporter attaches: how many, how large, which types, and what is kept of them.

The type is read from the content, never from the name the file was given, and only documents and
pictures are taken: PDF, Word, Excel and PowerPoint files (old and new), OpenDocument files, and
JPEG, PNG, GIF and WebP pictures. A picture is drawn again from its pixels alone, so its EXIF, GPS,
XMP and comments (where, when and with what it was taken) are gone before it is stored; documents
are kept as they are, and the report page says so.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from civic.core.errors import DomainError

FIELD = "attachments"
FILENAME_MAX_LENGTH = 200
# A picture of more pixels than this is refused rather than decoded (a small file can unpack into
# gigabytes); a 50-megapixel photograph still fits.
MAX_PIXELS = 60_000_000

# What filetype names the types we take, and their media types.
DOCUMENTS = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
# Pillow's name of each picture format we take, by the extension filetype gives it.
PICTURES = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png"), "gif": ("GIF", "image/gif"),
            "webp": ("WEBP", "image/webp")}
# Office Open XML files are zip archives with these folders; filetype looks only at the first bytes
# and may call one just "zip".
_OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_MIMETYPES = {"application/vnd.oasis.opendocument.text": "odt",
                  "application/vnd.oasis.opendocument.spreadsheet": "ods",
                  "application/vnd.oasis.opendocument.presentation": "odp"}


@dataclass(frozen=True)
class Upload:
    """A file as the reporter sent it: the name their device gave it and its bytes (read up to one
    byte past the largest size taken, so an oversized file is known without reading all of it)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class CleanFile:
    """What is stored of an upload: a tidy name, the type read from the content, the bytes."""

    filename: str
    media_type: str
    content: bytes


def most_files() -> int:
    return int(current_app.config["REPORT_ATTACHMENTS_MAX"])


def largest_file() -> int:
    return int(current_app.config["REPORT_ATTACHMENT_MAX_BYTES"])


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def clean_filename(name: str) -> str:
    """The file's own name without any folder, control characters or surrounding spaces, at most
    FILENAME_MAX_LENGTH characters (the extension kept); "attachment" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip().strip(".")
    if len(name) > FILENAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[:FILENAME_MAX_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:FILENAME_MAX_LENGTH].rstrip()
    return name or "attachment"


def _zipped_kind(content: bytes) -> str | None:
    """Which Office Open XML or OpenDocument file a zip archive is, if any."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                # Read only its first bytes: a crafted archive unpacks a small entry into gigabytes.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100)
                return _ODF_MIMETYPES.get(declared.decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for folder, kind in _OOXML_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, ValueError, OSError, KeyError):
        return None
    return None


def kind_of(content: bytes) -> str | None:
    """The extension of the type the content shows (``pdf``, ``docx``, ``png``...), or None."""
    guess = filetype.guess(content)
    extension = guess.extension if guess else None
    if extension in ("zip", None) and content[:2] == b"PK":
        return _zipped_kind(content)
    return extension


def _redrawn(frame: Image.Image) -> Image.Image:
    """A new picture holding only ``frame``'s pixels (and palette): none of its metadata."""
    if frame.mode in ("P", "PA"):
        frame = frame.convert("RGBA" if frame.mode == "PA" or "transparency" in frame.info else "RGB")
    return Image.frombytes(frame.mode, frame.size, frame.tobytes())


def strip_picture(content: bytes, pillow_format: str) -> bytes:
    """The picture drawn again from its pixels, turned upright as its EXIF said, without metadata.

    Raises ValueError when Pillow cannot read it as ``pillow_format`` or it is too large to decode.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as picture:
                if picture.width * picture.height > MAX_PIXELS:
                    raise ValueError("too many pixels")
                output = io.BytesIO()
                if pillow_format == "GIF" and getattr(picture, "n_frames", 1) > 1:
                    # Every frame is held whole while it is drawn again: a small file of many large frames
                    # would take gigabytes, so the frames together must stay within MAX_PIXELS.
                    if picture.n_frames * picture.width * picture.height > MAX_PIXELS:
                        raise ValueError("too many pixels")
                    frames, durations = [], []
                    for frame in ImageSequence.Iterator(picture):
                        frames.append(_redrawn(frame.copy()))
                        durations.append(frame.info.get("duration", 100))
                    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:], duration=durations,
                                   loop=picture.info.get("loop", 0))
                    return output.getvalue()
                clean = _redrawn(ImageOps.exif_transpose(picture))
                if pillow_format == "JPEG":
                    if clean.mode not in ("RGB", "L"):
                        clean = clean.convert("RGB")
                    clean.save(output, "JPEG", quality=92, optimize=True)
                elif pillow_format == "WEBP":
                    clean.save(output, "WEBP", quality=92)
                else:
                    clean.save(output, pillow_format, optimize=True)
                return output.getvalue()
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
                OSError, SyntaxError) as error:
            raise ValueError(str(error)) from error


def _clean(upload: Upload) -> CleanFile | DomainError:
    name = clean_filename(upload.filename)
    if len(upload.content) > largest_file():
        # Translators: %(name)s is the file's name, %(size)s a number of megabytes.
        return DomainError(_("%(name)s is larger than %(size)s MB.", name=name, size=megabytes(largest_file())),
                           field=FIELD)
    if not upload.content:
        return DomainError(_("%(name)s is empty.", name=name), field=FIELD)
    kind = kind_of(upload.content)
    if kind in DOCUMENTS:
        return CleanFile(name, DOCUMENTS[kind], upload.content)
    if kind in PICTURES:
        pillow_format, media_type = PICTURES[kind]
        try:
            return CleanFile(name, media_type, strip_picture(upload.content, pillow_format))
        except ValueError:
            return DomainError(_("%(name)s could not be read as a picture.", name=name), field=FIELD)
    return DomainError(_("%(name)s is not a PDF, an office document or a JPEG, PNG, GIF or WebP picture.",
                         name=name), field=FIELD)


def check_uploads(uploads: list[Upload]) -> tuple[list[CleanFile], list[DomainError]]:
    """Take at most REPORT_ATTACHMENTS_MAX files, each at most REPORT_ATTACHMENT_MAX_BYTES and of a
    type we take; return what is stored of each, and a refusal naming each file that is not taken."""
    if len(uploads) > most_files():
        return [], [DomainError(_("Attach at most %(max)d files.", max=most_files()), field=FIELD)]
    cleaned: list[CleanFile] = []
    errors: list[DomainError] = []
    for upload in uploads:
        result = _clean(upload)
        if isinstance(result, DomainError):
            errors.append(result)
        else:
            cleaned.append(result)
    return cleaned, errors
