"""Submitting an app over HTTP: what is refused (with every problem at once, in both languages, nothing
saved and nothing typed lost), what is kept of the screenshot, and that only approved apps are public."""

from __future__ import annotations

import io
import re

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.showcase.models import AppScreenshot, AppStatus
from tests.showcase.conftest import (
    count_apps,
    edit,
    jpeg_with_gps,
    latest_app_id,
    png,
    png_with_text,
    stored_app,
    submit,
)
from tests.support import post_form, signed_in


def test_a_signed_in_person_submits_an_app_that_waits_unseen_for_a_moderator(app, client, citizen,
                                                                               citizen_client):
    response = submit(citizen_client)
    assert response.status_code == 302 and response.headers["Location"] == "/apps/mine"
    app_id = latest_app_id(app)
    made = stored_app(app, app_id)
    assert made.status == AppStatus.pending and made.submitter_id == citizen.id
    mine = citizen_client.get("/apps/mine").get_data(as_text=True)
    assert "廉政平臺地圖" in mine and "等待" in mine
    # Nobody else sees it, nor its screenshot, until a moderator approves it.
    assert "廉政平臺地圖" not in client.get("/apps").get_data(as_text=True)
    assert client.get(f"/apps/{app_id}").status_code == 404
    assert client.get(f"/apps/{app_id}/screenshot").status_code == 404
    assert citizen_client.get(f"/apps/{app_id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.target_type == "showcase_app", AuditEntry.target_id == str(app_id))) == "showcase_app.submitted"


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_saved(app, client):
    assert client.get("/apps/submit").headers["Location"].startswith("/login?next=")
    response = post_form(client, "/apps/submit", {"name": "x"}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count_apps(app) == 0


@pytest.mark.parametrize(("field", "value"), [
    ("link", "javascript:alert(1)"),
    ("link", "ftp://example.org/app"),
    ("link", "https://"),
    ("link", "example.org"),
    ("link", "https://user:pass@example.org/"),
    ("link", "https://exa mple.org/"),
    ("link", "https://example.org:99999/"),
    ("source_link", "data:text/html,<script>alert(1)</script>"),
    ("source_link", "//example.org/source"),
])
def test_a_link_that_is_not_a_whole_http_address_is_refused(app, citizen_client, field, value):
    response = submit(citizen_client, **{field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "請輸入以 https:// 或 http:// 開頭的網址" in page
    assert count_apps(app) == 0


def test_every_problem_is_shown_at_once_and_what_was_typed_is_kept(app, citizen_client):
    response = submit(citizen_client, name="", link="not a link", endpoints=[], licence="WTFPL-9",
                      description="保留這段說明文字")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("請輸入應用程式的名稱", "以 https:// 或 http:// 開頭", "請至少勾選一個應用程式讀取的 API 位址",
                    "請從清單選擇應用程式的授權"):
        assert message in page, message
    assert "保留這段說明文字" in page and 'value="not a link"' in page and "把每個廉政平臺標在地圖上" in page
    # The file is not kept by the browser: the page says to choose it again.
    assert "請再選一次" in page
    assert count_apps(app) == 0


def test_the_refusals_are_in_english_on_an_english_page(app, citizen_client):
    citizen_client.get("/apps?lang=en")
    response = submit(citizen_client, name="", endpoints=["/api/v1/not-an-address"])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the app's name." in page and "Choose only from the listed API addresses." in page
    assert "If you chose a screenshot, choose it again" in page


def test_a_screenshot_is_required_and_must_be_a_picture_of_a_type_taken(app, citizen_client):
    assert "請選擇應用程式的螢幕截圖" in submit(citizen_client, picture=None).get_data(as_text=True)
    forged = b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 50
    assert "無法讀取為圖片" in submit(citizen_client, picture=forged).get_data(as_text=True)
    gif = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(gif, "GIF")
    page = submit(citizen_client, picture=gif.getvalue(), filename="looks.png").get_data(as_text=True)
    assert "必須是 PNG、JPEG 或 WebP 圖片" in page
    pdf = b"%PDF-1.4\n" + b"0" * 200
    assert "必須是 PNG、JPEG 或 WebP 圖片" in submit(citizen_client, picture=pdf, filename="x.jpg").get_data(
        as_text=True)
    assert count_apps(app) == 0


def test_a_screenshot_over_the_size_limit_is_refused_beside_its_field(app, citizen_client):
    big = png() + b"\x00" * (app.config["APP_SCREENSHOT_MAX_BYTES"])
    response = submit(citizen_client, picture=big)
    assert response.status_code == 422
    assert "螢幕截圖大於 2 MB" in response.get_data(as_text=True)
    assert count_apps(app) == 0


def test_a_nul_byte_anywhere_in_the_form_is_refused_and_nothing_is_saved(app, citizen_client):
    assert submit(citizen_client, name="壞\x00名稱").status_code == 400
    assert submit(citizen_client, description="第一行\x00").status_code == 400
    assert submit(citizen_client, filename="screen\x00.png").status_code == 400
    assert count_apps(app) == 0


def test_other_control_characters_and_a_second_line_in_the_name_are_refused(app, citizen_client):
    assert submit(citizen_client, description="響鈴\x07").status_code == 422
    response = submit(citizen_client, summary="第一行\n第二行")
    assert response.status_code == 422 and "請寫成一行" in response.get_data(as_text=True)
    assert count_apps(app) == 0


def test_the_screenshot_is_stored_without_its_metadata_and_within_bounded_pixels(app, citizen_client):
    assert submit(citizen_client, picture=jpeg_with_gps(), filename="photo.jpg").status_code == 302
    jpeg_id = latest_app_id(app)
    assert submit(citizen_client, picture=png_with_text()).status_code == 302
    png_id = latest_app_id(app)
    assert submit(citizen_client, picture=png(4000, 1000)).status_code == 302
    wide_id = latest_app_id(app)

    served = citizen_client.get(f"/apps/{jpeg_id}/screenshot")
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    content = served.get_data()
    assert b"SecretCam" not in content and b"Exif" not in content
    picture = Image.open(io.BytesIO(content))
    assert not picture.getexif() and not picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    # Turned upright as its EXIF said (a quarter turn): 480 wide, 640 high.
    assert picture.size == (480, 640)

    content = citizen_client.get(f"/apps/{png_id}/screenshot").get_data()
    assert b"secret-author-name" not in content and b"tEXt" not in content and b"iTXt" not in content
    assert Image.open(io.BytesIO(content)).text == {}

    with app.app_context():
        stored = db.session.get(AppScreenshot, wide_id)
        assert (stored.width, stored.height) == (1920, 480)
        assert stored.thumbnail_width <= 640 and stored.thumbnail_height <= 400
    small = Image.open(io.BytesIO(citizen_client.get(f"/apps/{wide_id}/screenshot?size=small").get_data()))
    assert small.size == (640, 160)


def test_only_approved_apps_are_public_with_caching_headers(app, client, published_app, pending_app):
    listing = client.get("/apps").get_data(as_text=True)
    assert "採購透明儀表板" in listing and f"/apps/{pending_app}" not in listing
    page = client.get(f"/apps/{published_app}").get_data(as_text=True)
    assert 'href="https://example.org/" rel="nofollow ugc noopener"' in page
    assert '/api#get-api-v1-pledges' in page and '/api#get-api-v1-cases' in page
    shot = client.get(f"/apps/{published_app}/screenshot")
    assert shot.status_code == 200 and shot.mimetype == "image/png"
    # Kept by caches, but asked about at every use: once the app is taken down, so is its picture.
    assert set(shot.headers["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert shot.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get(f"/apps/{published_app}/screenshot", headers={"If-None-Match": shot.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == shot.headers["ETag"]
    assert set(again.headers["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert client.get(f"/apps/{pending_app}").status_code == 404
    assert client.get(f"/apps/{published_app}/screenshot?size=huge").status_code == 404


def test_a_change_sends_the_app_back_to_the_moderators_and_off_the_public_list(app, client, citizen_client,
                                                                                 published_app):
    response = edit(citizen_client, published_app, name="採購透明儀表板 第二版")
    assert response.status_code == 302
    changed = stored_app(app, published_app)
    assert changed.status == AppStatus.pending and changed.name == "採購透明儀表板 第二版"
    assert client.get(f"/apps/{published_app}").status_code == 404
    # Without a new file the screenshot stays; a new one replaces it.
    assert citizen_client.get(f"/apps/{published_app}/screenshot").status_code == 200
    assert edit(citizen_client, published_app, picture=png(300, 300, "navy")).status_code == 302
    with app.app_context():
        assert db.session.get(AppScreenshot, published_app).width == 300


def test_a_refused_change_keeps_the_app_as_it_was(app, client, citizen_client, published_app):
    assert edit(citizen_client, published_app, link="http//broken").status_code == 422
    kept = stored_app(app, published_app)
    assert kept.status == AppStatus.published and kept.link == "https://example.org/"
    assert client.get(f"/apps/{published_app}").status_code == 200


def test_the_maker_withdraws_an_app_and_someone_else_cannot(app, client, citizen_client, other_citizen,
                                                           published_app):
    other = signed_in(app, other_citizen)
    assert post_form(other, f"/apps/{published_app}/withdraw", {}, form_page="/apps/mine").status_code == 404
    assert other.get(f"/apps/{published_app}/edit").status_code == 404
    assert edit(other, published_app).status_code == 404
    assert stored_app(app, published_app).status == AppStatus.published
    response = post_form(citizen_client, f"/apps/{published_app}/withdraw", {}, form_page="/apps/mine")
    assert response.status_code == 302
    assert stored_app(app, published_app).status == AppStatus.withdrawn
    assert client.get(f"/apps/{published_app}").status_code == 404
    assert "您已撤回" in citizen_client.get("/apps/mine").get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", "9" * 30, "１"])
def test_a_challenge_that_is_not_an_id_is_refused_beside_its_field(app, citizen_client, value):
    response = submit(citizen_client, challenge=value)
    assert response.status_code == 422
    assert "請選擇列出的競賽之一" in response.get_data(as_text=True)
    assert count_apps(app) == 0


@pytest.mark.parametrize(("lang", "words"), [("zh_Hant_TW", "請求次數過多"), ("en", "Too many requests")])
def test_submitting_and_changing_apps_are_limited_per_account_in_the_persons_language(
        app, citizen_client, other_citizen, monkeypatch, lang, words):
    monkeypatch.setitem(app.config, "APPS_SUBMIT_RATE_LIMIT", "3 per hour")
    citizen_client.get(f"/apps?lang={lang}")
    # A refused sending counts too: each one decodes a picture.
    assert submit(citizen_client).status_code == 302
    app_id = latest_app_id(app)
    assert submit(citizen_client, name="").status_code == 422
    assert edit(citizen_client, app_id, name="改過的名稱").status_code == 302
    refused = submit(citizen_client, name="第三個")
    assert refused.status_code == 429 and words in refused.get_data(as_text=True)
    assert edit(citizen_client, app_id, name="再改一次").status_code == 429
    assert count_apps(app) == 1 and stored_app(app, app_id).name == "改過的名稱"
    # Reading the forms is not limited, and another account has its own count.
    assert citizen_client.get("/apps/submit").status_code == 200
    assert submit(signed_in(app, other_citizen)).status_code == 302


def test_saving_a_published_app_unchanged_leaves_it_published(app, client, citizen_client, published_app):
    before = stored_app(app, published_app)
    response = edit(citizen_client, published_app, name=before.name, summary=before.summary, description="",
                    link=before.link, source_link="", licence=before.licence,
                    endpoints=["/api/v1/cases", "/api/v1/pledges"])
    assert response.status_code == 302
    after = stored_app(app, published_app)
    assert after.status == AppStatus.published and after.version == before.version
    assert after.submitted_at == before.submitted_at
    assert client.get(f"/apps/{published_app}").status_code == 200
    assert "沒有任何修改" in citizen_client.get("/apps/mine").get_data(as_text=True)
    # The same picture again is no change either; a different one is.
    same = citizen_client.get(f"/apps/{published_app}/screenshot").get_data()
    assert edit(citizen_client, published_app, picture=same, name=before.name, summary=before.summary,
                description="", source_link="", link=before.link,
                endpoints=["/api/v1/cases", "/api/v1/pledges"]).status_code == 302
    assert stored_app(app, published_app).status == AppStatus.published
    assert edit(citizen_client, published_app, picture=png(300, 300, "navy"), name=before.name,
                summary=before.summary, description="", source_link="", link=before.link,
                endpoints=["/api/v1/cases", "/api/v1/pledges"]).status_code == 302
    assert stored_app(app, published_app).status == AppStatus.pending


def test_an_animated_png_is_taken_as_a_still_png(app, citizen_client):
    frames = [Image.new("RGBA", (320, 200), colour) for colour in ("red", "lime", "blue")]
    output = io.BytesIO()
    frames[0].save(output, "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)
    animated = output.getvalue()
    assert b"acTL" in animated
    assert submit(citizen_client, picture=animated, filename="moving.png").status_code == 302
    served = citizen_client.get(f"/apps/{latest_app_id(app)}/screenshot")
    assert served.mimetype == "image/png"
    content = served.get_data()
    assert b"acTL" not in content and b"fcTL" not in content
    still = Image.open(io.BytesIO(content))
    assert getattr(still, "n_frames", 1) == 1 and still.size == (320, 200)
    assert still.convert("RGB").getpixel((10, 10)) == (255, 0, 0)


def test_a_conditional_request_for_a_screenshot_reads_no_picture_bytes(app, client, published_app,
                                                                         count_queries):
    first = client.get(f"/apps/{published_app}/screenshot?size=small")
    assert first.status_code == 200 and first.headers["ETag"].endswith('-small"')
    with count_queries() as statements:
        again = client.get(f"/apps/{published_app}/screenshot?size=small",
                           headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    picture_bytes = re.compile(r"showcase_screenshots\.(thumbnail|content)\b")
    assert statements and not any(picture_bytes.search(sql) for sql in statements), statements
