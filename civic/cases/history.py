"""The public record of a case: every change to the case and its parts, kept as a hash chain.

This module alone writes HistoryEntry rows. Services change a case inside ``recording()``, which
keeps each part's values before and after; a flush that changes a part outside such a block is
refused (``install()``), so no path can change the record quietly. The chain and its hash are
the ones ../shared/CONTRACT.md ("The public record") promises to anyone who checks them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, object_session

from civic.accounts.models import Company, User
from civic.agencies.models import Agency
from civic.cases import public_events
from civic.cases.models import (
    Case,
    CaseContract,
    CaseDocument,
    CaseMember,
    CaseTender,
    ContractVariation,
    FundingSource,
    HistoryEntry,
    Meeting,
    MeetingDecision,
    MeetingStatement,
    Milestone,
    RiskItem,
    Sector,
)
from civic.core import audit
from civic.core.errors import DomainError
from civic.core.time import utcnow

GENESIS = "0" * 64
# The fields of each kind that the record keeps; everything else is derived or internal.
CASE_FIELDS = (
    "slug", "title_zh", "title_en", "sector", "procurement_kind", "status", "county", "address",
    "latitude", "longitude", "budget_ntd", "contract_value_ntd", "summary_zh", "summary_en",
    "platform_established_on", "review_state", "is_best_practice", "best_practice_reason_zh",
    "best_practice_reason_en", "environmental_impact", "land_impact", "budget_approved_on", "completed_on",
    "final_cost_ntd", "final_scope", "completion_changes",
)
PART_FIELDS = {
    "member": ("name", "organisation", "role"),
    "meeting": ("held_on", "title", "place", "attendees", "agenda", "statements", "decisions",
                "follow_ups"),
    "risk": ("stage", "risk", "likelihood", "impact", "mitigation", "owner", "status"),
    "milestone": ("title_zh", "title_en", "milestone_type", "planned_on", "actual_on"),
    "document": ("title", "url", "document_type"),
    "contract": ("title", "tender_number", "supplier_ubn", "award_value_ntd", "awarded_on", "tender",
                 "starts_on", "ends_on", "scope"),
    "tender": ("unit_id", "job_number"),
    "funding": ("source", "amount_ntd"),
    "variation": ("contract_id", "kind", "approved_on", "new_value_ntd", "new_ends_on", "description",
                  "rationale"),
}
KINDS: dict[type, str] = {
    Case: "case", CaseMember: "member", Meeting: "meeting", RiskItem: "risk", Milestone: "milestone",
    CaseDocument: "document", CaseContract: "contract", CaseTender: "tender", FundingSource: "funding",
    ContractVariation: "variation",
}
# The columns whose change is a change of the record (a sector is kept by its code).
_TRACKED_COLUMNS = {
    Case: {name for name in CASE_FIELDS if name != "sector"} | {"sector_id"},
    CaseMember: set(PART_FIELDS["member"]),
    Meeting: {"held_on", "title", "place", "attendees", "agenda", "follow_ups"},
    MeetingStatement: {"speaker", "content", "position"},
    MeetingDecision: {"content", "position"},
    RiskItem: set(PART_FIELDS["risk"]),
    Milestone: set(PART_FIELDS["milestone"]),
    CaseDocument: set(PART_FIELDS["document"]),
    CaseContract: {"title", "tender_number", "company_id", "award_value_ntd", "awarded_on", "tender_id",
                   "starts_on", "ends_on", "scope"},
    CaseTender: set(PART_FIELDS["tender"]),
    FundingSource: set(PART_FIELDS["funding"]),
    ContractVariation: set(PART_FIELDS["variation"]),
}
# Entry actions as the audit trail names them ("case.<name>").
_AUDIT_NAMES = {"created": "added", "updated": "updated", "deleted": "removed"}
_OPEN = "civic.history.open"


class UnrecordedChange(RuntimeError):
    """A part of a case was changed outside history.recording(): a bug, never a user error."""


class ReasonRequired(DomainError):
    pass


# Values as the record keeps them: plain JSON, the same before and after a round trip.


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def snapshot(session: Session, obj: Any) -> dict[str, Any]:
    """The recorded fields of a case or a part, as the record writes them."""
    kind = KINDS[type(obj)]
    if kind == "case":
        sector = obj.__dict__.get("sector") or session.get(Sector, obj.sector_id)
        values = {name: getattr(obj, name) for name in CASE_FIELDS if name != "sector"}
        values["sector"] = sector.code if sector is not None else None
    elif kind == "meeting":
        values = {name: getattr(obj, name) for name in PART_FIELDS["meeting"]
                  if name not in ("statements", "decisions")}
        values["statements"] = [{"speaker": s.speaker, "content": s.content} for s in obj.statements]
        values["decisions"] = [d.content for d in obj.decisions]
    elif kind == "contract":
        values = {name: getattr(obj, name) for name in PART_FIELDS["contract"]
                  if name not in ("supplier_ubn", "tender")}
        company = obj.__dict__.get("company") or session.get(Company, obj.company_id)
        values["supplier_ubn"] = company.ubn if company is not None else None
        # A contract recorded before tenders were named has none; None keeps its record whole.
        tender = session.get(CaseTender, obj.tender_id) if obj.tender_id is not None else None
        values["tender"] = tender_key(tender) if tender is not None else None
    elif type(obj) in _OUTER and _OUTER[type(obj)].values is not None:
        values = _OUTER[type(obj)].values(session, obj)
    else:
        values = {name: getattr(obj, name) for name in PART_FIELDS[kind]}
    return {name: _value(value) for name, value in values.items()}


@dataclass(frozen=True)
class OuterKind:
    """A kind of entry another domain keeps about a case (e.g. the e-procurement system's
    announcements of its tenders), written through ``recording()`` like a part and checked with it."""

    model: type
    name: str
    fields: tuple[str, ...]
    case_id: Callable[[Session, Any], int | None]
    stored: Callable[[Session, Case], Iterable[Any]]
    values: Callable[[Session, Any], dict[str, Any]] | None = None
    # The objects of this kind that go when a part of the case is removed (e.g. a tender's notices).
    dependants: Callable[[Session, Any], Iterable[Any]] | None = None


_OUTER: dict[type, OuterKind] = {}


def register(kind: OuterKind) -> None:
    """Let ``kind`` go in the record: its objects are recorded, guarded and verified as parts are."""
    _OUTER[kind.model] = kind
    KINDS[kind.model] = kind.name
    PART_FIELDS[kind.name] = kind.fields
    _TRACKED_COLUMNS[kind.model] = {name for name in kind.fields if name in kind.model.__table__.c}


def dependants(session: Session, part: Any) -> list[Any]:
    """What other domains keep under ``part`` that goes with it, to be recorded as removed too."""
    return [obj for kind in _OUTER.values() if kind.dependants is not None
            for obj in kind.dependants(session, part)]


def tender_key(tender: CaseTender) -> str:
    """A tender as the record names it: the agency code and the case number, e.g. ``A.41 ndc109050``."""
    return f"{tender.unit_id} {tender.job_number}"


# The chain


def public(entry: HistoryEntry) -> dict[str, Any]:
    """The entry exactly as the API serves it, and as its hash is computed."""
    return {
        "seq": entry.seq,
        "at": _value(entry.at),
        "action": entry.action,
        "part": {"kind": entry.part_kind, "id": entry.part_id},
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "actor": {"role": entry.actor_role, "agency": entry.actor_agency},
        "previous_hash": entry.previous_hash,
        "hash": entry.hash,
    }


def entry_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the entry's JSON without its hash: sorted keys, no spaces, UTF-8 as is."""
    body = {key: value for key, value in data.items() if key != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tail(session: Session, case: Case) -> tuple[int, str, datetime | None]:
    # Lock the case so two changes of one case cannot both take the next number.
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    row = session.execute(
        select(HistoryEntry.seq, HistoryEntry.hash, HistoryEntry.at)
        .where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash, row.at) if row else (0, GENESIS, None)


def _actor(session: Session, actor: User | None) -> tuple[str | None, str | None]:
    if actor is None:
        return "system", None
    agency = session.get(Agency, actor.agency_id) if actor.agency_id else None
    return str(actor.role), agency.code if agency else None


@dataclass
class _Pending:
    obj: Any
    kind: str
    action: str
    before: dict[str, Any] | None


@dataclass
class Recorder:
    """What one change of a case touches; entries are written when the block ends."""

    session: Session
    case: Case
    actor: User | None
    reason: str
    was_published: bool
    pending: list[_Pending] = field(default_factory=list)
    entries: list[HistoryEntry] = field(default_factory=list)

    def created(self, obj: Any) -> None:
        """``obj`` is new: its values go in whole."""
        self.pending.append(_Pending(obj, KINDS[type(obj)], "created", None))

    def updating(self, obj: Any, *, action: str = "updated") -> None:
        """``obj`` is about to change: keep its values now, compare them at the end."""
        self.pending.append(_Pending(obj, KINDS[type(obj)], action, snapshot(self.session, obj)))

    def deleting(self, obj: Any) -> None:
        """``obj`` is about to go: its values stay in the record."""
        self.pending.append(_Pending(obj, KINDS[type(obj)], "deleted", snapshot(self.session, obj)))

    def _write(self) -> None:
        self.session.flush()
        changes = []
        for item in self.pending:
            after = None if item.action == "deleted" else snapshot(self.session, item.obj)
            before = item.before
            if before is not None and after is not None:
                names = [name for name in after if before.get(name) != after[name]]
                if not names:
                    continue
                before = {name: before.get(name) for name in names}
                after = {name: after[name] for name in names}
            changes.append((item, before, after))
        if not changes:
            return
        # Spaces, including the invisible zero-width ones, are no reason.
        reason = self.reason.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()
        if self.was_published and not reason and any(
                item.action in ("updated", "deleted") for item, _b, _a in changes):
            raise ReasonRequired(
                _("Say why you are changing a published case: the reason is shown with the change."),
                field="reason")
        seq, previous, last_at = _tail(self.session, self.case)
        # One clock for the chain: an entry is never dated before the one it follows.
        now = utcnow().replace(microsecond=0)
        at = max(now, last_at) if last_at else now
        role, agency = _actor(self.session, self.actor)
        for item, before, after in changes:
            seq += 1
            entry = HistoryEntry(
                case_id=self.case.id, seq=seq, at=at, action=item.action, part_kind=item.kind,
                part_id=item.obj.id, before=before, after=after, reason=reason, actor_role=role,
                actor_agency=agency, actor_id=self.actor.id if self.actor else None,
                previous_hash=previous, hash="")
            entry.hash = entry_hash(public(entry))
            previous = entry.hash
            self.session.add(entry)
            self.entries.append(entry)
            name = item.action if item.kind == "case" else f"{item.kind}.{_AUDIT_NAMES[item.action]}"
            if item.kind == "case" and item.action == "created":
                name = "applied"
            # The trail points at the record's entry; the reason is public there, so it may be here too.
            audit.record(self.session, f"case.{name}", actor_id=self.actor.id if self.actor else None,
                         target_type="case", target_id=self.case.slug, entry=seq,
                         **({"reason": reason} if reason else {}))
        # A change of any part is a change of the case, for mirrors reading updated_since.
        self.case.updated_at = utcnow()
        # Webhooks and digests hear of the change once, with the entries it made, in this transaction.
        public_events.case_changed(self.session, self.case, self.entries, was_published=self.was_published)


@contextmanager
def recording(case: Case, *, actor: User | None, reason: str = "") -> Iterator[Recorder]:
    """Change ``case`` or its parts inside this block; the record gets one entry per changed part.

    Editing or removing something of a published case needs a reason, shown with the change.
    """
    session = object_session(case)
    if session is None:
        raise UnrecordedChange("a case must be in a session before it is changed")
    recorder = Recorder(session, case, actor, reason or "", case.is_published)
    opened = session.info.setdefault(_OPEN, [])
    opened.append(case)
    try:
        yield recorder
        recorder._write()
    finally:
        opened.remove(case)


# The guard: no flush changes a part of a case outside recording().


def install() -> None:
    """Refuse, on every session, a flush that changes a case's record without an entry."""
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)


