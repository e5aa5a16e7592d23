"""Reads for the administration screens that span domains: who acted in the audit trail and
the names of what it points at, one query per kind of target whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from civic.accounts.models import Company, Invitation, User
from civic.agencies.models import Agency
from civic.cases.models import Case, Sector
from civic.commitments.models import Commitment
from civic.consultations.models import Consultation
from civic.core.text import parse_id
from civic.feedback.models import Comment, Feedback
from civic.pledges.models import AssessmentQuestionnaire, Pledge, PledgeText
from civic.showcase.models import Challenge, ShowcaseApp
from civic.workshops.models import Registration, Workshop

# A target as the trail stores it: its type and its id, both text.
TargetKey = tuple[str, str]
Namer = Callable[[Session, Collection[str], str], dict[str, str]]


def get_users_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """The accounts with these ids (with their agency), in one query."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(wanted)))}


def _numbers(ids: Collection[str]) -> set[int]:
    return {number for key in ids if (number := parse_id(key)) is not None}


def _with_case(name: str, case_title: str) -> str:
    return f"{name} · {case_title}" if case_title else name


def _in(locale: str, zh: str, en: str) -> str:
    return en if locale.startswith("en") and en else zh


def _agencies(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    return {agency.code: agency.name(locale)
            for agency in session.scalars(select(Agency).where(Agency.code.in_(ids)))}


def _cases(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    return {case.slug: case.title(locale) for case in session.scalars(select(Case).where(Case.slug.in_(ids)))}


def _sectors(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    return {sector.code: sector.name(locale)
            for sector in session.scalars(select(Sector).where(Sector.code.in_(ids)))}


def _commitments(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    return {commitment.code: commitment.title(locale)
            for commitment in session.scalars(select(Commitment).where(Commitment.code.in_(ids)))}


def _consultations(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(Consultation.id, Agency.name_zh, Agency.name_en)
                           .join(Agency, Agency.id == Consultation.agency_id)
                           .where(Consultation.id.in_(_numbers(ids))))
    # Translators: a question asked at the consultation desk, in the audit trail.
    return {str(number): _("Question %(number)s from %(agency)s", number=number, agency=_in(locale, zh, en))
            for number, zh, en in rows}


def _companies(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    return dict(session.execute(select(Company.ubn, Company.name)
                                .where(Company.ubn.in_(ids), Company.name != "")).all())


def _users(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    return {str(user_id): person_name(user)
            for user_id, user in get_users_by_id(session, _numbers(ids)).items()}


def _invitations(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(Invitation.id, Invitation.email).where(Invitation.id.in_(_numbers(ids))))
    return {str(invitation_id): email for invitation_id, email in rows}


def _pledges(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(Pledge.receipt, Company.name).join(Company, Company.id == Pledge.company_id)
                           .where(Pledge.receipt.in_(ids)))
    return {receipt: f"{receipt} · {company}" for receipt, company in rows}


def _pledge_texts(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    texts = session.scalars(select(PledgeText).where(PledgeText.id.in_(_numbers(ids))))
    # Translators: a published pledge text in the audit trail, e.g. "廉潔承諾書 (第 2 版)".
    return {str(text.id): _("%(title)s (version %(version)d)", title=text.title(locale), version=text.version)
            for text in texts}


def _questionnaires(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(AssessmentQuestionnaire.id, AssessmentQuestionnaire.version)
                           .where(AssessmentQuestionnaire.id.in_(_numbers(ids))))
    # Translators: a published self-assessment questionnaire in the audit trail.
    return {str(questionnaire_id): _("Self-assessment questionnaire (version %(version)d)", version=version)
            for questionnaire_id, version in rows}


def _feedback(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(Feedback.tracking_number, Case.title_zh, Case.title_en)
                           .join(Case, Case.id == Feedback.case_id).where(Feedback.tracking_number.in_(ids)))
    return {number: _with_case(number, _in(locale, title_zh, title_en))
            for number, title_zh, title_en in rows}


def _comments(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    # A reply has no tracking number of its own: it is known by the one of the comment it answers.
    thread = aliased(Feedback)
    rows = session.execute(
        select(Comment.id, Comment.parent_id, thread.tracking_number, Case.title_zh, Case.title_en)
        .join(Case, Case.id == Comment.case_id)
        .outerjoin(thread, thread.comment_id == func.coalesce(Comment.parent_id, Comment.id))
        .where(Comment.id.in_(_numbers(ids))))
    names = {}
    for comment_id, parent_id, number, title_zh, title_en in rows:
        title = _in(locale, title_zh, title_en)
        if number is None:
            names[str(comment_id)] = title
        elif parent_id is None:
            names[str(comment_id)] = _with_case(number, title)
        else:
            # Translators: a reply in a comment thread, named by the thread's tracking number.
            names[str(comment_id)] = _with_case(_("Reply to %(number)s", number=number), title)
    return names


def _workshops(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(Workshop.id, Workshop.title).where(Workshop.id.in_(_numbers(ids))))
    return {str(workshop_id): title for workshop_id, title in rows}


def _registrations(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    # Named by the workshop only: the person who signed up is personal data.
    rows = session.execute(select(Registration.id, Workshop.title)
                           .join(Workshop, Workshop.id == Registration.workshop_id)
                           .where(Registration.id.in_(_numbers(ids))))
    # Translators: a sign-up for a workshop in the audit trail; the person is not named.
    return {str(registration_id): _("A sign-up for %(workshop)s", workshop=title)
            for registration_id, title in rows}


def _apps(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(ShowcaseApp.id, ShowcaseApp.name).where(ShowcaseApp.id.in_(_numbers(ids))))
    return {str(app_id): name for app_id, name in rows}


def _challenges(session: Session, ids: Collection[str], locale: str) -> dict[str, str]:
    rows = session.execute(select(Challenge.id, Challenge.title_zh, Challenge.title_en)
                           .where(Challenge.id.in_(_numbers(ids))))
    return {str(challenge_id): _in(locale, title_zh, title_en) for challenge_id, title_zh, title_en in rows}


NAMERS: dict[str, Namer] = {
    "agency": _agencies,
    "assessment_questionnaire": _questionnaires,
    "case": _cases,
    "challenge": _challenges,
    "comment": _comments,
    "commitment": _commitments,
    "company": _companies,
    "consultation": _consultations,
    "feedback": _feedback,
    "invitation": _invitations,
    "pledge": _pledges,
    "pledge_text": _pledge_texts,
    "sector": _sectors,
    "showcase_app": _apps,
    "user": _users,
    "workshop": _workshops,
    "workshop_registration": _registrations,
}


def get_target_names(session: Session, targets: Iterable[TargetKey], locale: str) -> dict[TargetKey, str]:
    """The name of each target that still exists, in ``locale``: one query per type of target."""
    wanted: dict[str, set[str]] = {}
    for kind, key in targets:
        if kind in NAMERS:
            wanted.setdefault(kind, set()).add(key)
    return {(kind, key): name for kind, keys in wanted.items()
            for key, name in NAMERS[kind](session, keys, locale).items()}


def person_name(user: User) -> str:
    """How the trail names an account: its display name, else its address; never a deleted one's."""
    if user.deleted_at is not None:
        return _("former user")
    return user.display_name or user.email
