"""The OpenAPI document describes every address of the API and the feeds; the page explains them."""

from __future__ import annotations

import pytest

from tests.api.conftest import get_json

OPEN_PREFIXES = ("/api/v1/", "/feeds/")


def test_the_document_describes_every_open_data_address(app, client):
    document = get_json(client, "/api/v1/openapi.json")
    assert document["openapi"] == "3.1.0"
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith(OPEN_PREFIXES)}
    documented = {path.replace("{", "<").replace("}", ">") for path in document["paths"]}
    assert documented == routes
    for path, item in document["paths"].items():
        # Reads are GET; the write API adds PATCH, POST and DELETE, each needing a token.
        assert set(item) <= {"get", "patch", "post", "delete"}, path
        for method, described in item.items():
            assert described["summary"] and {"200", "201", "204"} & set(described["responses"]), (path, method)
            assert method == "get" or described["security"], (path, method)
    assert document["components"]["schemas"]["Case"]["additionalProperties"] is False
    assert "email" not in str(document["components"]["schemas"]).lower()


@pytest.mark.parametrize(("lang", "heading"), [("en", "Open data API"), ("zh_Hant_TW", None)])
def test_the_page_explains_the_api_with_every_address(client, lang, heading):
    response = client.get(f"/api?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for path in get_json(client, "/api/v1/openapi.json")["paths"]:
        assert f"<code class=\"civic-hash\">{path}</code>" in page
    if heading:
        assert f"<h1 class=\"govuk-heading-xl\">{heading}</h1>" in page
    assert "curl " in page and "updated_since" in page
