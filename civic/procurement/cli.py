"""``flask procurement import FILE``: store a saved ``/api/tender`` response's announcements;
``flask procurement sync``: fetch every linked tender from PCC_API_URL (for cron).

Both are idempotent: an announcement already stored under its tender is left as it is. A record
that cannot be read is reported with the reason and skipped; the rest is kept.
"""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from civic.core.permissions import SYSTEM
from civic.extensions import db
from civic.procurement import queries, services
from civic.procurement.fetching import Fetcher, FetchError
from civic.procurement.parsing import RecordError, parse_response
from civic.procurement.services import ImportReport

procurement_cli = AppGroup("procurement", help="Tenders from the government e-procurement system.")


def _echo_report(report: ImportReport, where: str) -> None:
    for problem in report.problems:
        click.echo(f"{where}: record {problem.index} ({problem.filename or 'no filename'}) skipped: "
                   f"{problem.reason}", err=True)
    for key in sorted(report.unlinked):
        click.echo(f"{where}: tender {key} is named by no case; its announcements were skipped", err=True)


@procurement_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Store the announcements of a saved /api/tender response for the case that names the tender."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            parsed = parse_response(json.load(handle))
    except (ValueError, RecordError) as error:  # json.JSONDecodeError is a ValueError
        click.echo(f"procurement: {path} cannot be read: {error}", err=True)
        raise SystemExit(1) from None
    report = services.store(db.session, parsed, source=f"file:{path.rsplit('/', 1)[-1]}", actor=SYSTEM)
    db.session.commit()
    _echo_report(report, path)
    click.echo(f"procurement: {report.added} announcements added, {report.unchanged} already stored, "
               f"{len(report.problems)} skipped")


@procurement_cli.command("sync")
def sync_command() -> None:
    """Fetch every tender a case names from PCC_API_URL, within the service's rate limit."""
    base_url = current_app.config.get("PCC_API_URL") or ""
    if not base_url:
        click.echo("procurement: PCC_API_URL is not set; nothing fetched (see README).", err=True)
        return
    tenders = queries.linked_tenders(db.session)
    fetcher = Fetcher(base_url, timeout=current_app.config["PCC_API_TIMEOUT"],
                      min_interval=current_app.config["PCC_API_INTERVAL"],
                      retries=current_app.config["PCC_API_RETRIES"],
                      backoff=current_app.config["PCC_API_BACKOFF"])
    total, failed = ImportReport(), 0
    try:
        with click.progressbar(tenders, label="procurement: tenders", file=sys.stderr,
                               item_show_func=lambda t: f"{t.unit_id} {t.job_number}" if t else None) as bar:
            for tender in bar:
                source = fetcher.url(tender.unit_id, tender.job_number)
                try:
                    parsed = parse_response(fetcher.tender(tender.unit_id, tender.job_number))
                except (FetchError, RecordError) as error:
                    failed += 1
                    services.mark_synced(db.session, tender, problem=str(error), actor=SYSTEM)
                    db.session.commit()
                    click.echo(f"\nprocurement: {tender.unit_id} {tender.job_number}: {error}", err=True)
                    continue
                report = services.store(db.session, parsed, source=source, actor=SYSTEM)
                services.mark_synced(db.session, tender, actor=SYSTEM)
                db.session.commit()
                _echo_report(report, f"{tender.unit_id} {tender.job_number}")
                total.added += report.added
                total.unchanged += report.unchanged
                total.problems += report.problems
    finally:
        fetcher.close()
    click.echo(f"procurement: {len(tenders)} tenders asked, {failed} failed; {total.added} announcements "
               f"added, {total.unchanged} already stored, {len(total.problems)} skipped")
    if failed:
        raise SystemExit(1)
