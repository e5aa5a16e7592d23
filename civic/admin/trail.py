"""How the audit trail reads: the words for every action the site records, for the kinds of
target and for the details' keys, and the rows of the page and its CSV export built from them.

It presents what civic.core.audit stored and never changes it. Every action recorded anywhere
must have its words in ACTION_LABELS; tests/admin/test_trail.py fails when one is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.admin import queries
from civic.cases.labels import REVISION_ACTIONS
from civic.commitments.labels import MEASURES
from civic.core.audit import AuditEntry
from civic.core.time import isoformat
from civic.feedback.labels import EVENTS as FEEDBACK_EVENTS
from civic.feedback.labels import HIDDEN_REASONS
from civic.web.templating import ROLE_LABELS, role_label

# Every action recorded with civic.core.audit.record, by its code (`<domain>.<past participle>`).
ACTION_LABELS: dict[str, Any] = {
    "account.created": _l("Account created"),
    "account.verified": _l("Email address confirmed"),
    "account.locked": _l("Account locked after failed sign-ins"),
    "account.password_reset": _l("Password reset by email"),
    "account.password_changed": _l("Password changed"),
    "account.updated": _l("Account details changed"),
    "account.deleted": _l("Account deleted by its owner"),
    "account.suspended": _l("Account suspended"),
    "account.reinstated": _l("Account reinstated"),
    "account.role_changed": _l("Role changed"),
    "account.signed_in": _l("Signed in"),
    "account.sign_in_failed": _l("Sign-in failed"),
    "account.signed_out": _l("Signed out"),
    "account.other_sessions_ended": _l("Signed out of other browsers"),
    "account.session_ended": _l("Signed out one browser from the sessions page"),
    "account.password_reset_requested": _l("Password reset link asked for"),
    "account.two_factor_enrolled": _l("Two-step sign-in set up"),
    "account.two_factor_disabled": _l("Two-step sign-in turned off by its owner"),
    "account.two_factor_reset": _l("Two-step sign-in reset by an administrator"),
    "account.recovery_codes_renewed": _l("New recovery codes made"),
    "account.confirmed": _l("Password confirmed again before a sensitive action"),
    "account.confirmation_failed": _l("Confirmation before a sensitive action failed"),
    "agency.created": _l("Agency added"),
    "agency.updated": _l("Agency details changed"),
    "agency.activated": _l("Agency activated"),
    "agency.deactivated": _l("Agency deactivated"),
    "agency.deleted": _l("Agency deleted"),
    "agency.imported": _l("Agencies imported from a CSV file"),
    # A case and each of its parts: the words of the case's public history.
    **{f"case.{action}": label for action, label in REVISION_ACTIONS.items()},
    "comment.posted": _l("Comment posted"),
    "commitment.created": _l("Action plan commitment added"),
    "commitment.changed": _l("Action plan commitment changed"),
    "commitment.target_set": _l("Yearly target of a commitment set"),
    "commitment.target_removed": _l("Yearly target of a commitment removed"),
    "commitment.milestone_added": _l("Milestone of a commitment added"),
    "commitment.milestone_changed": _l("Milestone of a commitment changed"),
    "commitment.milestone_removed": _l("Milestone of a commitment removed"),
    "api_token.created": _l("Token for the write API made"),
    "api_token.revoked": _l("Token for the write API revoked"),
    # Webhooks, named by their number; the trail keeps only the address's host.
    "webhook.created": _l("Webhook registered"),
    "webhook.deleted": _l("Webhook deleted"),
    "webhook.disabled": _l("Webhook turned off"),
    "webhook.enabled": _l("Webhook turned back on"),
    "webhook.secret_rotated": _l("Webhook given a new secret"),
    "consultation.asked": _l("Question asked at the consultation desk"),
    "consultation.answered": _l("Consultation answered"),
    "consultation.consent_changed": _l("Consent to publish a consultation as guidance changed"),
    "consultation.guidance_written": _l("Anonymised guidance of a consultation written"),
    "consultation.published": _l("Consultation published as guidance"),
    "consultation.unpublished": _l("Guidance taken down"),
    "comment.edited": _l("Comment edited by its author"),
    "comment.deleted": _l("Comment deleted by its author"),
    "comment.reported": _l("Comment reported"),
    "comment.hidden": _l("Comment hidden by a moderator"),
    "comment.restored": _l("Comment shown again"),
    "comment.kept": _l("Reports dismissed, comment kept"),
    "company.created": _l("Company added"),
    "company.named": _l("Company name recorded"),
    "company.claimed": _l("Asked to represent a company"),
    "company.claim_confirmed": _l("Company representative confirmed"),
    "company.claim_rejected": _l("Company representative refused"),
    "feedback.received": FEEDBACK_EVENTS["received"],
    "feedback.in_progress": _l("Marked as in progress"),
    "feedback.answered": FEEDBACK_EVENTS["answered"],
    "feedback.closed": _l("Feedback closed"),
    "feedback.forwarded": FEEDBACK_EVENTS["forwarded"],
    "feedback.overdue": FEEDBACK_EVENTS["overdue"],
    "feedback.escalated": FEEDBACK_EVENTS["escalated"],
    "feedback.escalation_blocked": FEEDBACK_EVENTS["escalation_blocked"],
    "feedback.extended": FEEDBACK_EVENTS["extended"],
    "feedback.reopened": FEEDBACK_EVENTS["reopened"],
    "feedback.acknowledged": FEEDBACK_EVENTS["acknowledged"],
    "calendar.imported": _l("Office calendar imported"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "invitation.accepted": _l("Invitation accepted"),
    "outbox.retried": _l("Failed mail queued again"),
    # LINE notices, recorded against the account; never the LINE user id.
    "line.linked": _l("LINE account linked for notices"),
    "line.unlinked": _l("LINE account unlinked by its owner"),
    "line.moved": _l("LINE account linked to another account instead"),
    "line.unfollowed": _l("LINE account unlinked: the official account was unfollowed"),
    "line.notices_on": _l("LINE notices turned on"),
    "line.notices_off": _l("LINE notices turned off"),
    "line.unreachable": _l("LINE notices turned off: LINE could not deliver them"),
    "pledge.signed": _l("Pledge signed"),
    "pledge.withdrawn": _l("Pledge withdrawn"),
    "pledge.breach_recorded": _l("Breach of a pledge recorded"),
    "pledge_text.published": _l("Pledge text published"),
    "report_notice.edited": _l("Notice on the report page edited"),
    "reports.purged": _l("Closed reports deleted after the retention period"),
    "assessment_questionnaire.published": _l("Self-assessment questionnaire published"),
    "company.self_assessed": _l("Integrity self-assessment answered"),
    # Confidential reports: who read one and what its officers did, never a word of it.
    "report.read": _l("Report read"),
    "report.attachment_read": _l("Attachment of a report downloaded"),
    "report.status_changed": _l("Status of a report changed"),
    "report.assigned": _l("Report assigned"),
    "report.noted": _l("Internal note added to a report"),
    "report.message_sent": _l("Message sent to the reporter"),
    "sector.created": _l("Sector added"),
    "showcase_app.submitted": _l("App submitted to the showcase"),
    "showcase_app.changed": _l("App in the showcase changed by its maker"),
    "showcase_app.withdrawn": _l("App withdrawn by its maker"),
    "showcase_app.published": _l("App published in the showcase"),
    "showcase_app.rejected": _l("App not accepted for the showcase"),
    "showcase_app.unpublished": _l("App taken down from the showcase"),
    "challenge.created": _l("Data challenge added"),
    "challenge.changed": _l("Data challenge changed"),
    "challenge.deleted": _l("Data challenge removed"),
    "sector.changed": _l("Sector changed"),
    "sector.deleted": _l("Sector deleted"),
    "workshop.created": _l("Workshop created"),
    "workshop.updated": _l("Workshop changed"),
    "workshop.cancelled": _l("Workshop cancelled"),
    "workshop.registration_cancelled": _l("Sign-up cancelled"),
    "workshop.personal_data_purged": _l("Personal data of sign-ups erased"),
    "workshop.attendance_recorded": _l("Attendance taken"),
    "workshop.messaged": _l("Message sent to participants"),
    "workshop.attendees_exported": _l("Attendee list downloaded"),
}

TARGET_TYPES: dict[str, Any] = {
    "agency": _l("Agency"),
    "api_token": _l("Token for the write API"),
    "webhook": _l("Webhook of an account"),
    "calendar": _l("Office calendar"),
    "case": _l("Case"),
    "challenge": _l("Data challenge"),
    "comment": _l("Comment"),
    "commitment": _l("Action plan commitment"),
    "company": _l("Company"),
    "consultation": _l("Consultation"),
    # An address without an account, named by a prefix of its SHA-256 (civic.accounts.security_events).
    "email_hash": _l("Email address without an account (SHA-256)"),
    "feedback": _l("Public feedback"),
    "invitation": _l("Invitation"),
    "outbox": _l("Mail"),
    "pledge": _l("Pledge"),
    "pledge_text": _l("Pledge text"),
    "report_notice": _l("Notice on the report page"),
    "assessment_questionnaire": _l("Self-assessment questionnaire"),
    "report": _l("Confidential report"),
    "sector": _l("Sector"),
    "showcase_app": _l("App in the showcase"),
    "user": _l("Account"),
    "workshop": _l("Workshop"),
    "workshop_registration": _l("Workshop sign-up"),
}

# The keys found in details, and in the field changes that some of them carry.
DETAIL_KEYS: dict[str, Any] = {
    # Security events: where the request came from.
    "address": _l("Client IP address"),
    "agent": _l("Browser (User-Agent)"),
    "failure": _l("Why it failed"),
    "first": _l("First answer"),
    "side": _l("Whose consent"),
    "second_step": _l("Second step"),
    "replaced": _l("In place of an earlier app"),
    # A browser signed out from the sessions page.
    "session_id": _l("Session number"),
    "device": _l("Device"),
    "network": _l("Network"),
    "this_browser": _l("The browser in use"),
    "agency": _l("Agency"),
    "agrees": _l("Agrees to publish"),
    # The number of a report's attachment that was downloaded.
    "attachment": _l("Attachment"),
    "attended": _l("Attended"),
    "audience": _l("To"),
    "capacity": _l("Seats"),
    "case": _l("Case"),
    "changed": _l("Changed"),
    "code": _l("Agency code (機關代碼)"),
    "contact_email": _l("Contact email"),
    "count": _l("Messages"),
    "days": _l("Days in the file"),
    "description_en": _l("Description in English"),
    "description_zh": _l("Description in Chinese"),
    "done_on": _l("Done on"),
    "due_on": _l("Due on"),
    "measure": _l("What it measures"),
    "milestone": _l("Milestone"),
    "title_en": _l("Title in English"),
    "title_zh": _l("Title in Chinese"),
    "year": _l("Year"),
    # A token for the write API: what it may do and the day it stops working (never the token).
    "scopes": _l("Scopes"),
    "expires_on": _l("Expires on"),
    # A change made through the write API: the token's first characters, as its holder's tokens page shows them.
    "api_token": _l("Made through the write API with the token"),
    # A webhook: its address's host, the events it asked for, and the failed deliveries that turned it off.
    "host": _l("Host of the address"),
    "events": _l("Events"),
    "failures": _l("Failed deliveries in a row"),
    "entry": _l("Entry of the public record"),
    "days_changed": _l("Days changed"),
    "deadlines_moved": _l("Deadlines moved"),
    "due_before": _l("Earlier deadline"),
    "due_after": _l("New deadline"),
    "follow_up": _l("Answer to the author's follow-up"),
    "hidden_for": _l("Hidden for"),
    "on_time": _l("In time"),
    "minutes": _l("Locked for (minutes)"),
    "moved": _l("Time or place changed"),
    "name": _l("Company name"),
    "name_en": _l("Name in English"),
    "name_zh": _l("Name in Chinese"),
    "new": _l("After"),
    "oc4ids_code": _l("OC4IDS sector"),
    "old": _l("Before"),
    "parent_id": _l("Supervising agency"),
    "position": _l("Position in lists"),
    "promoted": _l("Moved up from the waitlist"),
    "reason": _l("Reason"),
    "recipients": _l("Recipients"),
    "registrations": _l("Sign-ups"),
    "reports": _l("Reports"),
    "response_days": _l("Days to answer the public"),
    "answers_in_working_days": _l("Counts working days"),
    "role": _l("Role"),
    "rows": _l("Rows"),
    "sessions_ended": _l("Sessions signed out"),
    "told": _l("People told"),
    "ubn": _l("Unified business number"),
    "user": _l("Account"),
    "version": _l("Version"),
    "workshop": _l("Workshop"),
}

_ROLES = {str(role): label for role, label in ROLE_LABELS.items()}
# A confidential report's statuses, which "old" and "new" name when one changes (the same words as the
# officers' pages; this module does not import the reports).
_REPORT_STATUSES = {"received": _l("Received"), "under_review": _l("Under review"),
                    "referred": _l("Referred to the prosecutors"), "closed": _l("Closed")}
# Codes stored as detail values that have words of their own, by the key they come under.
DETAIL_VALUES: dict[str, Mapping[str, Any]] = {
    "audience": {"confirmed": _l("People holding a seat"), "waitlisted": _l("People on the waitlist"),
                 "all": _l("Everyone signed up"), "supervisor": _l("The supervising agency"),
                 "authority": _l("The integrity authority")},
    "failure": {"unknown_account": _l("No account has this address"), "wrong_password": _l("Wrong password"),
                "locked": _l("Account locked"), "suspended": _l("Account suspended"),
                "unverified": _l("Email address not confirmed"), "wrong_code": _l("Wrong code"),
                "wrong_confirmation": _l("Wrong password or code")},
    "measure": MEASURES,
    "side": {"asker": _l("The asking agency"), "authority": _l("The integrity authority")},
    "second_step": {"totp": _l("Code from the authenticator app"), "recovery_code": _l("Recovery code")},
    "new": {**_ROLES, **_REPORT_STATUSES},
    "old": {**_ROLES, **_REPORT_STATUSES},
    "reason": HIDDEN_REASONS,
    "role": _ROLES,
}


def _readable(code: str) -> str:
    words = code.replace("_", " ").replace(".", " · ")
    return words[:1].upper() + words[1:]


def action_label(code: str) -> str:
    """The words for an action; an action without words reads as its code spelt out."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else _readable(code)


