"""``flask mail send [--watch]``: deliver the outbox: the mail, then each other job that added itself
(LINE messages when LINE is configured, webhooks, digests that are due)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from civic.extensions import db
from civic.notifications.worker import deliver_pending, other_channels

mail_cli = AppGroup("mail", help="Deliver mail from the outbox.")


@mail_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep polling for new messages.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
def send_command(watch: bool, interval: float) -> None:
    """Deliver pending messages; safe to run as several workers at once."""
    while True:
        report = deliver_pending(db.session)
        if report or not watch:
            click.echo(report.summary())
        for name, job in other_channels().items():
            other = job(db.session)
            if other is not None and (other or not watch):
                click.echo(f"{name}: {other.summary()}")
        if not watch:
            return
        db.session.remove()
        time.sleep(interval)
