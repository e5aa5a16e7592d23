"""Bad input never reaches the database: every route, with every kind of hostile value, answers 4xx.

The sweep is generated from the URL map, so a new route is covered the day it is added.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.support import login

# What an attacker or a broken client sends where the application expects something sensible.
BAD_PATH_VALUES = {
    "int": ["2147483648", "99999999999999999999999", "%D9%A3"],
    "default": ["a%00b", "%00"],
    "path": ["a%00b"],
}
BAD_QUERIES = [
    "page=%C2%B2", "page=%D9%A3", "page=99999999999999999999", "page=-1", "page=%00",
    "comments=99999999999999999999", "q=%00", "q=a%00b", "since=0001-01-01", "updated_since=0001-01-01",
    "updated_since=9999-12-31T23:59:59", "from=0001-01-01", "to=9999-12-31", "year=0", "year=99999999999999999999",
    "period=%00", "sort=%00", "lang=%00", "agency=%00", "sector=%00", "status=%00",
]
SKIP = {"static"}


def _fill(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda match: values.get(match.group(2), "x"), rule)


def _rules(app: Flask, method: str):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or method not in (rule.methods or ()):
            continue
        yield rule


def _paths(app: Flask):
    """Each GET route once with ordinary values and once per hostile value of each argument."""
    for rule in _rules(app, "GET"):
        ordinary = {name: ("1" if type(converter).__name__ == "IntegerConverter" else "x")
                    for name, converter in rule._converters.items()}
        yield _fill(rule.rule, ordinary)
        for name, converter in rule._converters.items():
            kind = {"IntegerConverter": "int", "PathConverter": "path"}.get(type(converter).__name__, "default")
            for bad in BAD_PATH_VALUES[kind]:
                yield _fill(rule.rule, {**ordinary, name: bad})


def _sweep(client, app: Flask) -> list[str]:
    failures = []
    for path in _paths(app):
        for query in ["", *BAD_QUERIES] if "%" not in path else [""]:
            url = f"{path}?{query}" if query else path
            try:
                response = client.get(url)
                response.close()  # a file sent (the favicon, a download) stays open until closed
                status = response.status_code
            except Exception as error:  # the test mode raises what a server answers 500 to
                status = f"{type(error).__name__}: {str(error)[:80]}"
            if not isinstance(status, int) or status >= 500:
                failures.append(f"GET {url} → {status}")
    return failures


def test_no_route_answers_500_to_hostile_paths_or_queries_anonymously(app, client):
    assert _sweep(client, app) == []


def test_no_route_answers_500_to_hostile_paths_or_queries_for_an_admin(app, client, admin):
    login(client, admin)
    assert _sweep(client, app) == []


@pytest.mark.parametrize("field_value", ["a\x00b"])
def test_a_nul_byte_in_a_form_or_json_body_is_refused_before_anything_runs(app, client, citizen, field_value):
    login(client, citizen)
    for rule in _rules(app, "POST"):
        url = _fill(rule.rule, {name: "1" for name in rule._converters})
        response = client.post(url, data={"body": field_value, "name": field_value})
        assert response.status_code == 400, url
        response = client.post(url, json={"body": field_value})
        assert response.status_code == 400, url


def test_an_id_beyond_any_column_is_not_a_page(app, client):
    assert client.get("/workshops/2147483647").status_code == 404
    assert client.get("/workshops/2147483648").status_code == 404
    # Arabic-Indic three is a digit to Python but no id of ours.
    assert client.get("/workshops/%D9%A3").status_code == 404


@pytest.mark.parametrize("page", ["%C2%B2", "%D9%A3", "100001", "99999999999999999999", "0"])
def test_a_page_number_that_is_not_one_is_refused_not_guessed(app, client, page):
    assert client.get(f"/workshops?page={page}").status_code in (400, 404)


def test_a_day_outside_1900_to_2100_is_explained_in_the_readers_language(app, client, admin):
    response = client.get("/search?q=水庫&since=2024-02-30")
    assert response.status_code == 400
    assert "請輸入正確的日期" in response.get_data(as_text=True)
    login(client, admin)
    response = client.get("/admin/audit?since=0001-01-01")
    assert response.status_code == 400
    assert "請輸入 1900 年至 2100 年之間的日期。" in response.get_data(as_text=True)
