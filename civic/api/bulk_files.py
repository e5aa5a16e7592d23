"""Bulk files built ahead: every export and the OC4IDS package written to EXPORTS_DIR, each also
gzipped, served from there, and marked stale by a commit that changes what they show.

A file is written beside its final name and moved into place (``os.replace``), so a reader gets
the old file or the new one, never half of one. The bytes are those of the streamed answers: both
come from the same chunk writers. A change only touches a stamp file; ``flask exports build``
rebuilds, never a request.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import logging
import os
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from flask import Response, current_app, has_app_context, request, send_file, stream_with_context, url_for
from sqlalchemy import inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from civic.accounts.models import Company, User
from civic.api import oc4ids, queries
from civic.api.exports import EXPORTS, Export, csv_chunks, jsonl_chunks
from civic.core.db import hook_sessions
from civic.core.time import utcnow
from civic.feedback.models import FeedbackNote, Report, Subscription
from civic.web.downloads import streamed
from civic.workshops.models import Registration

logger = logging.getLogger(__name__)

GZIP = "application/gzip"
GZIP_LEVEL = 6
# Beside the files: the stamp a change touches (its mtime is the last change), the stamp a build
# has taken over, and the lock that lets one build run at a time.
STALE = ".stale"
BUILDING = ".stale.building"
LOCK = ".lock"
# The domains whose rows the files show; of these, the rows no file shows.
SHOWN_BY = ("civic.cases.", "civic.feedback.", "civic.workshops.", "civic.pledges.", "civic.agencies.",
            "civic.procurement.")
NOT_SHOWN = (FeedbackNote, Report, Subscription, Registration)
# Of a user, the files show the display name on comments, and hide it once the account is deleted.
USER_SHOWN = ("display_name", "deleted_at")
CHANGED = "civic.api.bulk_files.changed"


@dataclass(frozen=True)
class BulkFile:
    """One file: its name, media type, whether it downloads as an attachment, and its text."""

    name: str
    mimetype: str
    attachment: bool
    chunks: Callable[[Session], Iterator[str]]


def oc4ids_chunks(session: Session) -> Iterator[str]:
    """The OC4IDS project package of every published case; needs a request context for its links."""
    published = queries.last_case_change(session) or utcnow()
    cases = ((record.case, record.timelines) for record in queries.iter_case_records(session, now=utcnow()))
    return oc4ids.package(cases, uri=url_for("api.oc4ids_package", _external=True),
                          published=published, publisher_uri=url_for("site.home", _external=True))


def _export_file(export: Export, fmt: str) -> BulkFile:
    write = csv_chunks if fmt == "csv" else jsonl_chunks
    mimetype = "text/csv" if fmt == "csv" else "application/jsonl"
    return BulkFile(f"{export.entity}.{fmt}", mimetype, True, lambda session: write(export, session))


FILES: dict[str, BulkFile] = {
    file.name: file for file in [
        *(_export_file(export, fmt) for export in EXPORTS.values() for fmt in ("csv", "jsonl")),
        BulkFile("oc4ids.json", "application/json", False, oc4ids_chunks),
    ]
}


def folder() -> Path | None:
    """Where the files live, or None when this application builds none (the tests, unless asked)."""
    configured = current_app.config.get("EXPORTS_DIR")
    return Path(configured) if configured else None


# Serving


def _disposition(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _built(file: BulkFile, gzipped: bool) -> Response | None:
    where = folder()
    name = file.name + (".gz" if gzipped else "")
    path = where / name if where is not None else None
    if path is None or not path.is_file():
        return None
    mimetype = GZIP if gzipped else file.mimetype
    accel = current_app.config.get("EXPORTS_ACCEL_REDIRECT")
    if accel:
        # The proxy sends the file itself, with its own ETag, Last-Modified and ranges.
        response = Response(mimetype=mimetype)
        response.headers["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{name}"
    else:
        response = send_file(path, mimetype=mimetype, conditional=True, etag=True)
    if gzipped or file.attachment:
        _disposition(response, name)
    else:
        # As the streamed answer: shown in the browser, no file name.
        response.headers.pop("Content-Disposition", None)
    return response


def _gzipped(chunks: Iterator[str]) -> Iterator[bytes]:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = compressor.compress(chunk.encode("utf-8"))
        if data:
            yield data
    yield compressor.flush()


def answer(name: str, session: Session, *, gzipped: bool = False) -> Response:
    """The file ``name`` (gzipped if asked): the built one when there is one and the request asks
    for the whole file as it is (no parameters), else written while it is read, as before."""
    file = FILES[name]
    if not request.args:
        response = _built(file, gzipped)
        if response is not None:
            return response
    if gzipped:
        response = Response(stream_with_context(_gzipped(file.chunks(session))), mimetype=GZIP)
        return _disposition(response, f"{name}.gz")
    return streamed(file.chunks(session), file.mimetype, filename=name if file.attachment else None)


# Building


def _temporary(where: Path, name: str) -> tuple[IO[bytes], Path]:
    handle = tempfile.NamedTemporaryFile(dir=where, prefix=f".{name}.", suffix=".part", delete=False)  # noqa: SIM115
    return handle, Path(handle.name)


def write_file(file: BulkFile, session: Session, where: Path) -> None:
    """Write ``file`` and its gzipped twin in one pass over the rows, then move both into place."""
    raw, raw_path = _temporary(where, file.name)
    packed, packed_path = _temporary(where, file.name + ".gz")
    try:
        with raw, packed, gzip.GzipFile(filename=file.name, mode="wb", fileobj=packed,
                                        compresslevel=GZIP_LEVEL) as squeezed:
            for chunk in file.chunks(session):
                data = chunk.encode("utf-8")
                raw.write(data)
                squeezed.write(data)
        for path in (raw_path, packed_path):
            # On disk before the rename, so a crash cannot leave an empty file under the final name;
            # readable by the proxy that may serve them (temporary files start private).
            with path.open("rb") as written:
                os.fsync(written.fileno())
            path.chmod(0o644)
        os.replace(raw_path, where / file.name)
        os.replace(packed_path, where / f"{file.name}.gz")
    except BaseException:
        for path in (raw_path, packed_path):
            path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _lock(where: Path) -> Iterator[bool]:
    """Whether this process may build now: one build at a time per folder, across processes."""
    with (where / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(session: Session, where: Path) -> list[str] | None:
    """Rebuild every file in ``where``; None when another build holds the folder.

    Call it inside a request context whose base URL is the public address (the links in the files).
    Changes committed while it runs leave the files stale for the next build.
    """
    where.mkdir(parents=True, exist_ok=True)
    with _lock(where) as mine:
        if not mine:
            return None
        with contextlib.suppress(FileNotFoundError):
            os.replace(where / STALE, where / BUILDING)
        try:
            for file in FILES.values():
                write_file(file, session, where)
        except BaseException:
            mark_stale(where)
            raise
        finally:
            (where / BUILDING).unlink(missing_ok=True)
    return list(FILES)


# Staleness


def mark_stale(where: Path) -> None:
    """Note that the data changed now. Only where files have been built: else nothing is stale."""
    if where.is_dir():
        stamp = where / STALE
        stamp.touch()
        os.utime(stamp)


def is_due(where: Path, *, debounce: float, now: float | None = None) -> bool:
    """Whether a build is due: a file is missing, a build stopped half-way, or the data changed and
    has then been quiet for ``debounce`` seconds."""
    if any(not (where / name).is_file() or not (where / f"{name}.gz").is_file() for name in FILES):
        return True
    if (where / BUILDING).exists() and not (where / STALE).exists():
        return _lock_is_free(where)
    try:
        changed_at = (where / STALE).stat().st_mtime
    except FileNotFoundError:
        return False
    return (time.time() if now is None else now) - changed_at >= debounce


@dataclass(frozen=True)
class Freshness:
    """When the files in a folder were last built (None: not all of them yet) and when the data
    changed after that (None: no change waits for a build)."""

    built_at: datetime | None
    changed_at: datetime | None


def freshness(where: Path) -> Freshness:
    """How fresh the files in ``where`` are, from their times and the stamp a change touches."""

    def modified(path: Path) -> datetime | None:
        try:
            return datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except FileNotFoundError:
            return None

    built = [modified(where / name) for file in FILES for name in (file, f"{file}.gz")]
    changed = [stamp for stamp in (modified(where / STALE), modified(where / BUILDING)) if stamp]
    return Freshness(None if None in built else min(built), max(changed) if changed else None)


def _lock_is_free(where: Path) -> bool:
    with _lock(where) as free:
        return free


def _shown(obj: object, session: Session) -> bool:
    if isinstance(obj, User):
        state = inspect(obj)
        return obj in session.deleted or any(state.attrs[name].history.has_changes() for name in USER_SHOWN)
    if isinstance(obj, Company):
        return True
    return type(obj).__module__.startswith(SHOWN_BY) and not isinstance(obj, NOT_SHOWN)


def _note_flush(session: Session, _flush_context: object) -> None:
    if session.info.get(CHANGED):
        return
    changed = [*session.new, *(obj for obj in session.dirty if session.is_modified(obj)), *session.deleted]
    if any(_shown(obj, session) for obj in changed):
        session.info[CHANGED] = True


def _note_statement(state: ORMExecuteState) -> None:
    # Seat counts and other guarded changes are UPDATE statements that never pass through a flush.
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        model = state.bind_mapper.class_
        if model.__module__.startswith(SHOWN_BY) and not issubclass(model, NOT_SHOWN):
            state.session.info[CHANGED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(CHANGED, False) and has_app_context():
        where = folder()
        if where is not None:
            try:
                mark_stale(where)
            except OSError:
                # The change is committed; the files stay as they are until the next change or build.
                logger.exception("The bulk files could not be marked stale")


def _forget(session: Session, previous: SessionTransaction) -> None:
    # A rolled-back SAVEPOINT leaves what was flushed before it; at worst the files are rebuilt once more.
    if not previous.nested:
        session.info.pop(CHANGED, None)


def install() -> None:
    """Mark the files stale after every commit that changed what they show."""
    hook_sessions(after_flush=_note_flush, do_orm_execute=_note_statement, after_commit=_after_commit,
                  after_soft_rollback=_forget)
