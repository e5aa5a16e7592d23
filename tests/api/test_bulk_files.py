"""Bulk files built ahead: the same bytes as the streamed answers, served with ETags and ranges,
marked stale by a change that shows in them, rebuilt after a quiet period, written whole or not at all.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from civic.accounts.models import User
from civic.api import bulk_files
from civic.api.bulk_files import FILES, BulkFile
from civic.cases import services as cases
from civic.extensions import db
from civic.workshops.models import Workshop
from tests.api.conftest import EMAIL, PHONE, Seeded
from tests.cases.factories import case_input

# The public address of the test application: the links in built files name it.
SITE = "http://civic.test"
NAMES = sorted(FILES)


def _url(name: str) -> str:
    return "/api/v1/oc4ids.json" if name == "oc4ids.json" else f"/api/v1/export/{name}"


def _get(client, path: str, **kwargs):
    """The answer, read to the end and closed (a sent file holds an open file until then)."""
    response = client.get(path, base_url=SITE, **kwargs)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def exports_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "exports"
    monkeypatch.setitem(app.config, "EXPORTS_DIR", str(where))
    return where


def _build(app: Flask, *options: str) -> str:
    result = app.test_cli_runner().invoke(args=["exports", "build", *options])
    assert result.exit_code == 0, result.output
    return result.output


def _publish_case(app: Flask, slug: str) -> None:
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.email == "staff.mrt@demo.civic.tw"))
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.civic.tw"))
        case = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input(slug, title_zh="預建檔案測試案"), reason="測試"), actor=staff)
        cases.approve_application(db.session, case, actor=admin)
        db.session.commit()


def test_each_built_file_is_the_streamed_answer_byte_for_byte(app, client, exports_dir):
    streamed = {}
    for name in NAMES:
        response = _get(client, _url(name))
        assert response.status_code == 200 and "ETag" not in response.headers, name
        streamed[name] = (response.get_data(), response.headers.get("Content-Type"),
                          response.headers.get("Content-Disposition"))
        packed = _get(client, _url(name) + ".gz")
        assert packed.status_code == 200 and packed.mimetype == "application/gzip", name
        assert gzip.decompress(packed.get_data()) == streamed[name][0], name
    assert "built 9 files" in _build(app)
    for name in NAMES:
        response = _get(client, _url(name))
        # Sent from the file: with the validators a stream cannot have.
        assert response.status_code == 200 and response.headers["ETag"] and response.headers["Last-Modified"], name
        assert (response.get_data(), response.headers.get("Content-Type"),
                response.headers.get("Content-Disposition")) == streamed[name], name
        packed = _get(client, _url(name) + ".gz")
        assert packed.headers["Content-Disposition"] == f'attachment; filename="{name}.gz"'
        assert gzip.decompress(packed.get_data()) == streamed[name][0], name
    assert streamed["cases.csv"][0].startswith("\ufeff".encode())
    assert streamed["cases.csv"][1] == "text/csv; charset=utf-8"
    assert streamed["cases.jsonl"][0].count(b"\n") == len(streamed["cases.csv"][0].splitlines()) - 1


def test_a_built_file_answers_not_modified_and_ranges(app, client, exports_dir):
    _build(app)
    whole = _get(client, "/api/v1/export/cases.csv")
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert _get(client, "/api/v1/export/cases.csv", headers={"If-None-Match": etag}).status_code == 304
    assert _get(client, "/api/v1/export/cases.csv", headers={"If-Modified-Since": modified}).status_code == 304
    part = _get(client, "/api/v1/export/cases.csv", headers={"Range": "bytes=3-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 3-99/{len(whole.get_data())}"
    assert part.get_data() == whole.get_data()[3:100]
    packed = _get(client, "/api/v1/oc4ids.json.gz", headers={"Range": "bytes=0-1"})
    assert packed.status_code == 206 and packed.get_data() == b"\x1f\x8b"


def test_without_built_files_every_address_still_streams(app, client, exports_dir):
    assert not exports_dir.exists()
    for name in NAMES:
        for suffix in ("", ".gz"):
            response = _get(client, _url(name) + suffix)
            assert response.status_code == 200, name + suffix
            assert "ETag" not in response.headers and "Accept-Ranges" not in response.headers, name + suffix


def test_a_request_with_parameters_is_streamed_as_before(app, client, exports_dir):
    _build(app)
    response = _get(client, "/api/v1/export/cases.csv?lang=en")
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.get_data() == (exports_dir / "cases.csv").read_bytes()
    assert _get(client, "/api/v1/export/cases.csv?agency=379130000").status_code == 400


def test_a_change_marks_the_files_stale_and_a_build_after_the_quiet_period_refreshes_them(app, client, exports_dir):
    _build(app)
    assert not bulk_files.is_due(exports_dir, debounce=0)
    _publish_case(app, "bulk-fresh-case")
    changed_at = (exports_dir / bulk_files.STALE).stat().st_mtime
    assert not bulk_files.is_due(exports_dir, debounce=60, now=changed_at + 59)
    assert bulk_files.is_due(exports_dir, debounce=60, now=changed_at + 60)
    # Until the rebuild, the older file is served; its Last-Modified says when it was made.
    assert b"bulk-fresh-case" not in _get(client, "/api/v1/export/cases.csv").get_data()
    assert "nothing done" in _build(app, "--if-stale", "--debounce", "3600")
    assert "built 9 files" in _build(app, "--if-stale", "--debounce", "0")
    assert b"bulk-fresh-case" in _get(client, "/api/v1/export/cases.csv").get_data()
    assert b"bulk-fresh-case" in gzip.decompress(_get(client, "/api/v1/oc4ids.json.gz").get_data())
    assert not (exports_dir / bulk_files.STALE).exists()
    assert "nothing done" in _build(app, "--if-stale", "--debounce", "0")


def test_seat_counts_changed_by_a_statement_mark_the_files_stale(app, exports_dir, seeded: Seeded):
    _build(app)
    with app.app_context():
        db.session.execute(update(Workshop).where(Workshop.id == seeded.workshop_id)
                           .values(capacity=Workshop.capacity + 1))
        db.session.commit()
    assert (exports_dir / bulk_files.STALE).exists()


def test_a_change_no_file_shows_leaves_them_fresh(app, exports_dir):
    _build(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "citizen@demo.civic.tw"))
        user.locale = "en" if user.locale != "en" else "zh_Hant_TW"
        db.session.commit()
    assert not (exports_dir / bulk_files.STALE).exists()
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "citizen@demo.civic.tw")).display_name = "改名的市民"
        db.session.commit()
    assert (exports_dir / bulk_files.STALE).exists()


def _failing(_session) -> Iterator[str]:
    yield "half a file"
    raise RuntimeError("the database went away")


def test_a_build_that_fails_half_way_leaves_the_old_files(app, client, exports_dir, monkeypatch):
    _build(app)
    before = {path.name: path.read_bytes() for path in exports_dir.iterdir()}
    monkeypatch.setitem(FILES, "pledges.jsonl", BulkFile("pledges.jsonl", "application/jsonl", True, _failing))
    result = app.test_cli_runner().invoke(args=["exports", "build"])
    assert isinstance(result.exception, RuntimeError)
    after = {path.name: path.read_bytes() for path in exports_dir.iterdir() if path.name != bulk_files.STALE}
    assert after["pledges.jsonl"] == before["pledges.jsonl"]
    assert not [name for name in after if name.endswith(".part")]
    # The failed build leaves the files stale, so the next check builds again.
    assert bulk_files.is_due(exports_dir, debounce=0)
    assert _get(client, "/api/v1/export/pledges.jsonl").get_data() == before["pledges.jsonl"]


def test_one_build_at_a_time(app, exports_dir):
    exports_dir.mkdir()
    with bulk_files._lock(exports_dir) as mine:
        assert mine
        assert "another build is running" in _build(app)
    assert not (exports_dir / "cases.csv").exists()


def test_no_built_file_holds_personal_data(app, exports_dir, seeded: Seeded):
    _build(app)
    names = [path for path in exports_dir.iterdir() if not path.name.startswith(".")]
    assert len(names) == 2 * len(FILES)
    for path in names:
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode()
        for secret in seeded.secrets:
            assert secret not in text, (path.name, secret)
        assert EMAIL.search(text) is None, (path.name, EMAIL.search(text))
        assert PHONE.search(text) is None, (path.name, PHONE.search(text))
        assert os.stat(path).st_mode & 0o444 == 0o444


def test_behind_nginx_the_proxy_sends_the_file(app, client, exports_dir, monkeypatch):
    _build(app)
    monkeypatch.setitem(app.config, "EXPORTS_ACCEL_REDIRECT", "/_exports/")
    response = _get(client, "/api/v1/export/cases.csv.gz")
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["X-Accel-Redirect"] == "/_exports/cases.csv.gz"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cases.csv.gz"'
    assert response.mimetype == "application/gzip"
