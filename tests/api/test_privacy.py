"""Public data never carries personal data or internal matters: walk every address and every file."""

from __future__ import annotations

import gzip

from flask import Flask
from werkzeug.routing import Rule

from civic.api.spec import operations
from tests.api.conftest import DEMO_AGENCY, DEMO_CASE, EMAIL, PHONE, Seeded


def _paths(app: Flask, seeded: Seeded) -> list[str]:
    """Every documented address, with real identifiers, plus the page for people."""
    values = {"slug": DEMO_CASE, "code": DEMO_AGENCY, "tracking_number": seeded.tracking_number,
              "workshop_id": seeded.workshop_id}
    paths = ["/api"]
    for rule, definition in operations(app):
        if definition.bearer or definition.scope:
            continue  # the write API: a token's holder reads only their own answers (tests/write_api)
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        paths.append(path + ("?limit=500" if _is_list(rule) else ""))
    return paths


def _is_list(rule: Rule) -> bool:
    return rule.endpoint in {"api.cases", "api.comments", "api.feedback_items", "api.agencies", "api.workshops",
                             "api.pledges", "api.pledge_texts"}


def test_no_address_or_file_shows_personal_data_or_internal_matters(app, client, seeded):
    paths = _paths(app, seeded)
    assert len(paths) >= 24
    assert {"/api/v1/workshops?limit=500", f"/api/v1/workshops/{seeded.workshop_id}", "/api/v1/pledges?limit=500",
            "/api/v1/export/workshops.csv", "/api/v1/export/workshops.jsonl", "/api/v1/export/pledges.csv",
            "/api/v1/export/pledges.jsonl"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        data = response.get_data()
        text = (gzip.decompress(data) if response.mimetype == "application/gzip" else data).decode()
        if _is_list(app.url_map.bind("localhost").match(path.split("?")[0], return_rule=True)[0]):
            assert response.get_json()["next"] is None, path
        for secret in seeded.secrets:
            assert secret not in text, (path, secret)
        assert EMAIL.search(text) is None, (path, EMAIL.search(text))
        assert PHONE.search(text) is None, (path, PHONE.search(text))
