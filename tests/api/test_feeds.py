"""Atom feeds: well-formed, valid Atom 1.0 (RFC 4287) for every case, one case and one agency."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree

import pytest

from tests.api.conftest import DEMO_AGENCY, DEMO_CASE, get_json

ATOM = "{http://www.w3.org/2005/Atom}"


def _check_atom(text: str) -> ElementTree.Element:
    """The RFC 4287 rules a feed reader relies on; returns the feed element."""
    feed = ElementTree.fromstring(text.encode())  # noqa: S314 - our own feed, in a test
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert [link.get("rel") for link in feed.findall(f"{ATOM}link")].count("self") == 1
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        # RFC 4287: an entry without content links to it; a link without rel is rel="alternate".
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert entry.find(f"{ATOM}content") is not None or alternates
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids))
    return feed


@pytest.mark.parametrize("path", ["/feeds/cases.atom", f"/feeds/cases/{DEMO_CASE}.atom",
                                  f"/feeds/agencies/{DEMO_AGENCY}.atom"])
def test_every_feed_is_valid_atom(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = _check_atom(response.get_data(as_text=True))
    assert feed.findall(f"{ATOM}entry")


def test_the_case_feed_tells_of_changes_new_meetings_and_answers(client):
    feed = _check_atom(client.get(f"/feeds/cases/{DEMO_CASE}.atom?lang=en").get_data(as_text=True))
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert any("Meeting added" in title for title in titles)
    answers = [entry for entry in feed.findall(f"{ATOM}entry") if "/feedback/" in entry.findtext(f"{ATOM}id")]
    assert answers and answers[0].find(f"{ATOM}content").get("type") == "html"


def test_the_feed_of_all_cases_lists_the_latest_changed_first(client):
    feed = _check_atom(client.get("/feeds/cases.atom").get_data(as_text=True))
    stamps = [datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) for entry in feed.findall(f"{ATOM}entry")]
    assert stamps == sorted(stamps, reverse=True)
    latest = get_json(client, "/api/v1/cases?limit=500")["data"][-1]
    assert feed.find(f"{ATOM}entry/{ATOM}id").text == latest["url"]


def test_feeds_of_unknown_cases_and_agencies_are_not_found(client):
    assert client.get("/feeds/cases/no-such-case.atom").status_code == 404
    assert client.get("/feeds/agencies/ZZZ.atom").status_code == 404
