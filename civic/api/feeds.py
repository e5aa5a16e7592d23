"""Atom feeds for feed readers and bots: every case, one case (its changes, new meetings and
official answers), one agency (its cases and answers). Built with feedgen; read-only, public.

A workshop calendar (/workshops.ics) belongs with the workshops (#8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from civic.api import queries
from civic.api.params import CODE_PATTERN, SLUG_PATTERN
from civic.api.responses import document_response
from civic.api.spec import Operation, PathParameter, operation
from civic.api.views import rate_limit
from civic.cases import changes
from civic.cases import queries as case_queries
from civic.cases.models import Case
from civic.core.text import CONTROL_CHARACTERS
from civic.core.time import utcnow
from civic.extensions import db, limiter
from civic.feedback.models import Response as Answer
from civic.web.access import public
from civic.web.locale import html_lang

ATOM = "application/atom+xml"
FEED = {"type": "string", "description": "An Atom 1.0 feed (RFC 4287)."}

feeds_bp = Blueprint("feeds", __name__)
limiter.limit(rate_limit)(feeds_bp)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    summary: str = ""
    html: str = ""


def _locale() -> str:
    return str(get_locale())


def _atom(*, title: str, self_url: str, page_url: str, entries: list[Entry], fallback: datetime) -> Response:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.author({"name": _("Procurement Integrity Platforms · Public Participation")})
    feed.link(href=self_url, rel="self", type=ATOM)
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.language(html_lang(_locale()))
    entries = sorted(entries, key=lambda entry: entry.updated, reverse=True)[:queries.FEED_SIZE]
    feed.updated(entries[0].updated if entries else fallback)
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.updated(item.updated)
        entry.link(href=item.link, rel="alternate", type="text/html")
        if item.html:
            entry.content(item.html, type="html")
        elif item.summary:
            entry.summary(item.summary)
    return document_response(feed.atom_str(pretty=True), ATOM)


def _case_entry(case: Case) -> Entry:
    url = url_for("case_page.detail", slug=case.slug, _external=True)
    return Entry(id=url, title=case.title(_locale()), updated=case.updated_at, link=url,
                 summary=case.summary(_locale()))


def _answer_entry(answer: Answer) -> Entry:
    url = url_for("feedback.status", tracking_number=answer.feedback.tracking_number, _external=True)
    title = _("Official answer from %(agency)s: %(case)s", agency=answer.agency.name(_locale()),
              case=answer.feedback.case.title(_locale()))
    return Entry(id=url, title=title, updated=answer.created_at, link=url, html=answer.body_html)


def _shorten(text: str, size: int = 200) -> str:
    text = CONTROL_CHARACTERS.sub("", text)
    return text if len(text) <= size else text[:size - 1] + "…"


def _history_entry(case: Case, change: changes.Change) -> Entry:
    """One change of the record: what changed, before and after, and why."""
    url = url_for("cases.change", slug=case.slug, seq=change.entry.seq, _external=True)
    lines = [_("%(key)s: %(value)s", key=field.label,
               value=f"{_shorten(field.before or '—')} → {_shorten(field.after or '—')}")
             for field in change.fields]
    if change.entry.reason:
        lines.insert(0, _("Reason: %(reason)s", reason=_shorten(change.entry.reason, 1000)))
    title = change.title if not change.part_name else _("%(key)s: %(value)s", key=change.title,
                                                         value=_shorten(change.part_name, 100))
    return Entry(id=url, title=_("%(case)s: %(change)s", case=case.title(_locale()), change=title),
                 updated=change.entry.at, link=url, summary="\n".join(lines))


@feeds_bp.get("/feeds/cases.atom")
@public
@operation(Operation(summary=_l("Atom feed of the published cases, the latest changed first"), tag="feeds",
                     response=FEED, media_type=ATOM))
def cases():
    """The published cases that changed last."""
    entries = [_case_entry(case) for case in queries.latest_cases(db.session)]
    return _atom(title=_("Integrity platform cases"), self_url=url_for("feeds.cases", _external=True),
                 page_url=url_for("case_list.index", _external=True), entries=entries, fallback=utcnow())


@feeds_bp.get("/feeds/cases/<slug>.atom")
@public
@operation(Operation(summary=_l("Atom feed of one case: its changes, new meetings and official answers"),
                     tag="feeds", response=FEED, media_type=ATOM,
                     path={"slug": PathParameter("The case's slug.", SLUG_PATTERN)}))
def case(slug: str):
    """One published case's history and the agencies' answers on it."""
    found = queries.get_published_case(db.session, slug) if re.fullmatch(SLUG_PATTERN, slug) else None
    if found is None:
        abort(404)
    latest = case_queries.list_latest_history(db.session, found, queries.FEED_SIZE)
    entries = [_history_entry(found, change) for change in changes.read(db.session, found, latest, _locale())]
    entries += [_answer_entry(answer) for answer in queries.latest_answers(db.session, case_id=found.id)]
    return _atom(title=found.title(_locale()), self_url=url_for("feeds.case", slug=slug, _external=True),
                 page_url=url_for("case_page.detail", slug=slug, _external=True), entries=entries,
                 fallback=found.updated_at)


@feeds_bp.get("/feeds/agencies/<code>.atom")
@public
@operation(Operation(summary=_l("Atom feed of one agency: its cases and its official answers"), tag="feeds",
                     response=FEED, media_type=ATOM,
                     path={"code": PathParameter("The agency's code (機關代碼).", CODE_PATTERN)}))
def agency(code: str):
    """One active agency's cases and its answers to the public."""
    found = queries.get_agency(db.session, code) if re.fullmatch(CODE_PATTERN, code) else None
    if found is None or not found.is_active:
        abort(404)
    entries = [_case_entry(case) for case in queries.latest_cases(db.session, agency_id=found.id)]
    entries += [_answer_entry(answer) for answer in queries.latest_answers(db.session, agency_id=found.id)]
    return _atom(title=found.name(_locale()), self_url=url_for("feeds.agency", code=code, _external=True),
                 page_url=url_for("agencies.detail", code=code, _external=True), entries=entries,
                 fallback=found.updated_at)
