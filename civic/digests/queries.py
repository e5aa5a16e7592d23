"""What goes into the digests: for many followers at once, the public events, open answer deadlines
and workshop sign-up deadlines of the cases they follow, grouped per person and per case.

Reads only, and a fixed number of queries whatever the number of followers: the events come from
the public event log (civic.notifications.events), never from guesses over other tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.feedback.models import OPEN_STATUSES, Comment, Feedback
from civic.notifications import events
from civic.notifications.models import Event, EventName
from civic.notifications.reasons import MailReason
from civic.workshops.models import Workshop, WorkshopStatus

# What a digest tells of each case, by the event that tells it.
NEWS = {
    EventName.answer_published: "answers",
    EventName.comment_posted: "comments",
    EventName.feedback_overdue: "overdue",
}
# Each list of a case shows this many; the rest are counted, and the case page has them all.
ITEMS_SHOWN = 10


@dataclass(frozen=True)
class Due:
    """One subscription whose digest is due: what it follows, since when, and whom it mails."""

    subscription_id: int
    user_id: int
    case_id: int | None
    agency_id: int | None
    since: datetime
    unsubscribe_token: str
    email: str
    locale: str


@dataclass
class CaseNews:
    """What happened on one case in a digest's period, and what falls due in the next."""

    case_id: int
    slug: str
    title_zh: str
    title_en: str
    # The subscription to the case itself, when the person follows it directly.
    unsubscribe_token: str | None = None
    # The followed agency that brought the case (its code and names), when the person does not
    # follow the case itself.
    agency_id: int | None = None
    agency: dict[str, str] | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    workshops: list[dict[str, Any]] = field(default_factory=list)
    latest: datetime | None = None

    @property
    def has_news(self) -> bool:
        return bool(self.answers or self.comments or self.overdue)

    @property
    def is_empty(self) -> bool:
        return not (self.has_news or self.deadlines or self.workshops)


@dataclass
class PersonDigest:
    """One person's digest: the cases with something to tell, and the agencies they follow."""

    user_id: int
    email: str
    locale: str
    since: datetime
    until: datetime
    cases: list[CaseNews]
    agencies: list[dict[str, Any]]

    @property
    def has_news(self) -> bool:
        """Something happened: an answer, a comment, an item gone overdue. Deadlines alone are no news."""
        return any(case.has_news for case in self.cases)

    @property
    def reason(self) -> MailReason:
        """Why the person gets the mail: a case they follow themselves, else only agencies they follow."""
        if any(case.unsubscribe_token for case in self.cases if case.has_news):
            return MailReason.following_case
        return MailReason.following_agency


def _cases(session: Session, criterion) -> dict[int, tuple]:
    rows = session.execute(select(Case.id, Case.slug, Case.title_zh, Case.title_en, Case.agency_id)
                           .where(Case.is_published, criterion))
    return {row.id: row for row in rows}


def gather(session: Session, dues: list[Due], *, until: datetime, now: datetime, ahead_until: datetime
           ) -> list[PersonDigest]:
    """Each person's digest from their due subscriptions: what happened from each subscription's
    ``since`` to ``until``, and the open items and workshop sign-ups of the followed cases that fall
    due from ``now`` to ``ahead_until``.

    A case appears once per person, however it is followed (itself, its agency, or both); an agency
    follow brings its published cases and the items the agency answers; a person's own comments are
    no news to them; comments hidden or deleted since are left out. Published cases only.
    """
    if not dues:
        return []
    followed_cases = {due.case_id for due in dues if due.case_id is not None}
    followed_agencies = {due.agency_id for due in dues if due.agency_id is not None}
    cases = _cases(session, or_(Case.id.in_(followed_cases), Case.agency_id.in_(followed_agencies)))
    cases_of_agency: dict[int, set[int]] = defaultdict(set)
    for case in cases.values():
        if case.agency_id in followed_agencies:
            cases_of_agency[case.agency_id].add(case.id)

    found = events.list_since(session, min(due.since for due in dues), until, case_ids=set(cases),
                              agency_ids=followed_agencies, names={str(name) for name in NEWS})
    # An agency also answers items on other agencies' cases, forwarded to it.
    elsewhere = {event.case_id for event in found if event.case_id is not None} - cases.keys()
    if elsewhere:
        cases.update(_cases(session, Case.id.in_(elsewhere)))
    # What each followed case and agency brings: an agency, the events about it and about its cases.
    by_case: dict[int, list[Event]] = defaultdict(list)
    by_agency: dict[int, list[Event]] = defaultdict(list)
    for event in found:
        if event.case_id not in cases:
            continue
        by_case[event.case_id].append(event)
        for agency_id in {event.agency_id, cases[event.case_id].agency_id} & followed_agencies:
            by_agency[agency_id].append(event)

    comment_ids = [event.payload.get("comment_id") for event in found if event.name == EventName.comment_posted]
    shown_comments = dict(session.execute(
        select(Comment.id, Comment.author_id)
        .where(Comment.id.in_(comment_ids), Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))
    ).all()) if comment_ids else {}

    watched = set(followed_cases & cases.keys()) | {case_id for ids in cases_of_agency.values() for case_id in ids}
    deadlines: dict[int, list[dict]] = defaultdict(list)
    workshops: dict[int, list[dict]] = defaultdict(list)
    if watched:
        for row in session.execute(
                select(Feedback.case_id, Feedback.tracking_number, Feedback.due_at)
                .where(Feedback.case_id.in_(watched), Feedback.status.in_(OPEN_STATUSES),
                       Feedback.due_at >= now, Feedback.due_at < ahead_until)
                .order_by(Feedback.due_at, Feedback.id)):
            deadlines[row.case_id].append({"tracking_number": row.tracking_number, "due_at": row.due_at.isoformat()})
        for row in session.execute(
                select(Workshop.id, Workshop.case_id, Workshop.title, Workshop.signup_deadline_at)
                .where(Workshop.case_id.in_(watched), Workshop.status == WorkshopStatus.scheduled,
                       Workshop.signup_deadline_at >= now, Workshop.signup_deadline_at < ahead_until,
                       Workshop.starts_at > now)
                .order_by(Workshop.signup_deadline_at, Workshop.id)):
            workshops[row.case_id].append({"id": row.id, "title": row.title,
                                           "signup_deadline_at": row.signup_deadline_at.isoformat()})

    agencies = {row.id: row for row in session.execute(
        select(Agency.id, Agency.code, Agency.name_zh, Agency.name_en).where(Agency.id.in_(followed_agencies))
    )} if followed_agencies else {}

    people: dict[int, list[Due]] = defaultdict(list)
    for due in dues:
        people[due.user_id].append(due)
    return [_digest(subscriptions, cases=cases, cases_of_agency=cases_of_agency, by_case=by_case,
                    by_agency=by_agency, shown_comments=shown_comments, deadlines=deadlines, workshops=workshops,
                    agencies=agencies, until=until)
            for subscriptions in people.values()]


