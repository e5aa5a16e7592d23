"""``flask history verify``: recompute every case's record and compare it with what is stored.
``flask cases refresh-disclosure``: recompute every case's stored completeness and disclosure by stage."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from civic.cases import history, queries, services
from civic.cases.models import Case
from civic.extensions import db

history_cli = AppGroup("history", help="The public record of every case.")
cases_cli = AppGroup("cases", help="The cases' stored scores.")

# Cases loaded with their parts at a time, so memory stays flat however many there are.
BATCH = 50


@history_cli.command("verify")
def verify_command() -> None:
    """Check every chain; exit non-zero naming the first broken case and entry."""
    try:
        broken, checked = _first_break()
    finally:
        # Reading holds a transaction open; end it so nothing waits on this command.
        db.session.rollback()
    if broken is not None:
        where = f"entry {broken.seq}" if broken.seq is not None else "the stored case"
        click.echo(f"history: case {broken.slug}, {where}: {broken.problem}", err=True)
        sys.exit(1)
    click.echo(f"history: {checked} cases, every record holds")


def _first_break() -> tuple[history.Break | None, int]:
    case_ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    for case_id in case_ids:
        case = db.session.scalar(select(Case).where(Case.id == case_id).options(*queries.part_options()))
        broken = history.verify_case(db.session, case)
        if broken is not None:
            return broken, len(case_ids)
        db.session.expunge_all()
    return None, len(case_ids)


@cases_cli.command("refresh-disclosure")
def refresh_disclosure_command() -> None:
    """Recompute every case's completeness and disclosure by stage, in batches."""
    count = refresh_scores()
    click.echo(f"cases: disclosure by stage recomputed for {count} cases")


def refresh_scores(*, unscored_only: bool = False) -> int:
    """Recompute the stored scores of every case, or only of those never scored by stage (cases
    that existed before the scores did: the migrations call this once the database is current)."""
    query = select(Case.id).order_by(Case.id)
    if unscored_only:
        query = query.where(Case.disclosure["identification"].as_integer().is_(None))
    case_ids = db.session.scalars(query).all()
    for start in range(0, len(case_ids), BATCH):
        batch = case_ids[start:start + BATCH]
        for case in db.session.scalars(select(Case).where(Case.id.in_(batch)).options(*queries.part_options())):
            services.refresh_completeness(case)
        db.session.commit()
        db.session.expunge_all()
    # Reading began a transaction too (on SQLite one that holds the write lock): end it.
    db.session.commit()
    return len(case_ids)
