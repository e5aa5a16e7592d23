"""``flask search reindex``: rebuild the full-text index."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from civic.cases.models import Case
from civic.core.fulltext import SearchDocument
from civic.extensions import db
from civic.feedback.models import Comment, Response
from civic.search.indexing import reindex_all

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
@click.option("--if-empty", is_flag=True, help="Only when the index has nothing in it.")
def reindex_command(if_empty: bool) -> None:
    """Rebuild the index of cases, comments and answers."""
    if if_empty and db.session.scalar(select(func.count(SearchDocument.id))):
        click.echo("search index: already filled")
        return
    total = sum(db.session.scalar(select(func.count(model.id))) or 0 for model in (Case, Comment, Response))
    with click.progressbar(length=max(total, 1), label="indexing") as bar:
        done = 0
        for count in reindex_all(db.session):
            bar.update(count - done)
            done = count
    db.session.commit()
    click.echo(f"search index: {done} records")
