"""``flask deadlines check``: mark overdue feedback and remind agencies (for cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from civic.extensions import db
from civic.feedback.services import check_deadlines

deadlines_cli = AppGroup("deadlines", help="Answer deadlines of public feedback.")


@deadlines_cli.command("check")
def check_command() -> None:
    """Mark overdue items, remind their agencies, tell supervisors after the grace period."""
    report = check_deadlines(db.session)
    db.session.commit()
    click.echo(f"overdue: {report.overdue}, reported to supervisors: {report.escalated}")
