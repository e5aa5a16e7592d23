"""``flask digests send``: send the daily and weekly digests that are due (for cron; safe to repeat).
``mail send`` runs the same after the mail, so a running mail worker sends them without cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from civic.digests.services import DigestReport, send_due_digests
from civic.extensions import db
from civic.notifications.worker import add_channel

digests_cli = AppGroup("digests", help="Daily and weekly digests of what people follow.")


@digests_cli.command("send")
def send_command() -> None:
    """Send every digest due now: daily at 07:00 Taipei time, weekly on Monday at 07:00. A second run
    sends nothing again; a run after missed ones covers the whole time since the last digest."""
    click.echo(f"digests: {send_due(db.session).summary()}")


def send_due(session: Session) -> DigestReport:
    """One run, committed: the digests due now go to the outbox (the mail worker sends them)."""
    report = send_due_digests(session)
    session.commit()
    return report


def register(app: Flask) -> None:
    """Have ``mail send`` (and its --watch loop) send the digests that are due, after the mail: a run
    when none is due claims nothing and writes nothing, and several workers never send one twice."""
    add_channel(app, "digests", send_due)
