"""Access log lines, and uploads, that leave nothing of who filed a confidential report or what with.

A report is filed without an account, and the reporter's protection starts with the server not
knowing where it came from: for the report pages the access log keeps the method, path, status,
size and time, and drops the client's address, user agent and referrer. The development server's
log goes through ``install_werkzeug_filter``; gunicorn's through ``PrivateAccessLogger``
(gunicorn.conf.py names it).
"""

from __future__ import annotations

import io
import logging
import re

from flask import Request

# The reporter's pages. The officers' inbox is behind a sign-in and logged as usual.
PRIVATE_PATHS = re.compile(r"^/report(?:/|$|\?)")
# The development server colours the request line of every answer but a 200 on a terminal.
_COLOUR = r"(?:\x1b\[[0-9;]*m)*"
_WERKZEUG_LINE = re.compile(
    rf'^(?P<address>\S+) - - (?P<date>\[[^\]]*\]) {_COLOUR}"{_COLOUR}(?P<method>[A-Z]+) (?P<path>\S+)')


def is_private(path: str) -> bool:
    return bool(PRIVATE_PATHS.match(path or ""))


class PrivateRequest(Request):
    """Keeps a report's attachments in memory while the request is read: elsewhere, a large upload is
    spooled to a temporary file, which would put a reporter's file on disk unencrypted. The size is
    capped for the report form (``max_content_length``), so memory is bounded."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        if is_private(self.path):
            return io.BytesIO()
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)


class _DropReporterAddress(logging.Filter):
    """Rewrites the development server's line for the report pages with ``-`` for the address."""

    def filter(self, record: logging.LogRecord) -> bool:
        line = record.getMessage()
        found = _WERKZEUG_LINE.match(line)
        if found and is_private(found["path"]):
            record.msg = "-" + line[found.end("address"):]
            record.args = ()
        return True


def install_werkzeug_filter() -> None:
    """Idempotent: the development server's logger gets the filter once."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _DropReporterAddress) for f in logger.filters):
        logger.addFilter(_DropReporterAddress())


try:  # gunicorn is the production server; the development server does without it.
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a dependency
    _GunicornLogger = object  # type: ignore[assignment,misc]


class PrivateAccessLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger, with every client detail blanked on the report pages' lines."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if is_private(environ.get("PATH_INFO", "")):
            for key in list(atoms):
                if key.endswith("}i") or key == "{remote_addr}e" or (key.startswith("{http_") and key.endswith("}e")):
                    atoms[key] = "-"
            atoms.update(h="-", a="-", f="-", u="-")
        return atoms
