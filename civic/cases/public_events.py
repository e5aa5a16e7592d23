"""What the public events about a case say (civic.notifications.events): the case as every payload
names it, and ``case.changed`` once per recorded change of a published case. Public data only, as the
open API shows anyone: slugs, titles, agency codes, addresses of pages; never who made the change.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.cases.models import Case, HistoryEntry
from civic.notifications import events
from civic.notifications.models import EventName


def public_url(endpoint: str, **values: Any) -> str:
    """The public address (SITE_URL) of ``endpoint``, built the same in a request, a command or a test."""
    site = urlsplit(current_app.config["SITE_URL"])
    urls = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return urls.build(endpoint, values, force_external=True)


def case_summary(session: Session, case: Case) -> dict[str, Any]:
    """The case as a payload names it: slug, titles, agency code, and its page and API addresses."""
    agency = session.get(Agency, case.agency_id)
    return {
        "slug": case.slug,
        "title": case.title_zh,
        "title_en": case.title_en,
        "agency": agency.code if agency else None,
        "url": public_url("case_page.detail", slug=case.slug),
        "api_url": public_url("api.case", slug=case.slug),
    }


def case_changed(session: Session, case: Case, entries: list[HistoryEntry], *, was_published: bool) -> None:
    """Tell of one recorded change of a case that is or was published (an unpublishing is public news
    too; a case never published is nobody's business yet): its entries of the public record by ``seq``,
    each with its action and part, so a mirror fetches exactly those from the history API."""
    if not entries or not (case.is_published or was_published):
        return
    summary = case_summary(session, case)
    events.emit(session, EventName.case_changed, {
        **summary,
        "case": summary,
        "status": case.status,
        "published": bool(case.is_published),
        "entries": [entry.seq for entry in entries],
        "changes": [{"seq": entry.seq, "action": entry.action,
                     "part": {"kind": entry.part_kind, "id": entry.part_id}} for entry in entries],
        "history_url": public_url("api.case_history", slug=case.slug),
    }, case_id=case.id, agency_id=case.agency_id)
