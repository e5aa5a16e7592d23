"""Every change to the showcase: submitting, changing and withdrawing an app (its maker), approving,
refusing and taking one down (the moderators, with a reason its maker is mailed), and the data
challenges (the administrators). Each is audited. Flushes, never commits.

The API addresses an app may name are handed in (``documented``): the views read them from the API's
own description, and this module never imports the API.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.text import CONTROL_CHARACTERS, text_error
from civic.core.time import utcnow
from civic.showcase import emails, permissions
from civic.showcase.labels import LICENCES
from civic.showcase.models import AppEndpoint, AppScreenshot, AppStatus, Challenge, ChallengePhase, ShowcaseApp
from civic.showcase.screenshots import CleanScreenshot

NAME_MAX_LENGTH = 100
SUMMARY_MAX_LENGTH = 160
DESCRIPTION_MAX_LENGTH = 3000
LINK_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000
CHALLENGE_TITLE_MAX_LENGTH = 200
CHALLENGE_TEXT_MAX_LENGTH = 5000
APP = "showcase_app"
CHALLENGE = "challenge"


@dataclass
class AppInput:
    name: str
    summary: str
    link: str
    licence: str
    endpoints: list[str] = field(default_factory=list)
    description: str = ""
    source_link: str = ""
    challenge_id: int | None = None


def web_address_error(text: str, *, field: str, required: str | None = None) -> DomainError | None:
    """A link people follow from the showcase: a whole http or https address with a host, no spaces,
    no user name or password in it, at most LINK_MAX_LENGTH characters. Empty is fine unless ``required``
    (that message)."""
    value = (text or "").strip()
    if not value:
        return DomainError(required, field=field) if required else None
    if len(value) > LINK_MAX_LENGTH:
        return DomainError(_("At most %(max)d characters.", max=LINK_MAX_LENGTH), field=field)
    invalid = DomainError(_("Enter a web address starting with https:// or http://."), field=field)
    if CONTROL_CHARACTERS.search(value) or any(char.isspace() for char in value):
        return invalid
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        return invalid
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username is not None:
        return invalid
    return None


def app_errors(session: Session, data: AppInput, *, documented: Collection[str], today: date,
               entered: int | None = None) -> list[DomainError]:
    """Every problem with an app as submitted: its name, one-line description and description within
    their lengths, its links whole http(s) addresses, a licence from the list, at least one of the API's
    ``documented`` read addresses and no other, and a challenge, if any, that takes entries ``today``
    (or ``entered``, the one a changed app had already entered). The form and the services both ask here."""
    errors: list[DomainError] = []
    for error in (
        text_error(data.name or "", field="name", required=_("Enter the app's name."), longest=NAME_MAX_LENGTH),
        text_error(data.summary or "", field="summary", required=_("Describe the app in one line."),
                   longest=SUMMARY_MAX_LENGTH),
        text_error(data.description or "", field="description", longest=DESCRIPTION_MAX_LENGTH),
        web_address_error(data.link, field="link", required=_("Enter the app's web address.")),
        web_address_error(data.source_link, field="source_link"),
    ):
        if error:
            errors.append(error)
    for name in ("name", "summary"):
        if any(char in (getattr(data, name) or "").strip() for char in "\r\n"):
            errors.append(DomainError(_("Keep it to one line."), field=name))
    if data.licence not in LICENCES:
        errors.append(DomainError(_("Choose the app's licence from the list."), field="licence"))
    if not data.endpoints:
        errors.append(DomainError(_("Choose at least one API address the app reads."), field="endpoints"))
    elif not set(data.endpoints) <= set(documented):
        errors.append(DomainError(_("Choose only from the listed API addresses."), field="endpoints"))
    if data.challenge_id is not None and data.challenge_id != entered:
        challenge = session.get(Challenge, data.challenge_id)
        if challenge is None or challenge.phase(today) == ChallengePhase.upcoming:
            errors.append(DomainError(_("Choose one of the listed challenges, or none."), field="challenge"))
        elif challenge.phase(today) == ChallengePhase.past:
            errors.append(DomainError(_("That challenge has closed: it takes no more entries."), field="challenge"))
    return errors


def _check(session: Session, data: AppInput, documented: Collection[str], today: date,
           entered: int | None = None) -> None:
    for error in app_errors(session, data, documented=documented, today=today, entered=entered):
        raise error


def _values(data: AppInput) -> dict[str, object]:
    return {"name": data.name.strip(), "summary": data.summary.strip(),
            "description": (data.description or "").strip(), "link": data.link.strip(),
            "source_link": (data.source_link or "").strip(), "licence": data.licence,
            "challenge_id": data.challenge_id}


def _changes(session: Session, app: ShowcaseApp, data: AppInput, screenshot: CleanScreenshot | None) -> bool:
    """Whether ``data`` (and ``screenshot``, when one is given) differ from what ``app`` holds."""
    if any(getattr(app, name) != value for name, value in _values(data).items()):
        return True
    if app.endpoint_paths != sorted(set(data.endpoints)):
        return True
    if screenshot is None:
        return False
    stored = session.scalar(select(AppScreenshot.digest).where(AppScreenshot.app_id == app.id))
    return stored != screenshot.digest


def _apply(app: ShowcaseApp, data: AppInput) -> None:
    for name, value in _values(data).items():
        setattr(app, name, value)
    wanted = sorted(set(data.endpoints))
    if app.endpoint_paths != wanted:
        app.endpoints = [AppEndpoint(path=path) for path in wanted]


def _next_version(app: ShowcaseApp) -> None:
    """One more than the stored version, counted by the database, so two changes at once both count."""
    app.version = ShowcaseApp.version + 1


def _store_screenshot(session: Session, app: ShowcaseApp, picture: CleanScreenshot) -> None:
    fields = {"media_type": picture.media_type, "content": picture.content, "width": picture.width,
              "height": picture.height, "thumbnail": picture.thumbnail, "thumbnail_width": picture.thumbnail_width,
              "thumbnail_height": picture.thumbnail_height, "digest": picture.digest, "created_at": utcnow()}
    stored = session.get(AppScreenshot, app.id) if app.id is not None else None
    if stored is None:
        session.add(AppScreenshot(app=app, **fields))
    else:
        for name, value in fields.items():
            setattr(stored, name, value)


def submit_app(session: Session, data: AppInput, screenshot: CleanScreenshot, *, actor,
               documented: Collection[str], today: date) -> ShowcaseApp:
    """Send an app to the moderators: it waits, unseen by the public, until one approves it."""
    if not permissions.can_submit(actor):
        raise PermissionDenied(_("Sign in to submit an app."))
    _check(session, data, documented, today)
    app = ShowcaseApp(submitter_id=actor.id, status=AppStatus.pending, submitted_at=utcnow(), endpoints=[])
    _apply(app, data)
    session.add(app)
    session.flush()
    _store_screenshot(session, app, screenshot)
    session.flush()
    audit.record(session, "showcase_app.submitted", actor_id=actor.id, target_type=APP, target_id=app.id)
    return app


def _require_maker(actor, app: ShowcaseApp) -> None:
    if not permissions.is_maker(actor, app):
        raise PermissionDenied(_("Only the person who submitted this app can do this."))


def edit_app(session: Session, app: ShowcaseApp, data: AppInput, screenshot: CleanScreenshot | None, *, actor,
             documented: Collection[str], today: date) -> bool:
    """Change an app (and, when one is given, its screenshot); it goes back to the moderators, and is
    not public until one approves it again. Returns whether it was sent again: an app published or
    waiting stays as it is when nothing changed; one refused, taken down or withdrawn is sent again."""
    _require_maker(actor, app)
    _check(session, data, documented, today, entered=app.challenge_id)
    if app.status in (AppStatus.published, AppStatus.pending) and not _changes(session, app, data, screenshot):
        return False
    _apply(app, data)
    if screenshot is not None:
        _store_screenshot(session, app, screenshot)
    app.status = AppStatus.pending
    app.submitted_at = utcnow()
    app.reason = ""
    _next_version(app)
    session.flush()
    audit.record(session, "showcase_app.changed", actor_id=actor.id, target_type=APP, target_id=app.id)
    return True


def withdraw_app(session: Session, app: ShowcaseApp, *, actor) -> None:
    """Take one's own app off the showcase, or out of the queue; changing it later sends it again."""
    _require_maker(actor, app)
    if app.status == AppStatus.withdrawn:
        raise Conflict(_("You have already withdrawn this app."))
    app.status = AppStatus.withdrawn
    _next_version(app)
    session.flush()
    audit.record(session, "showcase_app.withdrawn", actor_id=actor.id, target_type=APP, target_id=app.id)


