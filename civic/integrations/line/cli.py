"""``flask line send [--watch]``: send the LINE messages waiting in the outbox (``mail send`` runs this too)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from civic.extensions import db
from civic.integrations.line.delivery import deliver_pending

line_cli = AppGroup("line", help="LINE notices through the LINE Messaging API.")


@line_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep polling for new messages.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
def send_command(watch: bool, interval: float) -> None:
    """Send the LINE messages that are due; safe to run as several workers at once."""
    while True:
        report = deliver_pending(db.session)
        if report is None:
            raise click.ClickException("LINE is not configured: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN.")
        if report.sent or report.retried or report.failed or not watch:
            click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}")
        if not watch:
            return
        db.session.remove()
        time.sleep(interval)
