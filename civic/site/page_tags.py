"""Which shared page copies a committed change drops: the tags of the objects a flush wrote.

The public views declare the tags of what their pages show (``@page_cache.public(tags=...)``);
this module is the other half, from a changed object to those tags:

- ``case:<slug>``: the pages of one case (its page and its history);
- ``case-record:<slug>``: the case's own record (its fields, parts and history, without what
  people add to it: comments, sign-ups, pledges), the fragment a signed-in view reuses;
- ``case-thread:<slug>``: the case's thread (comments, their items and answers), the fragment a
  visitor who is not signed in gets;
- ``case-taking-part:<slug>``: the case's workshops with their seats and its suppliers' pledges,
  so that a sign-up remakes that fragment and not the record or the thread beside it;
- ``agency:<code>``: the pages of one agency (its page, chart, figures and report cards);
- ``cases``: what lists cases or counts them (/cases, the home page, /agencies);
- ``agencies``: every page that shows agency names (nearly all of them; agencies rarely change);
- ``feedback``: the figures and latest answers (/agencies, /agencies.csv, the home page);
- ``workshops``: the upcoming workshops and their seats on the home page;
- ``commitments``: /commitments, whose measures count cases and answered feedback.

It runs during the flush, while the objects are loaded: it reads foreign-key columns rather than
relationships (most are ``lazy="raise"``), and turns ids into slugs and codes from the objects at
hand, or with one small query per kind of id when they are not. An object of a domain whose
pages are cached but that no rule below knows drops every copy (``page_cache.ALL``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import inspect, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from civic.agencies.models import Agency, AgencyRemoval
from civic.cases.models import (
    CASE_PARTS,
    MEETING_PARTS,
    Case,
    CaseContract,
    HistoryEntry,
    Meeting,
    MeetingDecision,
    MeetingStatement,
    Sector,
)
from civic.commitments.models import Commitment, CommitmentMilestone, CommitmentTarget
from civic.consultations.models import Consultation
from civic.feedback.models import (
    Comment,
    CommentRevision,
    Feedback,
    FeedbackEvent,
    FeedbackNote,
    FollowUp,
    Report,
    Response,
    Subscription,
)
from civic.pledges.models import AssessmentQuestionnaire, CompanyAssessment, Pledge, PledgeText
from civic.procurement.models import Announcement, AnnouncementCompany
from civic.web.page_cache import ALL
from civic.workshops.models import Registration, Workshop

# The domains whose data the cached pages show: an object of these no rule knows drops everything.
SHOWN_BY = ("civic.cases", "civic.feedback", "civic.agencies", "civic.workshops", "civic.pledges",
            "civic.commitments", "civic.procurement")


@dataclass
class _Change:
    """The tags a flush touches, and the ids still to be turned into tags."""

    tags: set[str] = field(default_factory=set)
    case_ids: set[int] = field(default_factory=set)
    record_ids: set[int] = field(default_factory=set)  # cases whose own record changed
    thread_ids: set[int] = field(default_factory=set)  # cases whose thread changed
    taking_part_ids: set[int] = field(default_factory=set)  # cases whose workshops or pledges changed
    agency_ids: set[int] = field(default_factory=set)
    meeting_ids: set[int] = field(default_factory=set)
    comment_ids: set[int] = field(default_factory=set)
    feedback_ids: set[int] = field(default_factory=set)
    workshop_ids: set[int] = field(default_factory=set)


def _values(obj: object, name: str) -> list:
    """The attribute's value and, when this flush changed it, the value it had (both pages change)."""
    history = inspect(obj).attrs[name].history
    values = [*history.unchanged, *history.added, *history.deleted]
    if not values:
        values = [getattr(obj, name)]  # not loaded (expired by an earlier commit): load it
    return [value for value in values if value is not None]


def _case(obj: Case, change: _Change) -> None:
    slugs = _values(obj, "slug")
    # The title and the agency show in every part of the page.
    change.tags |= {f"{tag}:{slug}" for slug in slugs
                    for tag in ("case", "case-record", "case-thread", "case-taking-part")}
    change.tags |= {"cases", "commitments"}
    change.agency_ids.update(_values(obj, "agency_id"))


def _case_part(obj: object, change: _Change) -> None:
    case_ids = _values(obj, "case_id")
    change.case_ids.update(case_ids)
    change.record_ids.update(case_ids)


def _contract(obj: CaseContract, change: _Change) -> None:
    # A contract's supplier is counted in the case's pledge coverage too.
    _case_part(obj, change)
    change.taking_part_ids.update(_values(obj, "case_id"))


def _meeting_part(obj: MeetingStatement | MeetingDecision, change: _Change) -> None:
    change.meeting_ids.update(_values(obj, "meeting_id"))


def _agency(obj: Agency, change: _Change) -> None:
    change.tags |= {f"agency:{code}" for code in _values(obj, "code")} | {"agencies"}


def _comment(obj: Comment, change: _Change) -> None:
    change.thread_ids.update(_values(obj, "case_id"))


def _comment_revision(obj: CommentRevision, change: _Change) -> None:
    change.comment_ids.update(_values(obj, "comment_id"))


