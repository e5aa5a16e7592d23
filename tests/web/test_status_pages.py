"""The service status for people (/status), the accessibility statement, and the site's icon."""

from __future__ import annotations

import os
import re
from datetime import timedelta

from civic.api import bulk_files
from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.models import OutboxMessage, OutboxStatus
from civic.notifications.services import enqueue
from tests.conftest import make_app
from tests.support import free_port, login


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_footer_links_the_status_page_and_the_accessibility_statement(app):
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/status"' in page and 'href="/accessibility"' in page
    assert 'href="/healthz"' not in page


def test_the_status_page_says_in_words_what_works_in_both_languages(app):
    client = app.test_client()
    zh = client.get("/status")
    assert zh.status_code == 200 and zh.headers["Cache-Control"] == "no-cache"
    words = text_of(zh)
    assert "服務狀態" in words and "一切正常" in words and re.search(r"檢查時間： 民國\d+年", words)
    for part in ("資料庫", "寄出信件", "頁面快取", "流量限制", "開放資料批次檔"):
        assert part in words
    assert "目前沒有等待寄出的郵件" in words
    en = text_of(client.get("/status?lang=en"))
    assert "Service status" in en and "Everything is working." in en and "No mail is waiting to be sent." in en
    assert 'datetime="' in zh.get_data(as_text=True)


def test_the_status_page_names_no_address_or_secret(app):
    page = app.test_client().get("/status?lang=en").get_data(as_text=True)
    for secret in ("sqlite", "postgresql", "redis://", "memory://", "127.0.0.1", app.config["SECRET_KEY"] or "-"):
        assert secret not in page


def test_waiting_and_failed_mail_and_late_mail_are_told(app):
    with app.app_context():
        for number in range(2):
            enqueue(db.session, "accounts.password_changed", to=f"person{number}@example.tw", locale="en",
                    context={})
        db.session.flush()
        first = db.session.query(OutboxMessage).order_by(OutboxMessage.id).first()
        first.created_at = utcnow() - timedelta(hours=2)
        enqueue(db.session, "accounts.password_changed", to="gone@example.tw", locale="en",
                context={}).status = OutboxStatus.failed
        db.session.commit()
    words = text_of(app.test_client().get("/status?lang=en"))
    assert "2 messages are waiting to be sent; the oldest was written 2 hours ago." in words
    assert "may arrive late" in words and "1 message could not be sent and waits for an administrator." in words
    assert "The site is working, but some parts are slower or late" in words


def test_the_bulk_files_age_is_told(app, tmp_path):
    app.config["EXPORTS_DIR"] = str(tmp_path)
    try:
        client = app.test_client()
        assert "Not built yet" in text_of(client.get("/status?lang=en"))
        for file in bulk_files.FILES:
            for name in (file, f"{file}.gz"):
                (tmp_path / name).write_text("x")
                built = (utcnow() - timedelta(minutes=10)).timestamp()
                os.utime(tmp_path / name, (built, built))
        assert "Up to date: built 10 minutes ago." in text_of(client.get("/status?lang=en"))
        bulk_files.mark_stale(tmp_path)
        assert "the latest changes will be in the next build" in text_of(client.get("/status?lang=en"))
        changed = (utcnow() - timedelta(hours=1)).timestamp()
        os.utime(tmp_path / bulk_files.STALE, (changed, changed))
        words = text_of(client.get("/status?lang=en"))
        assert "changes made 1 hour ago are not in them yet" in words
    finally:
        app.config["EXPORTS_DIR"] = None


def test_the_status_page_runs_a_fixed_number_of_queries(app, count_queries):
    client = app.test_client()
    with count_queries() as queries:
        client.get("/status")
    # SELECT 1, the outbox by status, its oldest waiting message.
    assert len([query for query in queries if "SAVEPOINT" not in query]) == 3


def test_without_the_database_the_status_page_says_so_with_503(smtp_server):
    dead = make_app(f"postgresql://postgres@127.0.0.1:{free_port()}/gone", smtp_server.port,
                    SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}})
    response = dead.test_client().get("/status")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    words = text_of(response)
    assert "無法連線到資料庫" in words and "Traceback" not in words and "gone" not in words


def test_the_accessibility_statement_is_there_in_both_languages(app):
    client = app.test_client()
    zh = text_of(client.get("/accessibility"))
    assert "無障礙聲明" in zh and "WCAG" in zh and "2.2" in zh and "無障礙網頁開發規範" in zh
    en = text_of(client.get("/accessibility?lang=en"))
    for words in ("Accessibility statement", "WCAG) 2.2", "axe-core", "keyboard", "screen reader",
                  "Known limits", "Report a problem"):
        assert words in en
    app.config["ACCESSIBILITY_CONTACT"] = "a11y@example.tw"
    try:
        page = client.get("/accessibility?lang=en").get_data(as_text=True)
        assert 'href="mailto:a11y@example.tw"' in page
    finally:
        app.config["ACCESSIBILITY_CONTACT"] = ""


def test_the_favicon_is_an_icon_kept_for_a_week(app, client, citizen):
    with app.test_client().get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"
        assert "max-age=604800" in response.headers["Cache-Control"]
        assert "public" in response.headers["Cache-Control"]
    # The same for someone signed in: no personal page, so no "no-store".
    login(client, citizen)
    with client.get("/favicon.ico") as response:
        assert "max-age=604800" in response.headers["Cache-Control"]
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page
