"""The roles of the site, from the least to the most trusted."""

from enum import StrEnum


class Role(StrEnum):
    citizen = "citizen"
    supplier = "supplier"
    staff = "staff"
    moderator = "moderator"
    admin = "admin"
    # 政風人員: belongs to an agency's integrity unit, or to the integrity authority's; reads the
    # confidential reports routed to that unit and nothing an administrator may do.
    integrity_officer = "integrity_officer"


# Roles an administrator hands out by invitation rather than by self-registration. Integrity officers
# are not among them: they are appointed on the command line, so no administrator can read reports.
INVITED_ROLES = (Role.staff, Role.moderator, Role.admin)
# Roles that belong to an agency.
AGENCY_ROLES = (Role.staff, Role.integrity_officer)
