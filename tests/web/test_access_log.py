"""The access log keeps no client address, user agent or referrer for the confidential report pages,
on the development server and on gunicorn, and keeps them for every other page."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

from civic.web.access_log import install_werkzeug_filter, is_private

ROOT = Path(__file__).resolve().parents[2]


def _hello(environ, start_response):
    # A refused request too: the development server colours the line of every answer but a 200.
    missing = environ["PATH_INFO"].endswith("/missing")
    start_response("404 NOT FOUND" if missing else "200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={
        "User-Agent": "ReporterBrowser/9.9", "Referer": "http://127.0.0.1/cases/secret-case"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            answer.read()
    except urllib.error.HTTPError as refused:
        refused.read()


def test_only_the_reporter_pages_are_private():
    assert is_private("/report") and is_private("/report/status") and is_private("/report?x=1")
    assert not is_private("/reports-and-figures") and not is_private("/cases/report") and not is_private("/")


def test_the_development_server_logs_no_address_for_report_pages(caplog):
    install_werkzeug_filter()
    install_werkzeug_filter()  # installing twice keeps one filter
    assert sum(1 for f in logging.getLogger("werkzeug").filters if type(f).__name__ == "_DropReporterAddress") == 1
    port = _free_port()
    server = make_server("127.0.0.1", port, _hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            _get(port, "/report/status")
            _get(port, "/report/missing")
            _get(port, "/cases")
    finally:
        server.shutdown()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    report_line = next(line for line in lines if "/report/status" in line)
    other_line = next(line for line in lines if "/cases" in line)
    assert "127.0.0.1" not in report_line and report_line.startswith("- - - [")
    assert '"GET /report/status HTTP/1.1" 200' in report_line
    refused_line = next(line for line in lines if "/report/missing" in line)
    assert "127.0.0.1" not in refused_line and refused_line.startswith("- - - [") and "404" in refused_line
    assert other_line.startswith("127.0.0.1 ")


def test_gunicorn_logs_no_client_details_for_report_pages(tmp_path):
    log = tmp_path / "access.log"
    port = _free_port()
    app_module = tmp_path / "hello_app.py"
    app_module.write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s"',
         "--chdir", str(tmp_path), "hello_app:app"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                _get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        _get(port, "/report")
        _get(port, "/cases")
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = log.read_text().splitlines()
    report_line = next(line for line in lines if "/report" in line)
    other_line = next(line for line in lines if "/cases" in line)
    assert report_line == '- "GET /report HTTP/1.1" 200 "-" "-"'
    assert other_line.startswith("127.0.0.1 ") and "ReporterBrowser/9.9" in other_line and "secret-case" in other_line


def test_report_attachments_stay_in_memory_while_other_uploads_may_spool_to_disk(app):
    from flask import request
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import EnvironBuilder, encode_multipart

    big = b"%PDF-1.4\n" + b"x" * 700_000
    boundary, body = encode_multipart({"attachments": FileStorage(io.BytesIO(big), "a.pdf")})
    for path, in_memory in (("/report", True), ("/cases/some-case/comments", False)):
        environ = EnvironBuilder(path=path, method="POST", input_stream=io.BytesIO(body), content_length=len(body),
                                 content_type=f"multipart/form-data; boundary={boundary}").get_environ()
        with app.request_context(environ):
            stream = request.files["attachments"].stream
            try:
                assert isinstance(stream, io.BytesIO) is in_memory, path
                assert stream.read() == big
            finally:
                stream.close()
