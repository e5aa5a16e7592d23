"""The roles of the site, from the least to the most trusted."""

from enum import StrEnum


class Role(StrEnum):
    citizen = "citizen"
    supplier = "supplier"
    staff = "staff"
    moderator = "moderator"
    admin = "admin"


# Roles an administrator hands out by invitation rather than by self-registration.
INVITED_ROLES = (Role.staff, Role.moderator, Role.admin)
