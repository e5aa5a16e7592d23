"""Every change to the commitments: their texts, yearly targets and milestones, each audited.

Only the integrity authority changes them (permissions.can_manage), checked here as well as on
the screens. Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.commitments import permissions
from civic.commitments.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Commitment,
    CommitmentMeasure,
    CommitmentMilestone,
    CommitmentTarget,
)
from civic.core import audit
from civic.core.codes import is_readable_code
from civic.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.time import to_taipei, utcnow

MAX_POSITION = 999
MAX_SHARE = 100
# Counts beyond this are typing mistakes, not targets.
MAX_COUNT = 100_000
TARGET_TYPE = "commitment"


@dataclass
class CommitmentInput:
    title_zh: str
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    position: int = 0


@dataclass
class MilestoneInput:
    title_zh: str
    due_on: date | None
    title_en: str = ""
    done_on: date | None = None


def _require(actor) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied(_("Only the integrity authority sets the action plan's commitments."))


def _check_texts(data: CommitmentInput) -> None:
    if not data.title_zh.strip():
        raise DomainError(_("Enter the commitment's title in Chinese."), field="title_zh")
    if not 0 <= data.position <= MAX_POSITION:
        raise DomainError(_("The position is a number from 0 to %(max)d.", max=MAX_POSITION), field="position")


@guarded(Permission.manage_commitments)
def create_commitment(session: Session, code: str, measure: str, data: CommitmentInput, *, actor) -> Commitment:
    """Add a commitment that tracks one of the measures computed from the data; its code is fixed."""
    _require(actor)
    code = code.strip()
    if not is_readable_code(code):
        raise DomainError(_("A code is up to 40 lowercase letters, digits and hyphens, starting with a letter, "
                            "like best-practice-platforms."), field="code")
    if measure not in CommitmentMeasure.__members__:
        raise DomainError(_("Choose what the commitment measures."), field="measure")
    _check_texts(data)
    if session.scalar(select(Commitment.id).where(Commitment.code == code)) is not None:
        raise Conflict(_("A commitment with code %(code)s already exists.", code=code), field="code")
    commitment = Commitment(code=code, measure=measure, title_zh=data.title_zh.strip(),
                            title_en=data.title_en.strip(), description_zh=data.description_zh.strip(),
                            description_en=data.description_en.strip(), position=data.position)
    session.add(commitment)
    session.flush()
    audit.record(session, "commitment.created", actor_id=actor.id, target_type=TARGET_TYPE, target_id=code,
                 measure=measure)
    return commitment


@guarded(Permission.manage_commitments)
def update_commitment(session: Session, commitment: Commitment, data: CommitmentInput, *, actor) -> bool:
    """Change a commitment's titles, descriptions and position; its code and measure stay.
    Returns whether anything changed."""
    _require(actor)
    _check_texts(data)
    changes = {}
    for name in ("title_zh", "title_en", "description_zh", "description_en", "position"):
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) else value
        if getattr(commitment, name) != value:
            changes[name] = [getattr(commitment, name), value]
            setattr(commitment, name, value)
    if changes:
        session.flush()
        audit.record(session, "commitment.changed", actor_id=actor.id, target_type=TARGET_TYPE,
                     target_id=commitment.code, changes=changes)
    return bool(changes)


def target_errors(commitment: Commitment, *, year: int | None, target: int | None) -> list[DomainError]:
    """A target's year lies from FIRST_YEAR to LAST_YEAR; the target is a whole number up to 100
    for a share, up to MAX_COUNT for a count. The admin form and ``set_target`` both ask here."""
    errors = []
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(DomainError(_("The year is a number from %(first)d to %(last)d.", first=FIRST_YEAR,
                                    last=LAST_YEAR), field="year"))
    highest = MAX_SHARE if commitment.is_percentage else MAX_COUNT
    if target is None or not 0 <= target <= highest:
        errors.append(DomainError(_("The target is a whole number from 0 to %(max)d.", max=highest), field="target"))
    return errors


@guarded(Permission.manage_commitments)
def set_target(session: Session, commitment: Commitment, *, year: int | None, target: int | None,
               actor) -> CommitmentTarget:
    """Set the value the commitment's measure should reach in ``year`` (a whole number; a share is
    0 to 100), replacing the year's earlier target."""
    _require(actor)
    for error in target_errors(commitment, year=year, target=target):
        raise error
    row = session.scalar(select(CommitmentTarget).where(CommitmentTarget.commitment_id == commitment.id,
                                                        CommitmentTarget.year == year))
    before = row.target if row is not None else None
    if row is None:
        row = CommitmentTarget(commitment_id=commitment.id, year=year, target=target)
        session.add(row)
    row.target = target
    session.flush()
    if before != target:
        audit.record(session, "commitment.target_set", actor_id=actor.id, target_type=TARGET_TYPE,
                     target_id=commitment.code, year=year, old=before, new=target)
    return row