def target_type_label(code: str) -> str:
    label = TARGET_TYPES.get(code)
    return str(label) if label is not None else _readable(code)


def _key(code: str) -> str:
    label = DETAIL_KEYS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, item) for item in value if item is not None) or "—"
    if isinstance(value, dict):
        return ", ".join(_line(_key(name), _value(name, item)) for name, item in value.items())
    words = DETAIL_VALUES.get(key, {}).get(str(value))
    return str(words) if words is not None else str(value)


def _line(key: str, value: str) -> str:
    # Translators: one detail of an audit entry, like "Reason: spam"; Chinese uses a full-width colon.
    return _("%(key)s: %(value)s", key=key, value=value)


def detail_lines(details: Mapping[str, Any] | None) -> list[str]:
    """The details as "key: value" lines in the page's language; field changes as "before → after"."""
    lines = []
    for key, value in (details or {}).items():
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                before, after = change if isinstance(change, list | tuple) and len(change) == 2 else (None, change)
                lines.append(_line(_key(field), f"{_value(field, before)} → {_value(field, after)}"))
        else:
            lines.append(_line(_key(key), _value(key, value)))
    return lines


@dataclass(frozen=True)
class TrailRow:
    """One audit entry as people read it."""

    created_at: datetime
    action: str
    action_label: str
    target_type: str
    target_type_label: str
    target_id: str
    target_name: str
    actor_name: str
    actor_role: str
    details: list[str]