# Moderation


def _require_moderator(actor, app: ShowcaseApp) -> None:
    if not permissions.can_moderate(actor):
        raise PermissionDenied(_("Only moderators can do this."))
    # Nobody decides on their own app: another moderator does.
    if app.submitter_id is not None and app.submitter_id == getattr(actor, "id", None):
        raise PermissionDenied(_("Another moderator decides on an app you submitted."))


def _changed_since_review() -> Conflict:
    return Conflict(_("The app changed while you were reviewing it; review it again."))


def _decide(session: Session, app: ShowcaseApp, actor, *, version: int | None, was: AppStatus, status: AppStatus,
            reason: str = "") -> None:
    """Move ``app`` from ``was`` to ``status`` if it is still the ``version`` the moderator reviewed.

    A single conditional UPDATE does it: of two moderators deciding at once, or a moderator and the
    maker changing the app, the second finds the row no longer matching and is refused.
    """
    if version is None or version != app.version:
        raise _changed_since_review()
    now = utcnow()
    values: dict[str, object] = {"status": status, "decided_at": now, "decided_by_id": actor.id, "reason": reason,
                                 "version": ShowcaseApp.version + 1}
    if status == AppStatus.published:
        values["published_at"] = now
    result = session.execute(
        update(ShowcaseApp)
        .where(ShowcaseApp.id == app.id, ShowcaseApp.status == was, ShowcaseApp.version == version)
        .values(**values).execution_options(synchronize_session="fetch"))
    if result.rowcount != 1:
        raise _changed_since_review()


