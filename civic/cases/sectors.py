"""The managed list of sectors: what administrators may add, change and remove.

Flushes, never commits. A sector's code is part of public URLs (/cases?sector=transport),
the API and bulk files, so it is chosen once and never changed; a sector that cases use
cannot be removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.cases.models import Case, Sector
from civic.core import audit
from civic.core.codes import is_readable_code
from civic.core.errors import Conflict, DomainError
from civic.core.permissions import Actor, Permission, guarded

MAX_POSITION = 999

# The OC4IDS projectSector codelist (a closed codelist: open data must use one of these).
OC4IDS_SECTORS = {
    "education": _l("Education"),
    "health": _l("Health"),
    "energy": _l("Energy"),
    "energy.solar": _l("Solar energy"),
    "energy.wind": _l("Wind energy"),
    "energy.hydropower": _l("Hydropower"),
    "energy.biomass": _l("Biomass energy"),
    "energy.geothermal": _l("Geothermal energy"),
    "communications": _l("Communications"),
    "waterAndWaste": _l("Water and waste"),
    "governance": _l("Governance"),
    "economy": _l("Economy"),
    "cultureSportsAndRecreation": _l("Culture, sports and recreation"),
    "transport": _l("Transport"),
    "transport.air": _l("Air transport"),
    "transport.water": _l("Water transport"),
    "transport.rail": _l("Rail transport"),
    "transport.road": _l("Road transport"),
    "transport.urban": _l("Urban transport"),
    "transport.lowCarbon": _l("Low-carbon transport"),
    "socialHousing": _l("Social housing"),
    "naturalResources": _l("Natural resources"),
    "naturalResources.floodProtection": _l("Flood protection"),
}


@dataclass
class SectorInput:
    code: str
    name_zh: str
    name_en: str
    oc4ids_code: str
    position: int = 0


def case_counts(session: Session) -> dict[int, int]:
    """How many cases, in any state, each sector holds: one grouped query for the whole list."""
    return dict(session.execute(select(Case.sector_id, func.count()).group_by(Case.sector_id)).all())


def _check(data: SectorInput) -> None:
    if not data.name_zh.strip():
        raise DomainError(_("Enter the sector's Chinese name."), field="name_zh")
    if not data.name_en.strip():
        raise DomainError(_("Enter the sector's English name."), field="name_en")
    if data.oc4ids_code not in OC4IDS_SECTORS:
        raise DomainError(_("Choose the sector's code in the OC4IDS list."), field="oc4ids_code")
    if not 0 <= data.position <= MAX_POSITION:
        raise DomainError(_("The position is a number from 0 to %(max)d.", max=MAX_POSITION), field="position")


@guarded(Permission.manage_sectors)
def create_sector(session: Session, data: SectorInput, *, actor: Actor) -> Sector:
    code = data.code.strip()
    if not is_readable_code(code):
        raise DomainError(_("A sector code is up to 40 lowercase letters, digits and hyphens, starting with a "
                            "letter, like water-resources."), field="code")
    _check(data)
    if session.scalar(select(Sector.id).where(Sector.code == code)) is not None:
        raise Conflict(_("A sector with code %(code)s already exists.", code=code), field="code")
    sector = Sector(code=code, name_zh=data.name_zh.strip(), name_en=data.name_en.strip(),
                    oc4ids_code=data.oc4ids_code, position=data.position)
    session.add(sector)
    session.flush()
    audit.record(session, "sector.created", actor_id=actor.id, target_type="sector", target_id=code,
                 oc4ids_code=sector.oc4ids_code)
    return sector


@guarded(Permission.manage_sectors)
def update_sector(session: Session, sector: Sector, data: SectorInput, *, actor: Actor) -> None:
    """Change a sector's names, OC4IDS code and place in the list; its code stays."""
    _check(data)
    changes = {}
    for name, value in (("name_zh", data.name_zh.strip()), ("name_en", data.name_en.strip()),
                        ("oc4ids_code", data.oc4ids_code), ("position", data.position)):
        if getattr(sector, name) != value:
            changes[name] = [getattr(sector, name), value]
            setattr(sector, name, value)
    if changes:
        session.flush()
        audit.record(session, "sector.changed", actor_id=actor.id, target_type="sector", target_id=sector.code,
                     changes=changes)


@guarded(Permission.manage_sectors)
def delete_sector(session: Session, sector: Sector, *, actor: Actor) -> None:
    used = session.scalar(select(func.count()).select_from(Case).where(Case.sector_id == sector.id))
    if used:
        raise Conflict(_("Cases use the sector %(name)s, so it stays in the list.", name=sector.name_zh))
    code = sector.code
    session.delete(sector)
    session.flush()
    audit.record(session, "sector.deleted", actor_id=actor.id, target_type="sector", target_id=code)
