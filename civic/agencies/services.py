"""Changes to agencies. Flushes, never commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from civic.agencies.models import DEFAULT_RESPONSE_DAYS, Agency
from civic.agencies.queries import get_agency_by_code
from civic.core import audit
from civic.core.errors import Conflict, DomainError


def create_agency(
    session: Session,
    *,
    code: str,
    name_zh: str,
    name_en: str = "",
    parent: Agency | None = None,
    contact_email: str = "",
    response_days: int = DEFAULT_RESPONSE_DAYS,
    actor_id: int | None,
) -> Agency:
    """Create an agency; its code must be new and its answer deadline at least one day."""
    code = code.strip()
    if not code:
        raise DomainError(_("An agency needs a code."), field="code")
    if response_days < 1:
        raise DomainError(_("The answer deadline must be at least one day."), field="response_days")
    if get_agency_by_code(session, code) is not None:
        raise Conflict(_("An agency with code %(code)s already exists.", code=code), field="code")
    agency = Agency(
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        parent=parent,
        contact_email=contact_email.strip(),
        response_days=response_days,
    )
    session.add(agency)
    session.flush()
    audit.record(session, "agency.created", actor_id=actor_id, target_type="agency",
                 target_id=agency.code)
    return agency
