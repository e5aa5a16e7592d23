"""``flask demo load``: the demonstration data set."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from civic.accounts.queries import count_users
from civic.demo import loader
from civic.extensions import db

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Load even into a non-empty production database.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def load_command(force: bool, if_empty: bool) -> None:
    """Load the demo data set (idempotent)."""
    production = current_app.config["CIVIC_ENV"] == "production"
    if if_empty and count_users(db.session) > 0:
        click.echo("demo data: the database already has users; nothing loaded")
        return
    if production and count_users(db.session) > 0 and not force:
        raise click.ClickException(
            "this production database already has users; add --force to load demo data anyway"
        )
    try:
        report = loader.load(db.session, random_passwords=production)
    except loader.DemoDataError as error:
        db.session.rollback()
        raise click.ClickException(f"demo data: {error}") from None
    db.session.commit()
    click.echo(f"demo data: {report.agencies} agencies, {report.accounts} accounts, {report.cases} cases, "
               f"{report.comments} comments, {report.pledges} pledges, {report.workshops} workshops and "
               f"{report.announcements} tender announcements and {report.reports} confidential reports added")
    if report.accounts:
        click.echo(f"demo accounts' password: {report.password}")
