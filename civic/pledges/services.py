"""Every change to pledges: publishing texts, claiming a company, signing, withdrawing,
recording a breach; publishing the self-assessment questionnaire and answering it. Flushes, never
commits; every change is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts import services as accounts
from civic.accounts.models import Company, CompanyRepresentative, User
from civic.accounts.ubn import is_valid_ubn, normalize
from civic.cases.models import Case
from civic.cases.public_events import case_summary, public_url
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.time import isoformat, utcnow
from civic.notifications import events
from civic.notifications.models import EventName
from civic.pledges import permissions, receipts
from civic.pledges.models import (
    AssessmentAnswer,
    AssessmentQuestionnaire,
    CompanyAssessment,
    Pledge,
    PledgeStatus,
    PledgeText,
)
from civic.pledges.queries import confirmed_companies, current_questionnaire, latest_text, represents

NAME_MAX = 100
COMPANY_NAME_MAX = 200
REASON_MAX = 2000
NOTE_MAX = 500
QUESTION_MAX = 500
QUESTIONS_MAX = 40
QUESTION_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass
class TextInput:
    title_zh: str
    body_zh: str
    title_en: str = ""
    body_en: str = ""


@guarded(Permission.manage_pledges)
def publish_text(session: Session, data: TextInput, *, case: Case | None, actor: User) -> PledgeText:
    """Publish a new version of the general text (or of one case's text); earlier versions stay."""
    if not permissions.can_publish_texts(actor):
        raise PermissionDenied(_("Only administrators publish pledge texts."))
    if not data.title_zh.strip():
        raise DomainError(_("Enter the title in Chinese."), field="title_zh")
    if not data.body_zh.strip():
        raise DomainError(_("Enter the text in Chinese."), field="body_zh")
    scope = PledgeText.case_id == case.id if case else PledgeText.case_id.is_(None)
    current = session.scalar(select(func.max(PledgeText.version)).where(scope)) or 0
    version = current + 1
    content = receipts.text_content(version=version, case_slug=case.slug if case else None,
                                    title_zh=data.title_zh.strip(), title_en=data.title_en.strip(),
                                    body_zh=data.body_zh.strip(), body_en=data.body_en.strip())
    text = PledgeText(case_id=case.id if case else None, version=version, title_zh=content["title_zh"],
                      title_en=content["title_en"], body_zh=content["body_zh"], body_en=content["body_en"],
                      content_hash=receipts.sha256(content), published_by_id=actor.id)
    session.add(text)
    session.flush()
    audit.record(session, "pledge_text.published", actor_id=actor.id, target_type="pledge_text",
                 target_id=text.id, version=version, case=case.slug if case else None)
    return text


def claim_company(session: Session, user: User, *, ubn: str, name: str) -> CompanyRepresentative:
    """Say one represents a company; an administrator confirms it before the person can sign.

    The typed name is kept with the claim and published by no one but an administrator: a
    company not yet on record is added without a name, one on record keeps its name. After a
    rejection the same person may ask again.
    """
    if not (user.is_authenticated and user.is_active and user.is_verified):
        raise PermissionDenied(_("Sign in with a confirmed account first."))
    number = normalize(ubn)
    if not is_valid_ubn(number):
        raise DomainError(_("%(ubn)s is not a valid unified business number (統一編號).", ubn=number),
                          field="ubn")
    name = name.strip()
    if not name:
        raise DomainError(_("Enter the company's registered name."), field="name")
    if len(name) > COMPANY_NAME_MAX:
        raise DomainError(_("At most %(n)d characters.", n=COMPANY_NAME_MAX), field="name")
    company = accounts.get_or_add_unnamed_company(session, number, actor_id=user.id)
    claim = session.scalar(select(CompanyRepresentative).where(
        CompanyRepresentative.company_id == company.id, CompanyRepresentative.user_id == user.id))
    if claim is not None and claim.rejected_at is None:
        raise Conflict(_("You have already asked to represent this company."), field="ubn")
    if claim is None:
        claim = CompanyRepresentative(company_id=company.id, user_id=user.id)
        session.add(claim)
    # A claim made again after a rejection starts over; the rejection stays in the audit trail.
    claim.claimed_name, claim.created_at, claim.rejected_at, claim.rejection_reason = name, utcnow(), None, ""
    session.flush()
    audit.record(session, "company.claimed", actor_id=user.id, target_type="company", target_id=company.ubn,
                 name=name)
    return claim


@dataclass
class SignInput:
    ubn: str
    signer_name: str
    signer_title: str
    agree: bool
    case: Case | None = None


def sign(session: Session, data: SignInput, *, actor: User) -> Pledge:
    """Sign the current text for a company (and optionally a case); returns the pledge.

    Refused: an invalid 統一編號, a company the actor does not (yet) represent, and a second
    active pledge of the same company to the same text for the same case.
    """
    number = normalize(data.ubn)
    if not is_valid_ubn(number):
        raise DomainError(_("%(ubn)s is not a valid unified business number (統一編號).", ubn=number),
                          field="ubn")
    companies = {company.ubn: company for company in confirmed_companies(session, actor.id)}
    company = companies.get(number)
    if company is None or not permissions.can_sign_for(actor, {c.id for c in companies.values()}, company.id):
        raise PermissionDenied(_("You can only sign for a company whose representation has been confirmed."))
    if data.case is not None and not data.case.is_published:
        raise DomainError(_("Choose a published case."), field="case")
    for value, field, label in ((data.signer_name, "signer_name", _("signer's name")),
                                (data.signer_title, "signer_title", _("signer's title"))):
        if not value.strip():
            raise DomainError(_("Enter the %(what)s.", what=label), field=field)
        if len(value.strip()) > NAME_MAX:
            raise DomainError(_("At most %(n)d characters.", n=NAME_MAX), field=field)
    if not data.agree:
        raise DomainError(_("Tick the box to agree to the text."), field="agree")
    text = latest_text(session, data.case)
    if text is None:
        raise Conflict(_("There is no pledge text to sign yet."))
    same_case = Pledge.case_id == data.case.id if data.case else Pledge.case_id.is_(None)
    duplicate = session.scalar(select(Pledge.receipt).where(
        Pledge.company_id == company.id, Pledge.text_id == text.id, Pledge.status == PledgeStatus.active,
        same_case))
    if duplicate is not None:
        raise Conflict(_("%(company)s already has an active pledge to this text (receipt %(receipt)s).",
                         company=company.name, receipt=duplicate), field="ubn")
    signed_at = utcnow().replace(microsecond=0)
    receipt = _unique_receipt(session)
    content = receipts.pledge_content(
        receipt=receipt, ubn=company.ubn, company_name=company.name,
        case_slug=data.case.slug if data.case else None, text_version=text.version, text_hash=text.content_hash,
        signer_name=data.signer_name.strip(), signer_title=data.signer_title.strip(), signed_at=signed_at)
    pledge = Pledge(receipt=receipt, company=company, case=data.case, text=text,
                    signer_name=content["signer_name"], signer_title=content["signer_title"], signed_by_id=actor.id,
                    signed_at=signed_at, content_hash=receipts.sha256(content))
    session.add(pledge)
    session.flush()
    audit.record(session, "pledge.signed", actor_id=actor.id, target_type="pledge", target_id=receipt,
                 ubn=company.ubn)
    _tell(session, pledge, EventName.pledge_signed)
    return pledge


def _unique_receipt(session: Session) -> str:
    while True:
        receipt = receipts.new_receipt()
        if session.scalar(select(Pledge.id).where(Pledge.receipt == receipt)) is None:
            return receipt


def content_of(pledge: Pledge) -> dict:
    """The canonical content whose SHA-256 is the pledge's hash (company, case and text loaded)."""
    return receipts.pledge_content(
        receipt=pledge.receipt, ubn=pledge.company.ubn, company_name=pledge.company.name,
        case_slug=pledge.case.slug if pledge.case else None, text_version=pledge.text.version,
        text_hash=pledge.text.content_hash, signer_name=pledge.signer_name, signer_title=pledge.signer_title,
        signed_at=pledge.signed_at)


def withdraw(session: Session, pledge: Pledge, *, actor: User, reason: str) -> None:
    """The company withdraws its pledge with a public reason; the record stays."""
    if not represents(session, actor.id, pledge.company_id):
        raise PermissionDenied(_("Only the company's confirmed representatives can withdraw its pledge."))
    if not pledge.is_active:
        raise Conflict(_("This pledge has already been withdrawn."))
    text = (reason or "").strip()
    if not text:
        raise DomainError(_("Give the public reason for withdrawing."), field="reason")
    if len(text) > REASON_MAX:
        raise DomainError(_("At most %(n)d characters.", n=REASON_MAX), field="reason")
    pledge.status = PledgeStatus.withdrawn
    pledge.withdrawn_at = utcnow()
    pledge.withdrawal_reason = text
    audit.record(session, "pledge.withdrawn", actor_id=actor.id, target_type="pledge", target_id=pledge.receipt)
    _tell(session, pledge, EventName.pledge_withdrawn)


def _tell(session: Session, pledge: Pledge, name: EventName) -> None:
    """Record the public event of a pledge signed or withdrawn: what its public receipt page shows,
    without the signer's name (the company's name and number, the case, the dates, the public reason)."""
    company = session.get(Company, pledge.company_id)
    case = session.get(Case, pledge.case_id) if pledge.case_id is not None else None
    summary = case_summary(session, case) if case is not None and case.is_published else None
    about = {
        "receipt": pledge.receipt,
        "ubn": company.ubn,
        "company": company.name,
        "status": pledge.status,
        "signed_at": isoformat(pledge.signed_at),
        "withdrawn_at": isoformat(pledge.withdrawn_at) if pledge.withdrawn_at else None,
        "withdrawal_reason": pledge.withdrawal_reason or None,
        "url": public_url("pledges.receipt", receipt=pledge.receipt),
        "api_url": public_url("api.pledges", ubn=company.ubn),
    }
    # The pledge's own fields under "pledge", and, as first written, at the top level too. A pledge
    # for every case (none named) is about no case and no agency.
    events.emit(session, name, {
        **about,
        "case": summary,
        "slug": summary["slug"] if summary else None,
        "agency": summary["agency"] if summary else None,
        "pledge": about,
    }, case_id=pledge.case_id, agency_id=case.agency_id if case is not None else None)


@guarded(Permission.manage_pledges)
def record_breach(session: Session, pledge: Pledge, *, actor: User, note: str) -> None:
    """The authority records a finding that the pledge was breached, with a public note."""
    if not permissions.can_record_breach(actor):
        raise PermissionDenied(_("Only administrators record breaches."))
    text = (note or "").strip()
    if not text:
        raise DomainError(_("Write the public note on the finding."), field="note")
    pledge.breach_note = text[:REASON_MAX]
    pledge.breach_recorded_at = utcnow()
    audit.record(session, "pledge.breach_recorded", actor_id=actor.id, target_type="pledge",
                 target_id=pledge.receipt)


def company_by_ubn(session: Session, ubn: str) -> Company | None:
    """The company with this 統一編號, if it has a name on record (else nothing about it is public)."""
    return session.scalar(select(Company).where(Company.ubn == normalize(ubn), Company.name != ""))


@dataclass
class Question:
    key: str
    text_zh: str
    text_en: str = ""


@guarded(Permission.manage_pledges)
def publish_questionnaire(session: Session, questions: list[Question], *, actor: User) -> AssessmentQuestionnaire:
    """Publish a new version of the self-assessment questionnaire; answers to earlier versions stay
    with the version they answered."""
    if not permissions.can_publish_texts(actor):
        raise PermissionDenied(_("Only administrators publish the self-assessment questionnaire."))
    if not questions:
        raise DomainError(_("Write at least one question."), field="questions")
    if len(questions) > QUESTIONS_MAX:
        raise DomainError(_("At most %(n)d questions.", n=QUESTIONS_MAX), field="questions")
    seen: set[str] = set()
    for number, question in enumerate(questions, start=1):
        key = question.key.strip()
        if not QUESTION_KEY.fullmatch(key):
            raise DomainError(_("Question %(number)d: the key is lowercase letters, digits and _, starting with a "
                                "letter (at most 40).", number=number), field="questions")
        if key in seen:
            raise DomainError(_("Question %(number)d: the key %(key)s is used twice.", number=number, key=key),
                              field="questions")
        seen.add(key)
        if not question.text_zh.strip():
            raise DomainError(_("Question %(number)d: write the question in Chinese.", number=number),
                              field="questions")
        if max(len(question.text_zh.strip()), len(question.text_en.strip())) > QUESTION_MAX:
            raise DomainError(_("Question %(number)d: at most %(n)d characters in each language.",
                                number=number, n=QUESTION_MAX), field="questions")
    version = (session.scalar(select(func.max(AssessmentQuestionnaire.version))) or 0) + 1
    content = receipts.questionnaire_content(version=version, questions=[
        {"key": q.key.strip(), "text_zh": q.text_zh.strip(), "text_en": q.text_en.strip()} for q in questions])
    current = session.scalar(select(AssessmentQuestionnaire).where(AssessmentQuestionnaire.version == version - 1))
    if current is not None and current.questions == content["questions"]:
        raise DomainError(_("These are the questions of version %(version)d as they stand; change one before "
                            "publishing a new version.", version=current.version), field="questions")
    questionnaire = AssessmentQuestionnaire(version=version, questions=content["questions"],
                                            content_hash=receipts.sha256(content), published_by_id=actor.id)
    session.add(questionnaire)
    session.flush()
    audit.record(session, "assessment_questionnaire.published", actor_id=actor.id,
                 target_type="assessment_questionnaire", target_id=questionnaire.id, version=version)
    return questionnaire


@dataclass
class Answer:
    answer: str | None
    note: str = ""


def version_error(current: AssessmentQuestionnaire, version: int | None) -> Conflict | None:
    """The refusal of answers to a version that is not ``current`` (a page opened before a new
    version was published), or None."""
    if version == current.version:
        return None
    return Conflict(_("Version %(version)d of the questionnaire was published after this page was opened, so "
                      "nothing was saved. Check your answers to the current questions and send them again.",
                      version=current.version))


def submit_assessment(session: Session, company: Company, *, version: int | None, answers: dict[str, Answer],
                      actor: User) -> CompanyAssessment:
    """A confirmed representative answers the current questionnaire for the company: every question
    yes, partly or no, each with an optional note. A new row each time; earlier ones stay public.

    Refused: anyone else, and answers to a version that is no longer the current one (the page was
    opened before a new version was published).
    """
    confirmed = {c.id for c in confirmed_companies(session, actor.id)} if actor.is_authenticated else set()
    if not permissions.can_assess_for(actor, confirmed, company.id):
        raise PermissionDenied(_("Only the company's confirmed representatives can answer its self-assessment."))
    questionnaire = current_questionnaire(session)
    if questionnaire is None:
        raise Conflict(_("There is no self-assessment questionnaire to answer yet."))
    stale = version_error(questionnaire, version)
    if stale is not None:
        raise stale
    keys = [question["key"] for question in questionnaire.questions]
    if set(answers) - set(keys):
        raise DomainError(_("Answer only the questions of the current questionnaire."), field="version")
    allowed_answers = {str(answer) for answer in AssessmentAnswer}
    stored: dict[str, dict[str, str]] = {}
    for number, key in enumerate(keys, start=1):
        given = answers.get(key)
        if given is None or given.answer not in allowed_answers:
            raise DomainError(_("Question %(number)d: answer yes, partly or no.", number=number),
                              field=f"answer_{key}")
        note = (given.note or "").strip()
        if len(note) > NOTE_MAX:
            raise DomainError(_("At most %(n)d characters.", n=NOTE_MAX), field=f"note_{key}")
        stored[key] = {"answer": given.answer, "note": note}
    assessment = CompanyAssessment(company_id=company.id, questionnaire_id=questionnaire.id, answers=stored,
                                   submitted_by_id=actor.id, submitted_at=utcnow().replace(microsecond=0))
    session.add(assessment)
    session.flush()
    audit.record(session, "company.self_assessed", actor_id=actor.id, target_type="company", target_id=company.ubn,
                 version=questionnaire.version)
    return assessment