def _reason(text: str, required: str) -> str:
    error = text_error(text or "", field="reason", required=required, longest=REASON_MAX_LENGTH)
    if error:
        raise error
    return text.strip()


@guarded(Permission.moderate_apps)
def approve_app(session: Session, app: ShowcaseApp, *, actor, version: int | None) -> None:
    """Publish an app that waits, as it was at ``version`` (the one the moderator reviewed); its maker
    is mailed."""
    _require_moderator(actor, app)
    if app.status != AppStatus.pending:
        raise Conflict(_("This app is not waiting for a moderator."))
    _decide(session, app, actor, version=version, was=AppStatus.pending, status=AppStatus.published)
    audit.record(session, "showcase_app.published", actor_id=actor.id, target_type=APP, target_id=app.id)
    emails.app_published(session, app)


@guarded(Permission.moderate_apps)
def reject_app(session: Session, app: ShowcaseApp, *, actor, reason: str, version: int | None) -> None:
    """Refuse an app that waits, as it was at ``version``, saying why; its maker reads the reason by
    mail and on their list."""
    _require_moderator(actor, app)
    if app.status != AppStatus.pending:
        raise Conflict(_("This app is not waiting for a moderator."))
    text = _reason(reason, _("Say why the app is not accepted; its maker reads this."))
    _decide(session, app, actor, version=version, was=AppStatus.pending, status=AppStatus.rejected, reason=text)
    audit.record(session, "showcase_app.rejected", actor_id=actor.id, target_type=APP, target_id=app.id,
                 reason=text)
    emails.app_rejected(session, app, reason=text)


@guarded(Permission.moderate_apps)
def unpublish_app(session: Session, app: ShowcaseApp, *, actor, reason: str, version: int | None) -> None:
    """Take a published app down, as it was at ``version``, saying why; its maker reads the reason by
    mail and on their list."""
    _require_moderator(actor, app)
    if app.status != AppStatus.published:
        raise Conflict(_("This app is not published."))
    text = _reason(reason, _("Say why the app is taken down; its maker reads this."))
    _decide(session, app, actor, version=version, was=AppStatus.published, status=AppStatus.unpublished,
            reason=text)
    audit.record(session, "showcase_app.unpublished", actor_id=actor.id, target_type=APP, target_id=app.id,
                 reason=text)
    emails.app_unpublished(session, app, reason=text)


