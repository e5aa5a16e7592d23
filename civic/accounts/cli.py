"""``flask users create``: accounts made from the command line, already verified."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from civic.accounts import services
from civic.accounts.queries import get_company_by_ubn
from civic.agencies.queries import get_agency_by_code
from civic.core.errors import DomainError
from civic.core.roles import Role
from civic.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.citizen.value,
              show_default=True)
@click.option("--agency", "agency_code", help="Agency code (機關代碼); required for staff.")
@click.option("--company", "ubn", help="Unified business number (統一編號); required for suppliers.")
@click.option("--name", default="", help="Display name.")
@click.option("--locale", type=click.Choice(["zh_Hant_TW", "en"]), default="zh_Hant_TW")
def create_command(email: str, role: str, agency_code: str | None, ubn: str | None, name: str,
                   locale: str) -> None:
    """Create a verified account; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    agency = None
    if agency_code:
        agency = get_agency_by_code(db.session, agency_code)
        if agency is None:
            raise click.ClickException(f"no agency with code {agency_code}")
    company = None
    if ubn:
        company = get_company_by_ubn(db.session, ubn)
        if company is None or not company.is_named:
            try:
                company = services.get_or_create_company(
                    db.session, services.CompanyInput(ubn=ubn, name=ubn), actor_id=None
                )
            except DomainError as error:
                raise click.ClickException(error.message) from error
    try:
        user = services.create_user(
            db.session, email=email, password=password, display_name=name, role=Role(role),
            agency=agency, company=company, locale=locale, verified=True,
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"created user {user.id} ({role})")