def _guard(session: Session, flush_context: Any, instances: Any) -> None:
    opened = session.info.get(_OPEN, ())
    for obj in chain(session.new, session.dirty, session.deleted):
        tracked = _TRACKED_COLUMNS.get(type(obj))
        if tracked is None:
            continue
        if obj in session.dirty and not _changed(obj, tracked):
            continue
        case = _case_of(session, obj)
        if case is None or not any(case is open_case for open_case in opened):
            raise UnrecordedChange(
                f"{type(obj).__name__} changed outside civic.cases.history.recording()")


def _changed(obj: Any, tracked: set[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in tracked)


def _case_of(session: Session, obj: Any) -> Case | None:
    if isinstance(obj, Case):
        return obj
    if type(obj) in _OUTER:
        case_id = _OUTER[type(obj)].case_id(session, obj)
        return session.get(Case, case_id) if case_id is not None else None
    if isinstance(obj, MeetingStatement | MeetingDecision):
        meeting = obj.__dict__.get("meeting") or (
            session.get(Meeting, obj.meeting_id) if obj.meeting_id is not None else None)
        return _case_of(session, meeting) if meeting is not None else None
    case = obj.__dict__.get("case")
    if case is None and obj.case_id is not None:
        case = session.get(Case, obj.case_id)
    return case


# Checking


@dataclass(frozen=True)
class Break:
    """Where a case's record stops holding: the case, the entry (or part) and what is wrong."""

    slug: str
    seq: int | None
    problem: str


def verify_case(session: Session, case: Case) -> Break | None:
    """Recompute the chain of ``case`` and compare what it says with the case as stored.

    A rewritten entry breaks its hash or the link of the next one; a part changed in the database
    without an entry no longer matches the values its entries add up to.
    """
    previous, expected = GENESIS, 1
    state: dict[tuple[str, int], dict[str, Any]] = {}
    entries = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id)
                              .order_by(HistoryEntry.seq)).all()
    for entry in entries:
        data = public(entry)
        if entry.seq != expected:
            return Break(case.slug, entry.seq, f"entry {expected} is missing")
        if entry.previous_hash != previous:
            return Break(case.slug, entry.seq, "previous_hash does not match the entry before it")
        if entry_hash(data) != entry.hash:
            return Break(case.slug, entry.seq, "hash does not match the entry's content")
        previous, expected = entry.hash, expected + 1
        _fold(state, entry)
    return _compare(session, case, state)


