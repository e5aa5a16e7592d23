"""Reads of apps and challenges for the public pages, the makers' own list and the moderators' queue;
each a fixed number of queries whatever the page holds. Screenshots' bytes are read only by the
address that sends them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from civic.core.pagination import Page, paginate
from civic.showcase.models import AppEndpoint, AppScreenshot, AppStatus, Challenge, ShowcaseApp

PER_PAGE = 12
QUEUE_PER_PAGE = 25
PAST_CHALLENGES_PER_PAGE = 20


def _card_options():
    return (selectinload(ShowcaseApp.screenshot), selectinload(ShowcaseApp.challenge))


def list_published_apps(session: Session, *, endpoint: str | None = None, challenge_id: int | None = None,
                        page: int, per_page: int = PER_PAGE) -> Page[ShowcaseApp]:
    """Published apps, the most recently published first; only those reading ``endpoint`` (an OpenAPI
    path) or entered in challenge ``challenge_id`` when given."""
    statement = select(ShowcaseApp).where(ShowcaseApp.status == AppStatus.published)
    if endpoint:
        statement = statement.where(exists().where(AppEndpoint.app_id == ShowcaseApp.id, AppEndpoint.path == endpoint))
    if challenge_id is not None:
        statement = statement.where(ShowcaseApp.challenge_id == challenge_id)
    statement = statement.options(*_card_options()).order_by(ShowcaseApp.published_at.desc(), ShowcaseApp.id.desc())
    return paginate(session, statement, page=page, per_page=per_page)


def endpoint_counts(session: Session) -> dict[str, int]:
    """How many published apps read each API address, for the list's filter."""
    rows = session.execute(
        select(AppEndpoint.path, func.count(AppEndpoint.app_id))
        .join(ShowcaseApp, ShowcaseApp.id == AppEndpoint.app_id)
        .where(ShowcaseApp.status == AppStatus.published)
        .group_by(AppEndpoint.path).order_by(AppEndpoint.path))
    return {path: count for path, count in rows}


def challenge_app_counts(session: Session) -> dict[int, int]:
    """How many published apps entered each challenge."""
    rows = session.execute(
        select(ShowcaseApp.challenge_id, func.count(ShowcaseApp.id))
        .where(ShowcaseApp.status == AppStatus.published, ShowcaseApp.challenge_id.is_not(None))
        .group_by(ShowcaseApp.challenge_id))
    return {challenge_id: count for challenge_id, count in rows}


def get_app(session: Session, app_id: int) -> ShowcaseApp | None:
    """One app, whatever its status, with its addresses, screenshot (without its bytes) and challenge;
    the caller decides who may see it."""
    return session.scalar(select(ShowcaseApp).where(ShowcaseApp.id == app_id).options(
        selectinload(ShowcaseApp.endpoints), *_card_options()))


def get_screenshot(session: Session, app_id: int) -> AppScreenshot | None:
    """An app's screenshot with its app, without its bytes: enough to decide who sees it and whether
    the copy a browser holds is still the one."""
    return session.scalar(select(AppScreenshot).where(AppScreenshot.app_id == app_id)
                          .options(selectinload(AppScreenshot.app)))


def screenshot_bytes(session: Session, app_id: int, *, small: bool = False) -> tuple[bytes, str] | None:
    """The bytes of an app's screenshot (the picture, or its small copy) with the digest they go with."""
    column = AppScreenshot.thumbnail if small else AppScreenshot.content
    row = session.execute(select(column, AppScreenshot.digest).where(AppScreenshot.app_id == app_id)).first()
    return (row[0], row[1]) if row is not None else None


def list_own_apps(session: Session, user_id: int, *, page: int) -> Page[ShowcaseApp]:
    """The apps one account submitted, the most recently sent first."""
    statement = (select(ShowcaseApp).where(ShowcaseApp.submitter_id == user_id).options(*_card_options())
                 .order_by(ShowcaseApp.submitted_at.desc(), ShowcaseApp.id.desc()))
    return paginate(session, statement, page=page, per_page=QUEUE_PER_PAGE)