# Challenges


@dataclass
class ChallengeInput:
    title_zh: str
    summary_zh: str
    starts_on: date | None
    ends_on: date | None
    title_en: str = ""
    summary_en: str = ""
    rules_zh: str = ""
    rules_en: str = ""
    prizes_zh: str = ""
    prizes_en: str = ""
    link: str = ""

    def texts(self) -> dict[str, str]:
        return {name: (getattr(self, name) or "").strip() for name in (
            "title_zh", "title_en", "summary_zh", "summary_en", "rules_zh", "rules_en", "prizes_zh", "prizes_en",
            "link")}


def challenge_errors(data: ChallengeInput) -> list[DomainError]:
    """A challenge has a Chinese title and summary, texts within their lengths, a first and a last day
    with the last not before the first, and a link, if any, that is a whole http(s) address."""
    errors = [error for error in (
        text_error(data.title_zh or "", field="title_zh", required=_("Enter the challenge's title in Chinese."),
                   longest=CHALLENGE_TITLE_MAX_LENGTH),
        text_error(data.title_en or "", field="title_en", longest=CHALLENGE_TITLE_MAX_LENGTH),
        text_error(data.summary_zh or "", field="summary_zh", required=_("Describe the challenge in Chinese."),
                   longest=CHALLENGE_TEXT_MAX_LENGTH),
        *(text_error(getattr(data, name) or "", field=name, longest=CHALLENGE_TEXT_MAX_LENGTH)
          for name in ("summary_en", "rules_zh", "rules_en", "prizes_zh", "prizes_en")),
        web_address_error(data.link, field="link"),
    ) if error]
    if data.starts_on is None:
        errors.append(DomainError(_("Enter the first day entries are taken."), field="starts_on"))
    if data.ends_on is None:
        errors.append(DomainError(_("Enter the last day entries are taken."), field="ends_on"))
    elif data.starts_on is not None and data.ends_on < data.starts_on:
        errors.append(DomainError(_("The last day cannot be before the first."), field="ends_on"))
    return errors


def _require_challenge_manager(actor) -> None:
    if not permissions.can_manage_challenges(actor):
        raise PermissionDenied(_("Only administrators manage the challenges."))


def _write_challenge(challenge: Challenge, data: ChallengeInput) -> list[str]:
    values = {**data.texts(), "starts_on": data.starts_on, "ends_on": data.ends_on}
    changed = [name for name, value in values.items() if getattr(challenge, name, None) != value]
    for name in changed:
        setattr(challenge, name, values[name])
    return changed


@guarded(Permission.manage_challenges)
def create_challenge(session: Session, data: ChallengeInput, *, actor) -> Challenge:
    """Announce a data challenge."""
    _require_challenge_manager(actor)
    for error in challenge_errors(data):
        raise error
    challenge = Challenge()
    _write_challenge(challenge, data)
    session.add(challenge)
    session.flush()
    audit.record(session, "challenge.created", actor_id=getattr(actor, "id", None), target_type=CHALLENGE,
                 target_id=challenge.id, title_zh=challenge.title_zh)
    return challenge


@guarded(Permission.manage_challenges)
def update_challenge(session: Session, challenge: Challenge, data: ChallengeInput, *, actor) -> bool:
    """Change a challenge's texts, dates or link; returns whether anything changed."""
    _require_challenge_manager(actor)
    for error in challenge_errors(data):
        raise error
    changed = _write_challenge(challenge, data)
    session.flush()
    if changed:
        audit.record(session, "challenge.changed", actor_id=getattr(actor, "id", None), target_type=CHALLENGE,
                     target_id=challenge.id, changed=changed)
    return bool(changed)


@guarded(Permission.manage_challenges)
def delete_challenge(session: Session, challenge: Challenge, *, actor) -> None:
    """Remove a challenge; the apps that entered it stay, without it."""
    _require_challenge_manager(actor)
    challenge_id, title = challenge.id, challenge.title_zh
    session.delete(challenge)
    session.flush()
    audit.record(session, "challenge.deleted", actor_id=getattr(actor, "id", None), target_type=CHALLENGE,
                 target_id=challenge_id, title_zh=title)