def _actor(entry: AuditEntry, actors: Mapping[int, User], locale: str) -> tuple[str, str]:
    if entry.actor_id is None:
        return _("the system"), ""
    user = actors.get(entry.actor_id)
    if user is None or user.deleted_at is not None:
        return _("former user"), ""
    role = role_label(user.role)
    if user.agency is not None:
        # Translators: an account's role and the agency it works for, like "機關承辦人員（臺北市政府）".
        role = _("%(role)s (%(agency)s)", role=role, agency=user.agency.name(locale))
    return queries.person_name(user), role


def _target_name(entry: AuditEntry, names: Mapping[queries.TargetKey, str]) -> str:
    if entry.target_id == "*":
        return _("Several at once")
    return names.get((entry.target_type, entry.target_id), entry.target_id)


def read(session: Session, entries: Sequence[AuditEntry], locale: str) -> list[TrailRow]:
    """The entries as rows to read: one query for the actors and one per type of target."""
    actors = queries.get_users_by_id(session, (entry.actor_id for entry in entries))
    names = queries.get_target_names(session, ((entry.target_type, entry.target_id) for entry in entries), locale)
    rows = []
    for entry in entries:
        actor_name, actor_role = _actor(entry, actors, locale)
        rows.append(TrailRow(
            created_at=entry.created_at, action=entry.action, action_label=action_label(entry.action),
            target_type=entry.target_type, target_type_label=target_type_label(entry.target_type),
            target_id=entry.target_id, target_name=_target_name(entry, names), actor_name=actor_name,
            actor_role=actor_role, details=detail_lines(entry.details)))
    return rows


def columns() -> list[str]:
    """The columns of the page and of its CSV, in order."""
    return [_("When"), _("Action"), _("Target type"), _("Target"), _("Who"), _("Role"), _("Details")]


def csv_cells(row: TrailRow) -> list[str]:
    """One row of the CSV, the time in Taipei with its offset (the download guards the cells)."""
    return [isoformat(row.created_at), row.action_label, row.target_type_label, row.target_name, row.actor_name,
            row.actor_role, "; ".join(row.details)]


def action_choices() -> list[tuple[str, str]]:
    """Every action with its words, grouped by domain, for the trail's filter."""
    return [(code, str(label)) for code, label in sorted(ACTION_LABELS.items())]


def target_type_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in sorted(TARGET_TYPES.items())]
