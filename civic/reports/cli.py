"""`flask reports ...`: rotate the encryption key, delete closed reports past retention."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from civic.extensions import db
from civic.reports import crypto
from civic.reports.retention import purge_closed_reports, retention_days
from civic.reports.rotation import UnreadableValue, rotate_all

reports_cli = AppGroup("reports", help="Confidential reports: key rotation and retention.")


@reports_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Re-encrypt every report, message, note and attachment with the newest key of REPORTS_KEY.

    Put the new key first in REPORTS_KEY, keep the old ones after it, run this, then drop the old
    ones. Each batch is committed as it is done; running it again is harmless.
    """
    try:
        keys = len(crypto.key_list(current_app.config.get("REPORTS_KEY") or ""))
        crypto.cipher()
    except crypto.ReportsKeyError as error:
        raise click.ClickException(f"{error}: set REPORTS_KEY to Fernet keys separated by commas, "
                                   "the new one first") from None
    rotated = rows = 0
    try:
        for batch in rotate_all(db.session):
            db.session.commit()
            rotated += batch.values
            rows += batch.rows
    except UnreadableValue as error:
        db.session.rollback()
        raise click.ClickException(f"{error}; {rotated} values were rotated before it, and stay so") from None
    click.echo(f"values rotated: {rotated} in {rows} rows, with the newest of {keys} keys")
    if keys == 1:
        click.echo("REPORTS_KEY holds one key: the values were encrypted again with that same key")


@reports_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted, and delete nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete the reports closed more than REPORT_RETENTION_DAYS ago, keeping only their counts."""
    report = purge_closed_reports(db.session, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(f"reports {verb}: {report.reports}, with {report.messages} messages, {report.notes} notes and "
               f"{report.attachments} attachments (closed more than {retention_days()} days ago)")
