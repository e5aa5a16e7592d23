"""Who may submit, change, see and moderate apps, and manage the data challenges."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed
from civic.showcase.models import ShowcaseApp


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and getattr(user, "id", None) is not None)


def can_submit(user) -> bool:
    """Anyone signed in with an account in good standing submits apps."""
    return _active(user)


def is_maker(user, app: ShowcaseApp) -> bool:
    """The account that submitted the app, while it is in good standing."""
    return _active(user) and app.submitter_id is not None and app.submitter_id == user.id


def can_moderate(user) -> bool:
    """Moderators and administrators approve, refuse and take down apps."""
    return allowed(user, Permission.moderate_apps)


def can_see(user, app: ShowcaseApp) -> bool:
    """A published app is public; any other only its maker and the moderators see."""
    return app.is_published or is_maker(user, app) or can_moderate(user)


def can_manage_challenges(user) -> bool:
    """Only the integrity authority's administrators add, change and remove challenges."""
    return allowed(user, Permission.manage_challenges)