def _digest(subscriptions: list[Due], *, cases, cases_of_agency, by_case, by_agency, shown_comments, deadlines,
            workshops, agencies, until: datetime) -> PersonDigest:
    """One person's digest, from the rows ``gather`` read for everyone; no queries."""
    person = subscriptions[0]
    groups: dict[int, CaseNews] = {}
    told: set[int] = set()

    def group(case_id: int) -> CaseNews:
        if case_id not in groups:
            case = cases[case_id]
            groups[case_id] = CaseNews(case.id, case.slug, case.title_zh, case.title_en,
                                       deadlines=deadlines.get(case_id, []), workshops=workshops.get(case_id, []))
        return groups[case_id]

    for due in subscriptions:
        if due.case_id is not None:
            if due.case_id in cases:
                group(due.case_id).unsubscribe_token = due.unsubscribe_token
            happened = by_case.get(due.case_id, [])
        else:
            # Of an agency's many cases, those with something coming; its events bring the others.
            for case_id in (deadlines.keys() | workshops.keys()) & cases_of_agency.get(due.agency_id, set()):
                news = group(case_id)
                if news.agency_id is None:
                    news.agency_id = due.agency_id
            happened = by_agency.get(due.agency_id, [])
        for event in happened:
            if event.id in told or event.occurred_at < due.since:
                continue
            told.add(event.id)
            item = _item(event, person.user_id, shown_comments)
            if item is None:
                continue
            news = group(event.case_id)
            if news.unsubscribe_token is None and news.agency_id is None:
                news.agency_id = due.agency_id
            items = getattr(news, NEWS[EventName(event.name)])
            # An item answered again after its author's follow-up is listed once.
            if item not in items:
                items.append(item)
            news.latest = max(news.latest or event.occurred_at, event.occurred_at)

    shown = [news for news in groups.values() if not news.is_empty]
    # The busiest news first: the latest event first, then the cases with only deadlines, by name.
    shown.sort(key=lambda news: (news.latest is None, -(news.latest.timestamp() if news.latest else 0),
                                 news.slug))
    for news in shown:
        if news.unsubscribe_token is None and news.agency_id in agencies:
            news.agency = _names(agencies[news.agency_id])
    followed_agencies = [{**_names(agencies[due.agency_id]), "unsubscribe_token": due.unsubscribe_token}
                         for due in subscriptions if due.agency_id in agencies]
    return PersonDigest(user_id=person.user_id, email=person.email, locale=person.locale,
                        since=min(due.since for due in subscriptions), until=until, cases=shown,
                        agencies=followed_agencies)


def _item(event: Event, user_id: int, shown_comments: dict[int, int | None]) -> dict[str, Any] | None:
    """What the digest says of one event: public data from its payload; None for a comment that
    is no longer shown, or that the person wrote themselves."""
    payload = event.payload or {}
    if event.name == EventName.comment_posted:
        comment_id = payload.get("comment_id")
        if comment_id not in shown_comments or shown_comments[comment_id] == user_id:
            return None
        return {"comment_id": comment_id, "tracking_number": payload.get("tracking_number")}
    return {"tracking_number": payload.get("tracking_number")}


def _names(agency) -> dict[str, str]:
    return {"code": agency.code, "name_zh": agency.name_zh, "name_en": agency.name_en}


def case_context(news: CaseNews) -> dict[str, Any]:
    """One case of a digest as its mail shows it: each list cut at ITEMS_SHOWN, with how many more."""
    context: dict[str, Any] = {"slug": news.slug, "title_zh": news.title_zh, "title_en": news.title_en,
                               "unsubscribe_token": news.unsubscribe_token, "agency": news.agency}
    for name in ("answers", "comments", "overdue", "deadlines", "workshops"):
        items = getattr(news, name)
        context[name] = items[:ITEMS_SHOWN]
        context[f"{name}_more"] = max(len(items) - ITEMS_SHOWN, 0)
    return context
