"""The write API in the OpenAPI document and on the /api page: every write named with its method, the
token it needs, its body with an example in each language, and the Idempotency-Key of a POST."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

WRITES = {"patch", "post", "delete"}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def operations(document):
    return [(path, method, described) for path, item in document["paths"].items() for method, described in item.items()
            if described.get("security")]


def test_every_write_says_what_token_it_needs(document):
    found = operations(document)
    assert len(found) == 33
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerToken"][
            "description"]}
    for path, method, described in found:
        [requirement] = described["security"]
        scopes = requirement["bearerToken"]
        if path == "/api/v1/me":
            assert (method, scopes) == ("get", [])
            continue
        assert method in WRITES and len(scopes) == 1, path
        assert f"Needs a token with the scope {scopes[0]}." in described["description"]
        assert {"401", "403", "429"} <= set(described["responses"])
        assert "WWW-Authenticate" in described["responses"]["401"]["headers"]


def test_every_body_has_an_example_in_each_language_that_its_schema_accepts(document):
    for path, method, described in operations(document):
        if "requestBody" not in described:
            assert method == "get", path
            continue
        content = described["requestBody"]["content"]["application/json"]
        assert set(content["examples"]) == {"zh", "en"}, path
        name = content["schema"]["$ref"].rsplit("/", 1)[1]
        schema = _inline(document["components"]["schemas"][name], document)
        for example in content["examples"].values():
            Draft202012Validator(schema).validate(example["value"])
        zh, en = (content["examples"][language]["value"] for language in ("zh", "en"))
        assert re.search(r"[\u4e00-\u9fff]", str(zh)), path
        assert zh != en, path


def _inline(schema, document):
    """Resolve the document's $refs for the validator."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], document)
        return {key: _inline(value, document) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, document) for item in schema]
    return schema


def test_every_write_may_answer_409(document):
    """A POST's key may be in use by a request still being made, and any change may meet another made at
    the same moment at a unique constraint."""
    for path, method, described in operations(document):
        if method in WRITES:
            assert "409" in described["responses"], (method, path)


def test_every_post_needs_an_idempotency_key_and_says_how_it_replays(document):
    for path, method, described in operations(document):
        names = {parameter["name"] for parameter in described["parameters"] if parameter["in"] == "header"}
        assert ("Idempotency-Key" in names) == (method == "post"), path
        if method == "post":
            success = next(status for status in ("200", "201") if status in described["responses"])
            assert "Idempotent-Replayed" in described["responses"][success]["headers"]


@pytest.mark.parametrize(("lang", "heading", "words"), [
    ("en", "Writing with a token", "Every POST needs an Idempotency-Key"),
    ("zh_Hant_TW", "以權杖寫入資料", "每個 POST 都需要您自訂的 Idempotency-Key"),
])
def test_the_page_explains_writing_with_a_token_in_both_languages(client, document, lang, heading, words):
    page = client.get(f"/api?lang={lang}").get_data(as_text=True)
    assert f'<h2 class="govuk-heading-l" id="writing">{heading}</h2>' in page
    assert words in page and 'href="#writing"' in page
    for path, method, _described in operations(document):
        assert f'{method.upper()}</strong> <code class="civic-hash">{path}</code>' in page
    assert "Authorization: Bearer civ_…" in page and "Idempotency-Key: " in page