def list_for_moderators(session: Session, status: AppStatus, *, page: int) -> Page[ShowcaseApp]:
    """Apps in ``status``: those waiting, the longest waiting first; the others, the latest decided first."""
    statement = select(ShowcaseApp).where(ShowcaseApp.status == status).options(
        *_card_options(), selectinload(ShowcaseApp.submitter))
    if status == AppStatus.pending:
        statement = statement.order_by(ShowcaseApp.submitted_at, ShowcaseApp.id)
    else:
        statement = statement.order_by(ShowcaseApp.updated_at.desc(), ShowcaseApp.id.desc())
    return paginate(session, statement, page=page, per_page=QUEUE_PER_PAGE)


def count_waiting(session: Session) -> int:
    """How many apps wait for a moderator."""
    return session.scalar(select(func.count(ShowcaseApp.id)).where(ShowcaseApp.status == AppStatus.pending)) or 0


def count_by_status(session: Session) -> dict[str, int]:
    """How many apps are in each status."""
    counts = dict.fromkeys(AppStatus, 0)
    for status, count in session.execute(select(ShowcaseApp.status, func.count(ShowcaseApp.id))
                                         .group_by(ShowcaseApp.status)):
        counts[AppStatus(status)] = count
    return {str(status): count for status, count in counts.items()}


# Challenges


@dataclass(frozen=True)
class ChallengeListing:
    current: list[Challenge]
    upcoming: list[Challenge]
    past: Page[Challenge]


def list_challenges(session: Session, today: date, *, past_page: int = 1) -> ChallengeListing:
    """The challenges by their phase on ``today`` (a date in Taipei): those open now, ending soonest
    first; those coming, starting soonest first; and a page of the closed ones, the latest closed first."""
    current = session.scalars(select(Challenge).where(Challenge.starts_on <= today, Challenge.ends_on >= today)
                              .order_by(Challenge.ends_on, Challenge.id))
    upcoming = session.scalars(select(Challenge).where(Challenge.starts_on > today)
                               .order_by(Challenge.starts_on, Challenge.id))
    past = paginate(session, select(Challenge).where(Challenge.ends_on < today)
                    .order_by(Challenge.ends_on.desc(), Challenge.id.desc()),
                    page=past_page, per_page=PAST_CHALLENGES_PER_PAGE)
    return ChallengeListing(current=list(current), upcoming=list(upcoming), past=past)


def get_challenge(session: Session, challenge_id: int) -> Challenge | None:
    return session.get(Challenge, challenge_id)


def list_all_challenges(session: Session, *, page: int) -> Page[Challenge]:
    """Every challenge for the administrators, the latest starting first."""
    return paginate(session, select(Challenge).order_by(Challenge.starts_on.desc(), Challenge.id.desc()),
                    page=page, per_page=QUEUE_PER_PAGE)


def list_enterable_challenges(session: Session, today: date, *, entered: int | None = None) -> list[Challenge]:
    """The challenges an app may say it entered: those taking entries ``today``, and ``entered`` (the one
    an app being changed already entered, even if it has closed since); the latest starting first."""
    taking = and_(Challenge.starts_on <= today, Challenge.ends_on >= today)
    condition = or_(taking, Challenge.id == entered) if entered is not None else taking
    return list(session.scalars(select(Challenge).where(condition)
                                .order_by(Challenge.starts_on.desc(), Challenge.id.desc())))


def list_challenges_with_apps(session: Session) -> list[Challenge]:
    """The challenges that published apps entered, open or closed, the latest starting first: the public
    list's filter."""
    entered = select(ShowcaseApp.challenge_id).where(ShowcaseApp.status == AppStatus.published)
    return list(session.scalars(select(Challenge).where(Challenge.id.in_(entered))
                                .order_by(Challenge.starts_on.desc(), Challenge.id.desc())))
