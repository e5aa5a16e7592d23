"""Fixtures of the showcase tests: pictures made on the spot, apps submitted over HTTP or through the
services, and signed-in clients of each role."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from civic.accounts.models import User
from civic.extensions import db
from civic.showcase import screenshots, services
from civic.showcase.models import ShowcaseApp
from tests.support import csrf_token, signed_in

FIELDS = {
    "name": "廉政平臺地圖",
    "summary": "把每個廉政平臺標在地圖上",
    "description": "用 /api/v1/cases 讀取個案，畫在地圖上。\n每天更新。",
    "link": "https://map.example.org/",
    "source_link": "https://github.com/example/integrity-map",
    "licence": "MIT",
    "endpoints": ["/api/v1/cases", "/api/v1/agencies"],
    "challenge": "",
}
DOCUMENTED = ["/api/v1/cases", "/api/v1/agencies", "/api/v1/comments", "/api/v1/pledges"]


def png(width: int = 800, height: int = 500, colour: str = "teal") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, "PNG")
    return output.getvalue()


def png_with_text() -> bytes:
    """A PNG carrying a text chunk with who made it."""
    info = PngInfo()
    info.add_text("Author", "secret-author-name")
    info.add_text("Comment", "taken at home, 25.033N 121.565E")
    output = io.BytesIO()
    Image.new("RGBA", (400, 300), (0, 128, 128, 255)).save(output, "PNG", pnginfo=info)
    return output.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF says which camera took it and where."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (25.0, 2.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 33.0, 0.0)
    output = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(output, "JPEG", exif=exif)
    return output.getvalue()


def form(picture: bytes | None = None, filename: str = "screen.png", **overrides) -> MultiDict:
    values = MultiDict()
    for name, value in {**FIELDS, **overrides}.items():
        for item in value if isinstance(value, list) else [value]:
            values.add(name, item)
    if picture is not None:
        values.add("screenshot", FileStorage(io.BytesIO(picture), filename=filename,
                                             content_type="application/octet-stream"))
    return values


def _post(client, path: str, values: MultiDict, form_page: str):
    values.add("csrf_token", csrf_token(client, form_page))
    # Encoded in memory: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart(values)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def submit(client, picture: bytes | None = b"", filename: str = "screen.png", **overrides):
    """Send the submission form as a browser would, with a screenshot (a PNG unless told otherwise)."""
    return _post(client, "/apps/submit", form(png() if picture == b"" else picture, filename, **overrides),
                 "/apps/submit")


def edit(client, app_id: int, picture: bytes | None = None, **overrides):
    return _post(client, f"/apps/{app_id}/edit", form(picture, **overrides), f"/apps/{app_id}/edit")


def count_apps(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ShowcaseApp.id)))


def latest_app_id(app) -> int | None:
    with app.app_context():
        return db.session.scalar(select(func.max(ShowcaseApp.id)))


def stored_app(app, app_id: int) -> ShowcaseApp:
    with app.app_context():
        found = db.session.get(ShowcaseApp, app_id)
        db.session.expunge(found)
        return found


def make_app_as(app, account, *, name: str = "廉政平臺地圖", endpoints: list[str] | None = None,
                challenge_id: int | None = None, today: date | None = None) -> int:
    """An app submitted through the services by ``account``; its id."""
    with app.test_request_context():
        picture = screenshots.clean(png())
        made = services.submit_app(
            db.session, services.AppInput(name=name, summary=f"{name}：一句話說明", link="https://example.org/",
                                          licence="MIT", endpoints=endpoints or ["/api/v1/cases"],
                                          challenge_id=challenge_id),
            picture, actor=db.session.get(User, account.id), documented=DOCUMENTED,
            today=today or date(2026, 12, 6))
        db.session.commit()
        return made.id


def approve_as(app, moderator, app_id: int) -> None:
    with app.test_request_context():
        found = db.session.get(ShowcaseApp, app_id)
        services.approve_app(db.session, found, actor=db.session.get(User, moderator.id), version=found.version)
        db.session.commit()


@pytest.fixture
def citizen_client(app, citizen):
    return signed_in(app, citizen)


@pytest.fixture
def moderator_client(app, moderator):
    return signed_in(app, moderator)


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app, admin)


@pytest.fixture
def pending_app(app, citizen) -> int:
    return make_app_as(app, citizen)


@pytest.fixture
def published_app(app, citizen, moderator) -> int:
    app_id = make_app_as(app, citizen, name="採購透明儀表板", endpoints=["/api/v1/cases", "/api/v1/pledges"])
    approve_as(app, moderator, app_id)
    return app_id
