"""Redis holds the rate-limit counters and the shared page copies of a multi-process site. When
it goes away, nothing a person does fails: limits count per process, copies are skipped, and
/healthz says "degraded" for monitoring.
"""

from __future__ import annotations

from flask_migrate import upgrade

from civic.extensions import db
from tests.conftest import make_app
from tests.support import PASSWORD, csrf_token, free_port, post_form, redis_url_or_skip

PAGES = ["/", "/cases", "/agencies", "/workshops", "/pledges", "/api/v1/cases", "/api/v1/agencies",
         "/feeds/cases.atom", "/login", "/register"]


def _app(tmp_path, smtp_server, redis_url: str):
    application = make_app(f"sqlite:///{tmp_path / 'civic.sqlite3'}", smtp_server.port,
                           RATELIMIT_STORAGE_URI=redis_url, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url,
                           PAGE_CACHE_SECONDS=60, TESTING=False)
    with application.app_context():
        upgrade()
    return application


def test_with_redis_gone_every_page_answers_and_sign_in_works(tmp_path, smtp_server):
    application = _app(tmp_path, smtp_server, f"redis://127.0.0.1:{free_port()}/0")
    client = application.test_client()
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    response = post_form(client, "/register", {"name": "林小明", "email": "new@example.tw", "password": PASSWORD,
                                               "password_confirm": PASSWORD})
    assert response.status_code == 200
    # A wrong sign-in is still refused by the rules, not by a failure.
    response = client.post("/login", data={"email": "new@example.tw", "password": "wrong password here",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json == {"status": "degraded", "database": "ok", "rate_limits": "degraded",
                           "page_cache": "degraded"}
    with application.app_context():
        db.engine.dispose()


def test_with_redis_there_healthz_says_ok(tmp_path, smtp_server):
    application = _app(tmp_path, smtp_server, redis_url_or_skip())
    health = application.test_client().get("/healthz")
    assert health.json == {"status": "ok", "database": "ok", "rate_limits": "ok", "page_cache": "ok"}
    with application.app_context():
        db.engine.dispose()
