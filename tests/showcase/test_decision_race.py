"""Two moderators deciding on the same app at the same moment, on PostgreSQL with real commits: each
request's UPDATE is held until both have reached it, so both have read the app as waiting; exactly one
decision is made, audited and mailed, and the other is refused.

No ``app`` fixture here: its rolled-back transaction would hide what each request commits.
"""

from __future__ import annotations

import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, select

from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.notifications.models import OutboxMessage
from civic.showcase import screenshots, services
from civic.showcase.models import AppStatus, ShowcaseApp
from tests.conftest import fresh_postgres_database, make_account, make_app, postgres_admin_url
from tests.showcase.conftest import DOCUMENTED, png
from tests.support import signed_in

REASON = "截圖與網址內容不符。"
_VERSION = re.compile(r'name="version" value="(\d+)"')
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def committed_app(smtp_server):
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_postgres_database(admin) as url:
        application = make_app(url, smtp_server.port, RATELIMIT_ENABLED=False)
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _submitted(application, maker, name: str) -> int:
    with application.test_request_context():
        made = services.submit_app(
            db.session, services.AppInput(name=name, summary="一句話說明", link="https://example.org/",
                                          licence="MIT", endpoints=["/api/v1/cases"]),
            screenshots.clean(png()), actor=db.session.get(User, maker.id), documented=DOCUMENTED,
            today=date(2026, 12, 6))
        db.session.commit()
        return made.id


def _held_updates(application, parties: int = 2):
    """Hold every UPDATE of an app until ``parties`` requests have reached one."""
    barrier = threading.Barrier(parties, timeout=10)

    def hold(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE SHOWCASE_APPS"):
            # The other request may never come (refused earlier): then go on alone.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    with application.app_context():
        engine = db.engine
    return engine, hold


@pytest.mark.parametrize("second", ["reject", "approve"])
def test_of_two_decisions_at_once_exactly_one_is_made_and_mailed(committed_app, second):
    maker = make_account(committed_app, "maker@example.org", role="citizen")
    deciders = [signed_in(committed_app, make_account(committed_app, "mod@example.org", role="moderator")),
                signed_in(committed_app, make_account(committed_app, "admin@example.org", role="admin"))]
    app_id = _submitted(committed_app, maker, "同時審核的應用程式")
    forms = []
    for client in deciders:
        page = client.get(f"/admin/apps/{app_id}").get_data(as_text=True)
        forms.append({"csrf_token": _CSRF.search(page).group(1), "version": _VERSION.search(page).group(1)})

    def post(index: int, verb: str):
        return deciders[index].post(f"/admin/apps/{app_id}/{verb}", data={**forms[index], "reason": REASON})

    engine, hold = _held_updates(committed_app)
    event.listen(engine, "before_cursor_execute", hold)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first, other = pool.submit(post, 0, "approve"), pool.submit(post, 1, second)
            responses = [first.result(timeout=60), other.result(timeout=60)]
    finally:
        event.remove(engine, "before_cursor_execute", hold)

    made = [response for response in responses
            if response.status_code == 302 and response.headers["Location"].rstrip("/").endswith("/admin/apps")]
    assert len(made) == 1, [(response.status_code, response.headers.get("Location")) for response in responses]
    with committed_app.app_context():
        status = db.session.scalar(select(ShowcaseApp.status).where(ShowcaseApp.id == app_id))
        decisions = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_type == "showcase_app", AuditEntry.target_id == str(app_id),
            AuditEntry.action != "showcase_app.submitted")))
        mails = list(db.session.scalars(select(OutboxMessage.event).where(OutboxMessage.to_address == maker.email)))
    assert status in (AppStatus.published, AppStatus.rejected)
    assert decisions == [{"published": "showcase_app.published", "rejected": "showcase_app.rejected"}[status]]
    assert mails == [{"published": "showcase.app_published", "rejected": "showcase.app_rejected"}[status]]
