"""Rate limits of the write API: per token, and per client address for failed authentication; past
either, 429 in JSON with Retry-After. The limits are read from the configuration at each request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.write_api.conftest import Api, make_token


@pytest.fixture
def limits(app) -> Iterator[dict]:
    saved = {name: app.config[name] for name in ("WRITE_API_RATE_LIMIT", "WRITE_API_AUTH_FAILURE_RATE_LIMIT")}
    yield app.config
    app.config.update(saved)


def test_each_token_has_its_own_limit(app, staff, published_case, limits):
    limits["WRITE_API_RATE_LIMIT"] = "3 per minute"
    first = Api(app.test_client(), make_token(app, staff))
    second = Api(app.test_client(), make_token(app, staff))
    answers = [first.get("/api/v1/me").status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    limited = first.patch(f"/api/v1/cases/{published_case}", {"title_en": "x", "reason": "x"})
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert second.get("/api/v1/me").status_code == 200


def test_failed_authentication_is_limited_per_address_and_a_good_token_still_works(app, staff, limits):
    limits["WRITE_API_AUTH_FAILURE_RATE_LIMIT"] = "2 per minute"
    guesser = Api(app.test_client(), "civ_guess")
    assert [guesser.get("/api/v1/me").status_code for _ in range(2)] == [401, 401]
    limited = guesser.get("/api/v1/me")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert Api(app.test_client()).get("/api/v1/me").status_code == 429
    # A usable token from the same address is not held back by someone else's guesses.
    assert Api(app.test_client(), make_token(app, staff)).get("/api/v1/me").status_code == 200


def test_refusals_after_authentication_do_not_count_as_failures(app, staff, published_case, limits):
    limits["WRITE_API_AUTH_FAILURE_RATE_LIMIT"] = "1 per minute"
    api = Api(app.test_client(), make_token(app, staff, scopes=("feedback:answer",)))
    for _ in range(3):
        assert api.patch(f"/api/v1/cases/{published_case}", {"title_en": "x"}).status_code == 403
    assert Api(app.test_client(), "civ_guess").get("/api/v1/me").status_code == 401
