"""``flask deadlines check``: mark overdue feedback and remind agencies (for cron);
``flask calendar import FILE``: load the official office calendar that deadlines count."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from civic.core import office_calendar
from civic.core.permissions import SYSTEM
from civic.extensions import db
from civic.feedback.deadlines import check_deadlines, import_office_calendar

deadlines_cli = AppGroup("deadlines", help="Answer deadlines of public feedback.")


@deadlines_cli.command("check")
def check_command() -> None:
    """Mark overdue items, remind their agencies and authors, report them upward after the grace period."""
    report = check_deadlines(db.session)
    db.session.commit()
    click.echo(f"overdue: {report.overdue}, "
               f"reported to supervising agencies: {report.escalated - report.to_authority}, "
               f"reported to the integrity authority: {report.to_authority}, "
               f"nobody to report to: {report.unreported}")


calendar_cli = AppGroup("calendar", help="Taiwan's government office calendar, which answer deadlines count.")


@calendar_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Apply without asking, after the preview.")
def import_command(path: str, yes: bool) -> None:
    """Read a DGPA office calendar CSV, show what changes, then apply it all or nothing."""
    with open(path, "rb") as handle:
        calendar_file = office_calendar.read(db.session, handle.read())
    for line, problem in calendar_file.problems:
        click.echo(f"line {line}: {problem}", err=True)
    if not calendar_file.is_valid:
        db.session.rollback()
        click.echo("calendar: nothing imported", err=True)
        raise SystemExit(1)
    click.echo(f"calendar: {len(calendar_file.rows)} days read, {len(calendar_file.changes)} change:")
    for row in calendar_file.changes:
        click.echo(f"  {row.day.isoformat()} {'holiday' if row.is_holiday else 'working day'} {row.note}")
    if not yes and not click.confirm("Apply?", default=False):
        db.session.rollback()
        click.echo("calendar: nothing imported")
        return
    changed, moved = import_office_calendar(db.session, calendar_file, actor=SYSTEM)
    db.session.commit()
    click.echo(f"calendar: imported; {changed} days changed, {moved} open deadlines moved")
