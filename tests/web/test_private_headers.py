"""Headers that keep signed-in pages private and tell clients what an address accepts."""

from __future__ import annotations

import pytest

from civic.web.security import SAME_FOR_EVERYONE
from tests.support import login


def _plain_get_paths(app):
    """Every page without arguments, but the files that are the same for everyone (the stylesheet,
    the favicon), which stay cacheable."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SAME_FOR_EVERYONE and "GET" in (rule.methods or ()) and not rule.arguments:
            yield rule.rule


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator", "admin"])
def test_every_page_to_a_signed_in_person_says_no_store(app, client, request, role):
    login(client, request.getfixturevalue(role))
    missing = []
    for path in _plain_get_paths(app):
        response = client.get(path)
        response.close()  # a streamed download holds its request context until it is closed
        if response.headers.get("Cache-Control") != "no-store":
            missing.append(f"{path} {response.status_code} {response.headers.get('Cache-Control')}")
    assert missing == []


def test_pages_to_anonymous_visitors_may_be_kept(app, client):
    response = client.get("/cases")
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/static/css/civic.css", "/favicon.ico"])
def test_static_files_stay_cacheable_when_signed_in(app, client, citizen, path):
    login(client, citizen)
    response = client.get(path)
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_wrong_method_names_the_methods_the_address_takes(app, client):
    response = client.delete("/cases")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    response = client.put("/api/v1/cases")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.json["error"]["code"] == "method_not_allowed"
