"""The reporter's pages: /report to file a confidential report, /report/status to follow it with its
receipt and passphrase and to write to its officers.

No account is needed and none is used: a signed-in person files as anyone does. The passphrase is
shown once, in the answer to the POST that filed the report, and is never put in an address, the
visit's cookie, a log or a cache; every answer here says ``Cache-Control: no-store``. The rate
limits count a keyed hash of the client's address and of the receipt, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from civic.agencies.queries import list_active_agencies
from civic.core.errors import DomainError
from civic.extensions import db, limiter
from civic.reports import attachments, intake, labels, notice, passphrases
from civic.reports.forms import LookupForm, MessageForm, ReportForm
from civic.reports.models import ConfidentialReport, ReportStatus
from civic.web.access import public
from civic.web.forms import attach_rule_errors, form_status, refusal

bp = Blueprint("reports", __name__)

STATUS_EXPLANATIONS = {
    ReportStatus.received: _l("Your report has arrived. An integrity officer will read it and may ask you "
                              "questions here."),
    ReportStatus.under_review: _l("Integrity officers are looking into what you reported."),
    ReportStatus.referred: _l("The integrity officers have passed your report to the prosecutors."),
    ReportStatus.closed: _l("The integrity officers have finished with your report."),
}
NOT_FOUND = _l("We found no report with this receipt and passphrase.")
# Room for every attachment at its largest, and for the text around them.
FORM_ROOM = 1024 * 1024


@bp.url_value_preprocessor
def _room_for_attachments(endpoint: str | None, _values) -> None:
    """Let a report with its attachments in. This runs before every ``before_request`` hook of the
    application, and those (the input gate, the CSRF check) read the form, which is when the size
    of the request is checked: a hook of this blueprint would come too late."""
    if endpoint == "reports.new" and request.method == "POST":
        request.max_content_length = attachments.most_files() * attachments.largest_file() + FORM_ROOM


@bp.after_request
def _kept_nowhere(response):
    """No browser, proxy or shared cache keeps these pages, and no link from them says where from."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _keyed(kind: str, value: str) -> str:
    """A keyed hash of ``value``: the limiter's store and its log see this, never the value."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return f"report-{kind}:" + hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _client_key() -> str:
    return _keyed("client", request.remote_addr or "")


def _receipt_key() -> str:
    return _keyed("receipt", passphrases.normalize_receipt(request.form.get("receipt", "")))


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _status_limit() -> str:
    return current_app.config["REPORT_STATUS_RATE_LIMIT"]


def _missed(response) -> bool:
    """Only a wrong receipt or passphrase counts: a reporter following a report and writing to its
    officers is never stopped, while guessing stops after a few tries."""
    return response.status_code == 404


# Looking a report up and writing on it share the counters: both try a receipt and a passphrase.
_per_receipt = limiter.shared_limit(_status_limit, scope="report-status-receipt", key_func=_receipt_key,
                                    methods=["POST"], deduct_when=_missed)
_per_client = limiter.shared_limit(_status_limit, scope="report-status-client", key_func=_client_key,
                                   methods=["POST"], deduct_when=_missed)


def _locale() -> str:
    return str(get_locale())


def _notice_paragraphs() -> list[str]:
    text = notice.current_notice(db.session).body(_locale())
    return [paragraph.strip() for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if paragraph.strip()]


def _show_form(form: ReportForm, status: int):
    return render_template("reports/new.html", form=form, notice=_notice_paragraphs(),
                           most_files=attachments.most_files(),
                           largest_mb=attachments.megabytes(attachments.largest_file())), status


def _uploads(form: ReportForm) -> list[attachments.Upload]:
    """The files chosen, each read up to one byte past the largest size taken (a browser sends an
    empty part when none is chosen)."""
    limit = attachments.largest_file() + 1
    return [attachments.Upload(filename=storage.filename, content=storage.read(limit))
            for storage in form.attachments.data or [] if storage and storage.filename]


def _one_per_field(errors: list[DomainError]) -> list[DomainError]:
    """The problems with the files said together, so each refused file is named, not only the first."""
    files = [error.message for error in errors if error.field == attachments.FIELD]
    others = [error for error in errors if error.field != attachments.FIELD]
    return others + ([DomainError(" ".join(files), field=attachments.FIELD)] if files else [])


@bp.route("/report", methods=["GET", "POST"])
@public
@limiter.limit(_report_limit, key_func=_client_key, methods=["POST"])
def new():
    """The report form; a report that passes is filed, and its receipt and passphrase are shown once."""
    # A case page links here with its slug, so the report starts about that case.
    form = (ReportForm() if request.method == "POST"
            else ReportForm(case=request.args.get("case", "")[:300], submission=secrets.token_urlsafe(16)))
    form.set_agencies(list_active_agencies(db.session), _locale())
    if not form.is_submitted():
        return _show_form(form, 200)
    uploads = _uploads(form)
    data = form.report_input()
    if not form.validate():
        attach_rule_errors(form, _one_per_field(intake.report_errors(db.session, data, uploads)), "body")
        return _show_form(form, form_status(form))
    try:
        report, passphrase = intake.file_report(db.session, data, uploads)
    except intake.AlreadyFiled as earlier:
        # The receipt page reloaded, or the button pressed twice: that report stands, its passphrase
        # was shown once and is not kept.
        return render_template("reports/filed.html", receipt=earlier.receipt, passphrase=None)
    except intake.ReportRefused as refused:
        db.session.rollback()
        attach_rule_errors(form, _one_per_field(refused.errors), "body")
        return _show_form(form, 422)
    receipt = report.receipt
    db.session.commit()
    return render_template("reports/filed.html", receipt=receipt, passphrase=passphrase)


def _not_found():
    """The one answer to a receipt no report has and to a wrong passphrase: the empty form again."""
    # The receipt as typed stays, to be corrected; it is echoed alike whether or not a report has it.
    form = LookupForm(formdata=None, receipt=request.form.get("receipt", "")[:40])
    form.receipt.errors = [str(NOT_FOUND)]
    return render_template("reports/status.html", lookup=form), 404


def _show_status(report: ConfidentialReport, *, message_form: MessageForm | None = None, sent: bool = False,
                 status: int = 200):
    shown = intake.with_messages(db.session, report.id)
    if message_form is None:
        message_form = MessageForm(formdata=None, receipt=shown.receipt,
                                   passphrase=passphrases.normalize_passphrase(request.form.get("passphrase", "")))
    return render_template("reports/status.html", report=shown, message_form=message_form, sent=sent,
                           statuses=labels.STATUSES, explanations=STATUS_EXPLANATIONS,
                           closed=ReportStatus.closed), status


@bp.route("/report/status", methods=["GET", "POST"])
@public
@_per_receipt
@_per_client
def status():
    """Follow a report: with its receipt and passphrase, its status and the messages exchanged."""
    form = LookupForm()
    if not form.is_submitted():
        return render_template("reports/status.html", lookup=form), 200
    if not form.validate():
        return render_template("reports/status.html", lookup=form), 422
    report = intake.open_report(db.session, form.receipt.data, form.passphrase.data)
    if report is None:
        return _not_found()
    return _show_status(report)


@bp.post("/report/status/message")
@public
@_per_receipt
@_per_client
def message():
    """Write to the report's officers; the receipt and passphrase come again with the message."""
    form = MessageForm()
    valid = form.validate_on_submit()
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        abort(400)
    report = intake.open_report(db.session, form.receipt.data or "", form.passphrase.data or "")
    if report is None:
        return _not_found()
    if not valid:
        return _show_status(report, message_form=form, status=422)
    with refusal(form, "message") as refused:
        intake.reporter_message(db.session, report, form.message.data)
    if refused:
        return _show_status(report, message_form=form, status=422)
    db.session.commit()
    return _show_status(report, sent=True)
