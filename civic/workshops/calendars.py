"""iCalendar (RFC 5545) files for workshops, built with the ``icalendar`` library.

Public calendars carry what the public page shows and nothing more: never attendees, never
the online link. A participant's own calendar (reached through their secret link) adds the
online link once they hold a seat.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import datetime

from civic.workshops.models import Workshop

with warnings.catch_warnings():
    # pygal (used by the agency charts) installs an import hook without find_spec; once it is
    # loaded, dateutil's probe for the Windows-only winreg module raises an ImportWarning, which
    # the test suite turns into an error. The probe is harmless: silence it for this import.
    warnings.simplefilter("ignore", ImportWarning)
    from icalendar import Calendar, Event

PRODUCT_ID = "-//civic//Procurement Integrity Platforms workshops//ZH-TW"


def _event(workshop: Workshop, *, page_url: str, host: str, stamp: datetime, online_url: str = "",
           online_label: str = "") -> Event:
    event = Event()
    event.add("uid", f"workshop-{workshop.id}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
    event.add("last-modified", workshop.updated_at)
    event.add("summary", workshop.title)
    if workshop.location:
        event.add("location", workshop.location)
    lines = [workshop.description] if workshop.description else []
    if online_url:
        lines.append(f"{online_label}: {online_url}")
    lines.append(page_url)
    event.add("description", "\n\n".join(lines))
    event.add("url", page_url)
    event.add("status", "CANCELLED" if workshop.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build_calendar(workshops: Iterable[Workshop], *, name: str, page_url, host: str, stamp: datetime,
                   online_for: Workshop | None = None, online_label: str = "") -> bytes:
    """An iCalendar file with one event per workshop.

    ``page_url(workshop)`` gives each workshop's public page. Only ``online_for``, the workshop
    of the participant who asked for their own calendar, carries its online link.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Taipei")
    for workshop in workshops:
        online = workshop.online_url if online_for is not None and online_for.id == workshop.id else ""
        calendar.add_component(_event(workshop, page_url=page_url(workshop), host=host, stamp=stamp,
                                      online_url=online, online_label=online_label))
    return calendar.to_ical()
