"""``flask workshops remind`` (the day before, for cron) and ``flask workshops purge`` (retention)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from civic.extensions import db
from civic.workshops.retention import purge_personal_data, retention_days
from civic.workshops.services import send_reminders

workshops_cli = AppGroup("workshops", help="Participation workshops: reminders and data retention.")


@workshops_cli.command("remind")
def remind_command() -> None:
    """Queue a reminder for everyone with a seat at a workshop starting within 24 hours (once each)."""
    sent = send_reminders(db.session)
    db.session.commit()
    click.echo(f"reminders queued: {sent}")


@workshops_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Retention in days after the workshop; default WORKSHOP_RETENTION_DAYS (180).")
def purge_command(days: int | None) -> None:
    """Delete attendees' names, emails, phones and answers once the retention period has passed."""
    report = purge_personal_data(db.session, days=days)
    db.session.commit()
    click.echo(f"workshops purged: {report.workshops}, registrations: {report.registrations} "
               f"(retention {retention_days() if days is None else days} days)")
