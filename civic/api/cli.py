"""``flask exports build [--if-stale] [--watch]``: write the bulk files the API serves (in a request
context on SITE_URL, so the links in the files name the public address); ``flask api purge-keys``:
forget the write API's idempotency keys once they are old.
"""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup

from civic.api import bulk_files
from civic.core.time import utcnow
from civic.extensions import db
from civic.integrations import idempotency

logger = logging.getLogger(__name__)

exports_cli = AppGroup("exports", help="Build the bulk files of the open data API ahead of downloads.")


def _build() -> list[str] | None:
    where = bulk_files.folder()
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        try:
            return bulk_files.build(db.session, where)
        finally:
            db.session.remove()


@exports_cli.command("build")
@click.option("--if-stale", is_flag=True,
              help="Only when a file is missing, or the data changed and has been quiet for --debounce seconds.")
@click.option("--watch", is_flag=True,
              help="Keep checking, and rebuild whenever the files are stale (implies --if-stale).")
@click.option("--debounce", type=float, default=None,
              help="Seconds of quiet after a change before a rebuild [default: EXPORTS_DEBOUNCE_SECONDS].")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --watch.")
def build_command(if_stale: bool, watch: bool, debounce: float | None, interval: float) -> None:
    """Write every export and the OC4IDS package, each also gzipped, into EXPORTS_DIR."""
    where = bulk_files.folder()
    if where is None:
        raise click.ClickException("EXPORTS_DIR is not set: there is nowhere to build the files.")
    quiet = current_app.config["EXPORTS_DEBOUNCE_SECONDS"] if debounce is None else debounce
    while True:
        if (not if_stale and not watch) or bulk_files.is_due(where, debounce=quiet):
            started = time.monotonic()
            try:
                built = _build()
            except Exception:
                if not watch:
                    raise
                # The old files stay served; the stamp says stale, so the next check tries again.
                logger.exception("The bulk files could not be built")
            else:
                if built is None:
                    click.echo("another build is running; nothing done")
                else:
                    click.echo(f"built {len(built)} files (and their .gz) in {time.monotonic() - started:.1f} s "
                               f"in {where}")
        elif not watch:
            click.echo("the files are fresh; nothing done")
        if not watch:
            return
        time.sleep(interval)


api_cli = AppGroup("api", help="The write API's housekeeping.")


@api_cli.command("purge-keys")
def purge_keys_command() -> None:
    """Remove the Idempotency-Keys (and their stored answers) older than API_IDEMPOTENCY_HOURS."""
    hours = current_app.config["API_IDEMPOTENCY_HOURS"]
    removed = idempotency.purge(db.session, now=utcnow(), hours=hours)
    db.session.commit()
    click.echo(f"removed {removed} idempotency keys older than {hours} hours")
