"""Every service that changes state checks its actor: a guard from the permission map, or a reason
written here why the check is the object's own (one's own account, a secret token) or why no one
acts (a scheduled job, a read, a pure rule).

A new public function in one of MODULES fails the first test until it is guarded or listed.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Mapping
from inspect import Parameter
from types import ModuleType

import pytest

from civic.accounts.models import User
from civic.core.errors import PermissionDenied
from civic.core.permissions import ROLE_PERMISSIONS, SYSTEM, Permission, guarded
from civic.core.roles import Role
from civic.extensions import db

# Every module whose public functions change state: each domain's services, and the rule modules
# that outgrew them.
MODULES = [
    "civic.accounts.services",
    "civic.accounts.administration",
    "civic.agencies.services",
    "civic.agencies.importing",
    "civic.cases.services",
    "civic.cases.parts",
    "civic.cases.sectors",
    "civic.commitments.services",
    "civic.digests.services",
    "civic.feedback.services",
    "civic.feedback.deadlines",
    "civic.feedback.follow_ups",
    "civic.feedback.moderation",
    "civic.integrations.services",
    "civic.integrations.idempotency",
    "civic.integrations.webhooks",
    "civic.integrations.sender",
    "civic.integrations.line.services",
    "civic.notifications.services",
    "civic.pledges.services",
    "civic.reports.services",
    "civic.reports.notice",
    "civic.reports.retention",
    "civic.reports.rotation",
    "civic.workshops.services",
    "civic.workshops.participants",
    "civic.reports.intake",
    "civic.showcase.services",
]

OWN_ACCOUNT = "a person acting on their own account; the service checks it is theirs"
TOKEN = "the secret token from the mail is the key"
READ = "reads only"
RULE = "a pure rule: checks input, writes nothing"
INSIDE = "called only from inside guarded services, after their check"
SCHEDULE = "a scheduled job run by the command line, with no actor"

UNGUARDED = {
    "civic.accounts.services.register": "anyone may register an account",
    "civic.accounts.services.resend_verification": TOKEN,
    "civic.accounts.services.verify_email": TOKEN,
    "civic.accounts.services.request_password_reset": "anyone may ask; the mail goes to the owner",
    "civic.accounts.services.check_reset_token": TOKEN,
    "civic.accounts.services.reset_password": TOKEN,
    "civic.accounts.services.start_session": "signing in: the password (and code) was checked just before",
    "civic.accounts.services.load_session": TOKEN,
    "civic.accounts.services.end_session": TOKEN,
    "civic.accounts.services.end_session_by_id": OWN_ACCOUNT,
    "civic.accounts.services.end_all_sessions": OWN_ACCOUNT,
    "civic.accounts.services.end_other_sessions": OWN_ACCOUNT,
    "civic.accounts.services.change_password": OWN_ACCOUNT,
    "civic.accounts.services.update_profile": OWN_ACCOUNT,
    "civic.accounts.services.delete_account": OWN_ACCOUNT,
    "civic.accounts.services.create_user": "the command line and accepted invitations create accounts",
    "civic.accounts.services.get_or_create_company": INSIDE,
    "civic.accounts.services.get_or_add_unnamed_company": INSIDE,
    "civic.accounts.administration.check_invitation": TOKEN,
    "civic.accounts.administration.accept_invitation": TOKEN,
    "civic.agencies.services.agency_errors": RULE,
    "civic.agencies.services.validate_agency": RULE,
    "civic.accounts.services.ubn_errors": RULE,
    "civic.accounts.administration.role_errors": RULE,
    "civic.cases.services.case_errors": RULE,
    "civic.cases.services.amount_errors": RULE,
    "civic.cases.parts.meeting_errors": RULE,
    "civic.cases.parts.milestone_errors": RULE,
    "civic.cases.parts.document_errors": RULE,
    "civic.cases.parts.contract_errors": RULE,
    "civic.cases.parts.tender_errors": RULE,
    "civic.cases.parts.variation_errors": RULE,
    "civic.cases.parts.funding_errors": RULE,
    "civic.commitments.services.target_errors": RULE,
    "civic.commitments.services.milestone_errors": RULE,
    "civic.accounts.services.password_errors": RULE,
    "civic.agencies.importing.parse": READ,
    "civic.cases.services.validate_amount": RULE,
    "civic.cases.services.validate_risk": RULE,
    "civic.cases.services.risk_from_input": RULE,
    "civic.cases.services.refresh_completeness": INSIDE,
    "civic.cases.parts.case_session": READ,
    "civic.cases.parts.validate_member": RULE,
    "civic.cases.parts.validate_meeting": RULE,
    "civic.cases.parts.validate_milestone": RULE,
    "civic.cases.parts.validate_document": RULE,
    "civic.cases.sectors.case_counts": READ,
    "civic.feedback.services.submit_comment": "any verified person comments; can_comment checks the author",
    "civic.feedback.services.edit_comment": "the author only; can_edit_comment checks it",
    "civic.feedback.services.delete_comment": "the author only; can_delete_comment checks it",
    "civic.feedback.deadlines.recompute_deadlines": INSIDE,
    "civic.digests.services.send_due_digests": SCHEDULE,
    "civic.digests.services.choose_frequency": OWN_ACCOUNT,
    "civic.feedback.deadlines.check_deadlines": SCHEDULE,
    "civic.feedback.follow_ups.follow_up": "the item's author only; can_follow_up checks it",
    "civic.feedback.follow_ups.follow_up_until": READ,
    "civic.feedback.moderation.report_comment": "anyone signed in; can_report checks the reporter",
    "civic.feedback.moderation.follow": OWN_ACCOUNT,
    "civic.feedback.moderation.unfollow": "the unsubscribe link's secret token is the key",
    "civic.notifications.services.enqueue": INSIDE,
    "civic.notifications.services.count_by_status": READ,
    "civic.notifications.services.oldest_waiting": READ,
    "civic.notifications.services.list_failed": READ,
    "civic.pledges.services.claim_company": OWN_ACCOUNT,
    "civic.pledges.services.sign": "a confirmed representative only; can_sign_for checks it",
    "civic.pledges.services.withdraw": "a confirmed representative only; the service checks it",
    "civic.pledges.services.submit_assessment": "a confirmed representative only; can_assess_for checks it",
    "civic.pledges.services.version_error": RULE,
    "civic.pledges.services.content_of": READ,
    "civic.pledges.services.company_by_ubn": READ,
    "civic.workshops.services.new_token": RULE,
    "civic.workshops.services.workshop_errors": RULE,
    "civic.feedback.deadlines.extension_window": READ,
    "civic.feedback.deadlines.extension_errors": RULE,
    "civic.workshops.services.signup_errors": RULE,
    "civic.workshops.services.sign_up": "anyone may sign up; can_sign_up refuses suspended accounts",
    "civic.workshops.services.cancel_registration": ("the token holder, the signed-in person whose sign-up it is, "
                                                   "or the holding agency's staff (can_cancel_registration)"),
    "civic.workshops.services.send_reminders": SCHEDULE,
    "civic.workshops.participants.attendance_opens": READ,
    "civic.reports.intake.file_report": "anyone may report wrongdoing, without an account; nothing names who did",
    "civic.reports.intake.report_errors": RULE,
    "civic.reports.intake.open_report": READ,
    "civic.reports.intake.with_messages": READ,
    "civic.reports.intake.reporter_message": "the holder of the receipt and passphrase; open_report checks both",
    "civic.reports.notice.current_notice": READ,
    "civic.reports.notice.notice_errors": RULE,
    "civic.reports.retention.retention_days": READ,
    "civic.reports.retention.purge_closed_reports": SCHEDULE,
    "civic.reports.rotation.encrypted_columns": READ,
    "civic.reports.rotation.rotate_all": "the command line re-encrypts with the newest key; no text changes",
    "civic.reports.services.status_errors": RULE,
    "civic.integrations.services.token_errors": RULE,
    "civic.showcase.services.web_address_error": RULE,
    "civic.showcase.services.app_errors": RULE,
    "civic.showcase.services.challenge_errors": RULE,
    "civic.showcase.services.submit_app": "anyone signed in submits an app; can_submit checks the account",
    "civic.showcase.services.edit_app": "the app's maker only; is_maker checks it",
    "civic.showcase.services.withdraw_app": "the app's maker only; is_maker checks it",
    "civic.integrations.services.hash_secret": RULE,
    "civic.integrations.services.new_secret": RULE,
    "civic.integrations.webhooks.resolver": READ,
    "civic.integrations.webhooks.check_address": RULE,
    "civic.integrations.webhooks.webhook_errors": RULE,
    "civic.integrations.webhooks.create_webhook": "any confirmed account, for itself; can_use_webhooks checks it",
    "civic.integrations.webhooks.disable_webhook": OWN_ACCOUNT,
    "civic.integrations.webhooks.enable_webhook": OWN_ACCOUNT,
    "civic.integrations.webhooks.rotate_secret": OWN_ACCOUNT,
    "civic.integrations.webhooks.send_ping": OWN_ACCOUNT,
    "civic.integrations.webhooks.delete_webhook": OWN_ACCOUNT,
    "civic.integrations.webhooks.delivered": "called only by the webhook sender, a scheduled job with no actor",
    "civic.integrations.webhooks.failed_for_good": "called only by the webhook sender, a scheduled job with no actor",
    "civic.integrations.sender.send_due": SCHEDULE,
    "civic.integrations.sender.fan_out": SCHEDULE,
    "civic.integrations.sender.deliver_due": SCHEDULE,
    "civic.integrations.sender.register": "wires the sender into `mail send` when the app is made",
    "civic.integrations.idempotency.fingerprint": RULE,
    "civic.integrations.idempotency.find": READ,
    "civic.integrations.idempotency.store": ("the write API's answer, stored with the change it answers once the "
                                             "token and the change's own service have checked the holder"),
    "civic.integrations.idempotency.purge": SCHEDULE,
    "civic.integrations.services.authenticate": ("the presented token is the key; it checks the holder still "
                                                 "holds use_api_tokens and writes only when it was last used"),
    "civic.integrations.line.services.issue_code": OWN_ACCOUNT,
    "civic.integrations.line.services.set_notifying": OWN_ACCOUNT,
    "civic.integrations.line.services.unlink": OWN_ACCOUNT,
    "civic.integrations.line.services.link_with_code": "the one-time code, shown only to its account, is the key",
    "civic.integrations.line.services.forget_line_user": "LINE's signed webhook says the person unfollowed",
    "civic.integrations.line.services.stop_unreachable": "the LINE sender, after LINE refused a push for good",
}


def public_functions(module: ModuleType) -> Iterable[tuple[str, object]]:
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("_") and function.__module__ == module.__name__:
            yield f"{module.__name__}.{name}", function


def unchecked(modules: Iterable[ModuleType], unguarded: Mapping[str, str]) -> list[str]:
    """Name each public function with neither a guard nor a listed reason."""
    return [name for module in modules for name, function in public_functions(module)
            if getattr(function, "guard", None) is None and name not in unguarded]


def guarded_functions() -> list[tuple[str, object]]:
    return [(name, function) for module in map(importlib.import_module, MODULES)
            for name, function in public_functions(module) if getattr(function, "guard", None) is not None]


def test_every_service_that_changes_state_checks_its_actor():
    missing = unchecked(map(importlib.import_module, MODULES), UNGUARDED)
    assert missing == [], f"guard these with @guarded(...) or say why not in UNGUARDED: {missing}"


def test_the_list_of_exceptions_names_only_unguarded_functions_that_exist():
    functions = dict(name_function for module in map(importlib.import_module, MODULES)
                     for name_function in public_functions(module))
    assert [name for name in UNGUARDED if name not in functions] == []
    assert [name for name in UNGUARDED if getattr(functions[name], "guard", None) is not None] == []


def test_the_check_names_a_state_change_without_a_guard():
    module = ModuleType("civic.example.services")

    @guarded(Permission.manage_agencies)
    def rename_agency(session, *, actor):
        """A guarded change."""

    def delete_everything(session, *, actor):
        """A change that forgot its guard."""

    def list_things(session):
        """A read, listed with its reason."""

    for function in (rename_agency, delete_everything, list_things):
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)
    assert unchecked([module], {"civic.example.services.list_things": READ}) == [
        "civic.example.services.delete_everything"]


def test_a_guard_needs_a_keyword_only_actor_and_a_permission():
    with pytest.raises(TypeError):
        guarded(Permission.manage_agencies)(lambda session, actor: None)
    with pytest.raises(TypeError):
        guarded()


def _test_id(value) -> str:
    """The service's dotted name as the test's id; the function itself adds nothing (its repr holds
    an address that differs from one test process to the next)."""
    return value if isinstance(value, str) else "guarded"


def _call(function, actor) -> None:
    """Call ``function`` with placeholders: the guard refuses before its body reads any of them."""
    parameters = inspect.signature(function).parameters.values()
    positional = [None for p in parameters if p.kind is Parameter.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    keywords = {p.name: None for p in parameters
                if p.kind is Parameter.KEYWORD_ONLY and p.default is p.empty and p.name != "actor"}
    function(*positional, **keywords, actor=actor)


@pytest.mark.parametrize(("name", "function"), guarded_functions(), ids=_test_id)
def test_each_guard_refuses_citizens_suppliers_and_nobody(app, citizen, supplier, name, function):
    with app.test_request_context():
        for account in (citizen, supplier):
            with pytest.raises(PermissionDenied):
                _call(function, db.session.get(User, account.id))
        with pytest.raises(PermissionDenied):
            _call(function, None)


@pytest.mark.parametrize(("name", "function"), guarded_functions(), ids=_test_id)
def test_each_guard_refuses_every_role_without_its_permission(app, staff, moderator, admin, name, function):
    with app.test_request_context():
        for account in (staff, moderator, admin):
            user = db.session.get(User, account.id)
            if not function.guard & ROLE_PERMISSIONS[Role(user.role)]:
                with pytest.raises(PermissionDenied):
                    _call(function, user)


def test_a_guard_refuses_a_suspended_administrator(app, admin):
    from civic.agencies.services import create_agency

    with app.test_request_context():
        user = db.session.get(User, admin.id)
        user.suspended_at = user.created_at
        with pytest.raises(PermissionDenied):
            create_agency(db.session, code="S00000001", name_zh="停權者建立", actor=user)


def test_the_system_actor_passes_every_guard_and_is_recorded_as_no_one(app):
    from civic.agencies.queries import get_agency_by_code
    from civic.agencies.services import create_agency
    from civic.core.audit import AuditEntry

    with app.test_request_context():
        create_agency(db.session, code="S00000002", name_zh="排程建立", actor=SYSTEM)
        assert get_agency_by_code(db.session, "S00000002") is not None
        entry = db.session.query(AuditEntry).filter_by(action="agency.created", target_id="S00000002").one()
        assert entry.actor_id is None


def test_staff_of_another_agency_pass_the_guard_but_not_the_object_check(app, staff, other_agency_staff,
                                                                          application):
    from civic.cases import queries as case_queries
    from civic.cases.services import resubmit_application

    with app.test_request_context():
        case = case_queries.get_case_by_slug(db.session, application)
        with pytest.raises(PermissionDenied):
            resubmit_application(db.session, case, actor=db.session.get(User, other_agency_staff.id))
