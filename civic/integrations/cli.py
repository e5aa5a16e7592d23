"""``flask webhooks send [--watch]``: hand public events out to webhooks and deliver what is due."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from civic.extensions import db
from civic.integrations.sender import send_due

webhooks_cli = AppGroup("webhooks", help="Deliver webhooks.")


@webhooks_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep polling for new events and due deliveries.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
def send_command(watch: bool, interval: float) -> None:
    """Deliver what is due, once (or, with --watch, again and again); safe to run as several at once."""
    while True:
        report = send_due(db.session)
        if report or not watch:
            click.echo(report.summary())
        if not watch:
            return
        db.session.remove()
        time.sleep(interval)