def _feedback(obj: Feedback, change: _Change) -> None:
    change.thread_ids.update(_values(obj, "case_id"))
    change.agency_ids.update(_values(obj, "agency_id"))
    change.tags |= {"feedback", "commitments"}


def _about_feedback(obj: Response | FollowUp, change: _Change) -> None:
    change.feedback_ids.update(_values(obj, "feedback_id"))
    change.tags |= {"feedback", "commitments"}


def _workshop(obj: Workshop, change: _Change) -> None:
    change.taking_part_ids.update(_values(obj, "case_id"))
    change.tags.add("workshops")


def _registration(obj: Registration, change: _Change) -> None:
    change.workshop_ids.update(_values(obj, "workshop_id"))
    change.tags.add("workshops")


def _pledge(obj: Pledge | PledgeText, change: _Change) -> None:
    # The case page counts the case's pledged suppliers; the pledge registry pages are not cached.
    change.taking_part_ids.update(_values(obj, "case_id"))


def _tags(*tags: str) -> Callable[[object, _Change], None]:
    return lambda _obj, change: change.tags.update(tags)


def _nothing(_obj: object, _change: _Change) -> None:
    """Shown on no cached page: staff notes, moderation reports, follows, the status trail."""


RULES: dict[type, Callable] = {
    Case: _case,
    **dict.fromkeys(CASE_PARTS, _case_part), CaseContract: _contract, HistoryEntry: _case_part,
    **dict.fromkeys(MEETING_PARTS, _meeting_part),
    # Sector names are on every case page and list.
    Sector: _tags(ALL),
    Agency: _agency,
    AgencyRemoval: _tags("agencies"),
    Comment: _comment,
    CommentRevision: _comment_revision,
    Feedback: _feedback,
    Response: _about_feedback, FollowUp: _about_feedback,
    FeedbackEvent: _nothing, FeedbackNote: _nothing, Report: _nothing, Subscription: _nothing,
    Workshop: _workshop,
    Registration: _registration,
    Pledge: _pledge, PledgeText: _pledge,
    # Shown on the company pages only, which are not cached.
    AssessmentQuestionnaire: _nothing, CompanyAssessment: _nothing,
    # Imported or removed with an entry of the case's record, whose rule drops the case's pages.
    Announcement: _nothing, AnnouncementCompany: _nothing,
    Commitment: _tags("commitments"), CommitmentTarget: _tags("commitments"),
    CommitmentMilestone: _tags("commitments"),
    # Private until published; /guidance is not a cached page.
    Consultation: _nothing,
}


def changed(session: Session, objects: Iterable[object]) -> set[str]:
    """The tags of the pages that show any of ``objects`` (new, changed or deleted in a flush)."""
    objects = list(objects)
    change = _Change()
    for obj in objects:
        rule = RULES.get(type(obj))
        if rule is not None:
            rule(obj, change)
        elif type(obj).__module__.startswith(SHOWN_BY):
            return {ALL}
    lookup = _Lookup(session, objects)
    for case_id, in lookup.columns(Meeting, (Meeting.case_id,), change.meeting_ids):
        change.case_ids.add(case_id)
        change.record_ids.add(case_id)
    for case_id, in lookup.columns(Comment, (Comment.case_id,), change.comment_ids):
        change.thread_ids.add(case_id)
    for case_id, agency_id in lookup.columns(Feedback, (Feedback.case_id, Feedback.agency_id), change.feedback_ids):
        change.thread_ids.add(case_id)
        change.agency_ids.add(agency_id)
    for case_id, in lookup.columns(Workshop, (Workshop.case_id,), change.workshop_ids):
        change.taking_part_ids.add(case_id)
    parts = {"case-record": change.record_ids, "case-thread": change.thread_ids,
             "case-taking-part": change.taking_part_ids}
    every_case = set().union(change.case_ids, *parts.values()) - {None}
    for case_id, slug in lookup.columns(Case, (Case.id, Case.slug), every_case):
        change.tags.add(f"case:{slug}")
        change.tags |= {f"{part}:{slug}" for part, case_ids in parts.items() if case_id in case_ids}
    change.tags |= {f"agency:{code}" for code, in lookup.columns(Agency, (Agency.code,), change.agency_ids)}
    return change.tags


class _Lookup:
    """Column values of rows by id: from the objects of the flush or the session when loaded,
    else with one query for all the others."""

    def __init__(self, session: Session, objects: list[object]) -> None:
        self.session = session
        # Objects inserted by this flush are not in the identity map until it ends.
        self.at_hand = {(type(obj), tuple(inspect(obj).mapper.primary_key_from_instance(obj))): obj
                        for obj in objects}

    def _loaded(self, model: type, ident: int) -> object | None:
        key = (ident,)
        obj = self.at_hand.get((model, key))
        if obj is None:
            obj = self.session.identity_map.get(Session.identity_key(model, key))
        return obj

    def columns(self, model: type, columns: tuple[InstrumentedAttribute, ...], ids: Iterable[int]) -> list[tuple]:
        rows, missing = [], []
        for ident in ids:
            obj = self._loaded(model, ident)
            if obj is None:
                missing.append(ident)
            else:
                rows.append(tuple(getattr(obj, column.key) for column in columns))
        if missing:
            rows += [tuple(row) for row in self.session.execute(
                select(*columns).where(model.id.in_(missing)))]
        return rows
