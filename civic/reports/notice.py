"""The authority's notice on the report page: what happens to a report, who reads it, and the
protections the law gives reporters. The authority edits it; until then
``default_notice`` is shown.

Each edit is a new row, so what a reporter was told on a given day can be found again. The text is
plain paragraphs separated by a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.core import audit
from civic.core.errors import DomainError
from civic.core.permissions import Permission, guarded
from civic.reports import default_notice
from civic.reports.models import ReportNotice

# Long enough for the notice and the law it cites; a longer text is a document of its own.
BODY_MAX = 20_000
# Control characters other than tab and line breaks: nothing a person types means them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Notice:
    body_zh: str
    body_en: str

    def body(self, locale: str) -> str:
        return self.body_en if str(locale).startswith("en") else self.body_zh

    def paragraphs(self, locale: str) -> list[str]:
        """The text in ``locale`` as its paragraphs, for a page that shows them one by one."""
        return [part.strip() for part in re.split(r"\n\s*\n", self.body(locale)) if part.strip()]


# Shown until the authority publishes its own text.
DEFAULT = Notice(body_zh=default_notice.BODY_ZH.strip(), body_en=default_notice.BODY_EN.strip())


def current_notice(session: Session) -> Notice:
    """The newest edit, or the default text."""
    row = session.execute(select(ReportNotice.body_zh, ReportNotice.body_en)
                          .order_by(ReportNotice.id.desc()).limit(1)).first()
    return DEFAULT if row is None else Notice(body_zh=row.body_zh, body_en=row.body_en)


def notice_errors(body_zh: str, body_en: str) -> list[DomainError]:
    """What is wrong with a new text: each language required, at most BODY_MAX characters, and no
    control characters (which no one types, and some readers choke on)."""
    errors = []
    for field, body, missing in (("body_zh", body_zh, _("Enter the text in Chinese.")),
                                 ("body_en", body_en, _("Enter the text in English."))):
        if not (body or "").strip():
            errors.append(DomainError(missing, field=field))
        elif len(body) > BODY_MAX:
            errors.append(DomainError(_("At most 20,000 characters."), field=field))
        elif _CONTROL.search(body):
            errors.append(DomainError(_("The text holds control characters; type or paste it again as plain text."),
                                      field=field))
    return errors


def _tidy(body: str) -> str:
    """Line breaks as one character, whatever the browser sent, and no spaces around the text."""
    return (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()


@guarded(Permission.edit_report_notice)
def edit_notice(session: Session, body_zh: str, body_en: str, *, actor) -> ReportNotice:
    """Publish a new text of the notice in both languages; the report page shows it from now on.

    Refuse, with the first problem, a text ``notice_errors`` finds wrong. Audited without the text,
    which the new row keeps.
    """
    body_zh, body_en = _tidy(body_zh), _tidy(body_en)
    errors = notice_errors(body_zh, body_en)
    if errors:
        raise errors[0]
    notice = ReportNotice(body_zh=body_zh, body_en=body_en, edited_by_id=actor.id)
    session.add(notice)
    session.flush()
    audit.record(session, "report_notice.edited", actor_id=actor.id, target_type="report_notice",
                 target_id=notice.id)
    return notice
