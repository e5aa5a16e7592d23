"""Every change to a consultation: asking, answering, each side's consent, the anonymised guidance
texts, publishing and unpublishing; each audited, with mail written to the outbox.

Staff ask only for their own agency and the authority alone answers (permissions), checked here as
well as on the screens. Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.cases.models import Case, RiskStage
from civic.consultations import emails, permissions
from civic.consultations.models import Consultation, ConsultationStatus
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.text import CONTROL_CHARACTERS, text_error
from civic.core.time import utcnow

QUESTION_MAX_LENGTH = 5_000
ANSWER_MAX_LENGTH = 10_000
GUIDANCE_TITLE_MAX_LENGTH = 200
TARGET_TYPE = "consultation"


@dataclass
class QuestionInput:
    question: str
    case_id: int | None = None
    stage: str | None = None
    agrees_to_publish: bool = False


@dataclass
class GuidanceInput:
    title: str
    question: str
    answer: str
    agrees_to_publish: bool


def question_errors(session: Session, data: QuestionInput, *, agency_id: int | None) -> list[DomainError]:
    """A question is up to QUESTION_MAX_LENGTH characters; its case, if any, is one of the asking
    agency's own; its stage, if any, one of the procurement stages. The form and ``ask`` both ask here."""
    errors = []
    error = text_error(data.question or "", field="question", required=_("Enter your question."),
                        longest=QUESTION_MAX_LENGTH)
    if error:
        errors.append(error)
    if data.case_id is not None and (agency_id is None or session.scalar(
            select(Case.id).where(Case.id == data.case_id, Case.agency_id == agency_id)) is None):
        errors.append(DomainError(_("Choose one of your agency's cases, or none."), field="case"))
    if data.stage and data.stage not in RiskStage.__members__:
        errors.append(DomainError(_("Choose a stage of the procurement, or none."), field="stage"))
    return errors


@guarded(Permission.ask_consultations)
def ask(session: Session, data: QuestionInput, *, actor) -> Consultation:
    """Put a question to the integrity authority for the actor's own agency; every administrator is
    told that it waits."""
    if not permissions.can_ask(actor):
        raise PermissionDenied(_("Only staff of an agency ask the integrity authority."))
    for error in question_errors(session, data, agency_id=actor.agency_id):
        raise error
    consultation = Consultation(agency_id=actor.agency_id, case_id=data.case_id, stage=data.stage or None,
                                question=data.question.strip(), asked_by_id=actor.id, asked_at=utcnow(),
                                status=ConsultationStatus.open,
                                asker_agrees_to_publish=bool(data.agrees_to_publish))
    session.add(consultation)
    session.flush()
    audit.record(session, "consultation.asked", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=consultation.id, agrees=consultation.asker_agrees_to_publish)
    emails.asked(session, consultation)
    return consultation


def _unpublished(consultation: Consultation) -> None:
    if consultation.is_published:
        raise Conflict(_("The guidance is published: take it down first."))


@guarded(Permission.ask_consultations)
def set_asker_consent(session: Session, consultation: Consultation, agrees: bool, *, actor) -> bool:
    """The asking agency gives or withdraws its consent to publication, until the guidance is
    published. Returns whether it changed."""
    if not permissions.can_follow(actor, consultation):
        raise PermissionDenied(_("Only staff of the asking agency decide for it."))
    _unpublished(consultation)
    if consultation.asker_agrees_to_publish == agrees:
        return False
    consultation.asker_agrees_to_publish = agrees
    session.flush()
    audit.record(session, "consultation.consent_changed", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=consultation.id, side="asker", agrees=agrees)
    return True


def _require_authority(actor) -> None:
    if not permissions.can_answer(actor):
        raise PermissionDenied(_("Only the integrity authority answers questions."))


@guarded(Permission.answer_consultations)
def answer(session: Session, consultation: Consultation, text: str, *, actor) -> None:
    """Answer the question, or correct the answer until guidance from it is published; the staff
    member who asked is told of the first answer."""
    _require_authority(actor)
    _unpublished(consultation)
    error = text_error(text or "", field="answer", required=_("Enter the answer."), longest=ANSWER_MAX_LENGTH)
    if error:
        raise error
    first = not consultation.is_answered
    consultation.answer = text.strip()
    consultation.answered_by_id = actor.id
    consultation.answered_at = utcnow()
    consultation.status = ConsultationStatus.answered
    session.flush()
    audit.record(session, "consultation.answered", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=consultation.id, first=first)
    if first:
        emails.answered(session, consultation)


def guidance_errors(data: GuidanceInput) -> list[DomainError]:
    """The guidance texts may stay empty until publication; written, each has a bounded length."""
    errors = []
    for field, text, longest in (("guidance_title", data.title, GUIDANCE_TITLE_MAX_LENGTH),
                                 ("guidance_question", data.question, QUESTION_MAX_LENGTH),
                                 ("guidance_answer", data.answer, ANSWER_MAX_LENGTH)):
        if len((text or "").strip()) > longest:
            errors.append(DomainError(_("At most %(max)d characters.", max=longest), field=field))
        elif CONTROL_CHARACTERS.search(text or ""):
            errors.append(DomainError(_("The text holds characters that cannot be saved."), field=field))
    return errors


@guarded(Permission.answer_consultations)
def save_guidance(session: Session, consultation: Consultation, data: GuidanceInput, *, actor) -> bool:
    """Write the anonymised title, question and answer for publication and the authority's own
    consent, until the guidance is published. Returns whether anything changed."""
    _require_authority(actor)
    _unpublished(consultation)
    for error in guidance_errors(data):
        raise error
    texts = {"guidance_title": (data.title or "").strip(), "guidance_question": (data.question or "").strip(),
             "guidance_answer": (data.answer or "").strip()}
    changed = [name for name, value in texts.items() if getattr(consultation, name) != value]
    for name in changed:
        setattr(consultation, name, texts[name])
    consent_changed = consultation.authority_agrees_to_publish != data.agrees_to_publish
    consultation.authority_agrees_to_publish = data.agrees_to_publish
    session.flush()
    if changed:
        audit.record(session, "consultation.guidance_written", actor_id=actor.id, target_type=TARGET_TYPE,
                     target_id=consultation.id, changed=changed)
    if consent_changed:
        audit.record(session, "consultation.consent_changed", actor_id=actor.id, target_type=TARGET_TYPE,
                     target_id=consultation.id, side="authority", agrees=data.agrees_to_publish)
    return bool(changed) or consent_changed


@guarded(Permission.answer_consultations)
def publish(session: Session, consultation: Consultation, *, actor) -> None:
    """Publish the anonymised guidance: only an answered question both sides agreed to publish,
    with its three guidance texts written."""
    _require_authority(actor)
    _unpublished(consultation)
    if not consultation.is_answered:
        raise Conflict(_("Answer the question before publishing guidance from it."))
    if not consultation.both_agree:
        raise Conflict(_("Guidance is published only when the asking agency and the authority both agree."))
    if not consultation.guidance_ready:
        raise Conflict(_("Write the guidance's title, question and answer before publishing it."))
    consultation.published_at = utcnow()
    session.flush()
    audit.record(session, "consultation.published", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=consultation.id)


@guarded(Permission.answer_consultations)
def unpublish(session: Session, consultation: Consultation, *, actor) -> None:
    """Take published guidance down; it may be published again while both sides still agree."""
    _require_authority(actor)
    if not consultation.is_published:
        raise Conflict(_("The guidance is not published."))
    consultation.published_at = None
    session.flush()
    audit.record(session, "consultation.unpublished", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=consultation.id)