def _fold(state: dict[tuple[str, int], dict[str, Any]], entry: HistoryEntry) -> None:
    if entry.part_id is None:
        return
    key = (entry.part_kind, entry.part_id)
    if entry.before is None and entry.after is not None:
        state[key] = dict(entry.after)
    elif entry.after is None and entry.before is not None:
        state.pop(key, None)
    elif entry.after is not None:
        state.setdefault(key, {}).update(entry.after)


def _differs(name: str, value: Any, recorded: dict[str, Any]) -> bool:
    """Whether a stored value disagrees with the record. A field the record never named (one added
    to the model after the entries were written) agrees while it is still empty."""
    if name not in recorded:
        return value not in (None, "", [])
    return value != recorded[name]


def _compare(session: Session, case: Case, state: dict[tuple[str, int], dict[str, Any]]) -> Break | None:
    actual = {("case", case.id): snapshot(session, case)}
    for collection in (case.members, case.meetings, case.risks, case.milestones, case.documents,
                       case.contracts, case.tenders, case.funding, case.variations):
        for part in collection:
            actual[(KINDS[type(part)], part.id)] = snapshot(session, part)
    for outer in _OUTER.values():
        for part in outer.stored(session, case):
            actual[(outer.name, part.id)] = snapshot(session, part)
    for key in sorted(set(actual) | set(state)):
        kind, part_id = key
        if key not in state:
            return Break(case.slug, None, f"{kind} {part_id} is not in the record")
        if key not in actual:
            return Break(case.slug, None, f"{kind} {part_id} is in the record but no longer stored")
        differing = sorted(name for name in actual[key] if _differs(name, actual[key][name], state[key]))
        if differing:
            return Break(case.slug, None,
                         f"{kind} {part_id} differs from its record: {', '.join(differing)}")
    return None