@guarded(Permission.manage_commitments)
def remove_target(session: Session, commitment: Commitment, year: int, *, actor) -> None:
    """Take away the target of one year."""
    _require(actor)
    row = session.scalar(select(CommitmentTarget).where(CommitmentTarget.commitment_id == commitment.id,
                                                        CommitmentTarget.year == year))
    if row is None:
        raise NotFound(_("There is no target for %(year)d.", year=year))
    session.delete(row)
    session.flush()
    audit.record(session, "commitment.target_removed", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=commitment.code, year=year, old=row.target)


def milestone_errors(data: MilestoneInput) -> list[DomainError]:
    """A milestone has a Chinese title and a due date from FIRST_YEAR to LAST_YEAR, and is not done
    in the future. The admin form and the services both ask here."""
    errors = []
    if not (data.title_zh or "").strip():
        errors.append(DomainError(_("Enter the milestone in Chinese."), field="title_zh"))
    if data.due_on is None:
        errors.append(DomainError(_("Enter the date the milestone is due."), field="due_on"))
    elif not FIRST_YEAR <= data.due_on.year <= LAST_YEAR:
        errors.append(DomainError(_("The year is a number from %(first)d to %(last)d.", first=FIRST_YEAR,
                                    last=LAST_YEAR), field="due_on"))
    if data.done_on is not None and data.done_on > to_taipei(utcnow()).date():
        errors.append(DomainError(_("A milestone cannot be done in the future."), field="done_on"))
    return errors


def _check_milestone(data: MilestoneInput) -> None:
    for error in milestone_errors(data):
        raise error


def _milestone_values(data: MilestoneInput) -> dict:
    return {"title_zh": data.title_zh.strip(), "title_en": data.title_en.strip(), "due_on": data.due_on,
            "done_on": data.done_on}


@guarded(Permission.manage_commitments)
def add_milestone(session: Session, commitment: Commitment, data: MilestoneInput, *, actor) -> CommitmentMilestone:
    """Add a dated step towards the commitment; it may already be done, but not in the future."""
    _require(actor)
    _check_milestone(data)
    milestone = CommitmentMilestone(commitment_id=commitment.id, **_milestone_values(data))
    session.add(milestone)
    session.flush()
    audit.record(session, "commitment.milestone_added", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=commitment.code, milestone=milestone.id, title_zh=milestone.title_zh,
                 due_on=milestone.due_on.isoformat())
    return milestone


@guarded(Permission.manage_commitments)
def update_milestone(session: Session, milestone: CommitmentMilestone, data: MilestoneInput, *,
                     commitment: Commitment, actor) -> bool:
    """Change a milestone's titles and dates, or mark it done. Returns whether anything changed."""
    _require(actor)
    _check_milestone(data)
    changes = {}
    for name, value in _milestone_values(data).items():
        if getattr(milestone, name) != value:
            old = getattr(milestone, name)
            changes[name] = [old.isoformat() if isinstance(old, date) else old,
                             value.isoformat() if isinstance(value, date) else value]
            setattr(milestone, name, value)
    if changes:
        session.flush()
        audit.record(session, "commitment.milestone_changed", actor_id=actor.id, target_type=TARGET_TYPE,
                     target_id=commitment.code, milestone=milestone.id, changes=changes)
    return bool(changes)


@guarded(Permission.manage_commitments)
def remove_milestone(session: Session, milestone: CommitmentMilestone, *, commitment: Commitment, actor) -> None:
    _require(actor)
    session.delete(milestone)
    session.flush()
    audit.record(session, "commitment.milestone_removed", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=commitment.code, milestone=milestone.id, title_zh=milestone.title_zh)
