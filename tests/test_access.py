"""Who may reach what: every endpoint is classified, and each class is checked for every role.

A new endpoint that is not listed here fails the first test, so no view ships unclassified.
"""

from __future__ import annotations

import pytest

from tests.support import login, post_form

PUBLIC = "public"
SIGNED_IN = "signed in"
STAFF = "staff of any agency"
# The owning agency's staff and admins; checked per role in tests/cases/test_views.py.
CASE_EDITORS = "case editors"
ADMIN = "admins"
# The comment's author; checked in tests/feedback/test_views.py.
AUTHOR = "author"
# Staff of the agency responsible for the item; checked in tests/feedback/test_views.py.
ITEM_HANDLERS = "item handlers"
MODERATORS = "moderators and admins"
# Staff of the agency holding the workshop; checked per role in tests/workshops/test_views.py.
WORKSHOP_HOLDERS = "staff of the holding agency"
# Confirmed representatives of the pledge's company; checked in tests/pledges.
COMPANY_REPRESENTATIVES = "company representatives"
# Staff of the agency that asked the question; every role checked in tests/consultations/test_views.py.
ASKING_AGENCY = "staff of the asking agency"
# Integrity officers of the units a report is routed to; every role checked in tests/reports/test_integrity.py.
INTEGRITY_OFFICERS = "integrity officers the report is routed to"
# Staff and admins, each for their own tokens only; every role checked in tests/integrations/test_tokens.py.
API_TOKEN_HOLDERS = "staff and admins"

ACCESS = {
    "site.home": PUBLIC,
    "site.healthz": PUBLIC,
    "site.status": PUBLIC,
    "site.accessibility": PUBLIC,
    "site.favicon": PUBLIC,
    "accounts.register": PUBLIC,
    "accounts.verify": PUBLIC,
    "accounts.resend_verification": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,
    "accounts.reset_request": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.profile": SIGNED_IN,
    "accounts.update_profile": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.end_other_sessions": SIGNED_IN,
    "accounts.browser_sessions": SIGNED_IN,
    "accounts.end_browser_session": SIGNED_IN,  # own sessions only: tests/accounts/test_sessions_page.py
    "accounts.delete_account": SIGNED_IN,
    "activity.index": SIGNED_IN,  # one's own rows only: tests/site/test_activity.py
    "activity.section": SIGNED_IN,
    "activity.unfollow": SIGNED_IN,  # own subscriptions only; another's answers 404
    "activity.frequency": SIGNED_IN,  # own subscriptions only; another's answers 404 (tests/digests/test_views.py)
    "activity.cancel_registration": SIGNED_IN,  # own sign-ups only; another's answers 404
    "two_factor.login_code": PUBLIC,  # only after a right password: tests/accounts/test_two_factor.py
    "two_factor.setup": SIGNED_IN,
    "two_factor.enrol": SIGNED_IN,
    "two_factor.renew_codes": SIGNED_IN,
    "two_factor.replace": SIGNED_IN,
    "two_factor.turn_off": SIGNED_IN,
    "two_factor.confirm": SIGNED_IN,
    "case_list.index": PUBLIC,
    "case_page.detail": PUBLIC,  # published cases; others 404 (tests/cases/test_views.py)
    "cases.history": PUBLIC,  # as case_page.detail (tests/cases/test_history_pages.py)
    "cases.change": PUBLIC,  # as case_page.detail (tests/cases/test_history_pages.py)
    "agencies.index": PUBLIC,
    "commitments.index": PUBLIC,
    "agencies.detail": PUBLIC,
    "cases_manage.index": STAFF,
    "cases_manage.apply": STAFF,
    "cases_manage.overview": CASE_EDITORS,
    "cases_manage.edit": CASE_EDITORS,
    "cases_manage.resubmit": CASE_EDITORS,
    "cases_manage.part_form": CASE_EDITORS,
    "cases_manage.delete_part": CASE_EDITORS,
    "admin.dashboard": ADMIN,
    "admin_calendar.index": ADMIN,
    "admin.applications": ADMIN,
    "admin.review": ADMIN,
    "admin.best_practice": ADMIN,
    "agencies.chart": PUBLIC,
    "agencies.figures_csv": PUBLIC,
    "agencies.index_csv": PUBLIC,
    "agencies.report_card": PUBLIC,
    "case_page.post_comment": SIGNED_IN,
    "feedback.edit_comment": AUTHOR,
    "feedback.delete_comment": AUTHOR,
    "feedback.report_comment": SIGNED_IN,
    "feedback.status": PUBLIC,
    "feedback.lookup": PUBLIC,
    "feedback.follow": SIGNED_IN,
    "feedback.unfollow": SIGNED_IN,
    "feedback.unsubscribe": PUBLIC,  # the secret token in the mail is the key
    "feedback.follow_up": AUTHOR,  # the item's author; every role checked in tests/feedback/test_follow_up.py
    "feedback_staff.inbox": STAFF,
    "feedback_staff.item": ITEM_HANDLERS,
    "feedback_staff.extend": ITEM_HANDLERS,
    "feedback_staff.respond": ITEM_HANDLERS,
    "feedback_staff.assign": ITEM_HANDLERS,
    "feedback_staff.note": ITEM_HANDLERS,
    "feedback_staff.status": ITEM_HANDLERS,
    "feedback_staff.forward": ITEM_HANDLERS,
    "feedback_staff.acknowledge": ITEM_HANDLERS,
    "accounts.accept_invitation": PUBLIC,  # the signed invitation link is the key
    "admin_agencies.index": ADMIN,
    "admin_agencies.edit": ADMIN,
    "admin_agencies.toggle_active": ADMIN,
    "admin_agencies.delete": ADMIN,
    "admin_agencies.import_csv": ADMIN,
    **{f"admin_commitments.{name}": ADMIN for name in (
        "index", "manage", "edit", "set_target", "remove_target", "milestone", "remove_milestone")},
    "admin_report_notice.edit": ADMIN,  # every role checked in tests/reports/test_notice.py
    "admin_sectors.index": ADMIN,
    "admin_sectors.edit": ADMIN,
    "admin_sectors.delete": ADMIN,
    "admin_people.index": ADMIN,
    "admin_people.invite": ADMIN,
    "admin_people.invitation": ADMIN,
    "admin_people.user": ADMIN,
    "admin_people.change_role": ADMIN,
    "admin_people.suspend": ADMIN,
    "admin_people.reinstate": ADMIN,
    "admin_people.reset_two_factor": ADMIN,
    "admin_people.claim": ADMIN,
    "admin_people.claim_review": ADMIN,
    "admin_trail.trail": ADMIN,
    "admin_trail.trail_csv": ADMIN,
    "admin_trail.mail": ADMIN,
    "admin_trail.retry": ADMIN,
    "pledges.sign": SIGNED_IN,  # and a confirmed company link (tests/pledges)
    "pledges.registry": PUBLIC,
    "pledges.receipt": PUBLIC,
    "pledges.withdraw": COMPANY_REPRESENTATIVES,
    "pledges.company": PUBLIC,
    "pledges.company_search": PUBLIC,
    "pledges.self_assessment": COMPANY_REPRESENTATIVES,  # tests/pledges/test_self_assessment.py
    "pledges.companies": SIGNED_IN,
    "admin_pledges.texts": ADMIN,
    "admin_pledges.breach": ADMIN,
    "admin_pledges.questionnaires": ADMIN,
    "search.index": PUBLIC,
    "workshops.index": PUBLIC,
    "workshops.detail": PUBLIC,
    "workshops.sign_up": PUBLIC,
    "workshops.feed": PUBLIC,
    "workshops.calendar": PUBLIC,
    "workshops.registration": PUBLIC,  # the secret token in the mail is the key
    "workshops.cancel": PUBLIC,  # the secret token in the mail is the key
    "workshops.my_calendar": PUBLIC,  # the secret token in the mail is the key
    "workshops_staff.index": STAFF,
    "workshops_staff.new": STAFF,
    # Anyone may report; a report opens only with its receipt and passphrase (tests/reports/test_reporting.py).
    "reports.new": PUBLIC,
    "reports.status": PUBLIC,
    "reports.message": PUBLIC,
    "consultations.index": PUBLIC,  # published guidance only
    "consultations.detail": PUBLIC,  # published guidance only; others 404
    "integrations.index": API_TOKEN_HOLDERS,
    "integrations.revoke": API_TOKEN_HOLDERS,  # own tokens only; another's answers 404
    # The write API: staff and admins through a token's Authorization header, never a session; every role
    # checked against the staff forms in tests/write_api/test_permission_matrix.py.
    **{f"api_write.{name}": API_TOKEN_HOLDERS for name in (
        "me", "change_case", "answer_feedback", "add_workshop", "change_workshop", "cancel_workshop",
        *(f"{verb}_{kind}" for verb in ("add", "change", "remove") for kind in (
            "members", "meetings", "risks", "milestones", "documents", "contracts", "tenders", "funding",
            "variations")))},
    # Any signed-in account, each for its own hooks only (another's answers 404); every role checked in
    # tests/integrations/test_webhook_pages.py.
    **{f"webhooks.{name}": SIGNED_IN for name in ("index", "detail", "disable", "enable", "ping", "rotate", "delete")},
    # LINE notices answer 404 until LINE is configured; one's own link only (tests/integrations/line/test_pages.py).
    "line.index": SIGNED_IN,
    "line.new_code": SIGNED_IN,
    "line.notices": SIGNED_IN,
    "line.unlink": SIGNED_IN,
    "line.receive": PUBLIC,  # LINE's X-Line-Signature is the key (tests/integrations/line/test_webhook.py)
    "consultations_staff.index": STAFF,
    "consultations_staff.detail": ASKING_AGENCY,
    "consultations_staff.consent": ASKING_AGENCY,
    **{f"admin_consultations.{name}": ADMIN for name in (
        "index", "detail", "answer", "guidance", "publish", "unpublish")},
    **{f"workshops_staff.{name}": WORKSHOP_HOLDERS for name in (
        "manage", "edit", "attendance", "cancel_registration", "export", "message", "cancel")},
    **{f"api.{name}": PUBLIC for name in (
        "index", "openapi", "cases", "case", "case_history",
        "case_oc4ids", "oc4ids_package", "agencies", "agency_stats",
        "comments", "feedback", "export_cases_csv", "export_cases_jsonl", "export_comments_csv",
        "export_comments_jsonl", "workshops", "workshop", "pledges", "export_workshops_csv",
        "export_workshops_jsonl", "export_pledges_csv", "export_pledges_jsonl", "feedback_items", "pledge_texts",
        "commitments", "oc4ids_package_gz",
        *(f"export_{entity}_{fmt}_gz" for entity in ("cases", "comments", "workshops", "pledges")
          for fmt in ("csv", "jsonl")))},
    "feeds.cases": PUBLIC,
    "feeds.case": PUBLIC,
    "feeds.agency": PUBLIC,
    **{f"integrity.{name}": INTEGRITY_OFFICERS for name in (
        "index", "detail", "attachment", "status", "assign", "note", "message")},
    "moderation.queue": MODERATORS,
    "moderation.hide": MODERATORS,
    "moderation.restore": MODERATORS,  # every role checked in tests/feedback/test_moderation.py
    "moderation.hidden": MODERATORS,
    "moderation.keep": MODERATORS,
    "moderation.suspend": MODERATORS,
    # The showcase: published apps are public, others 404 but to their maker and the moderators
    # (tests/showcase/test_submission.py, test_moderation.py).
    **{f"showcase.{name}": PUBLIC for name in ("index", "detail", "screenshot", "challenges")},
    "showcase.submit": SIGNED_IN,
    "showcase.mine": SIGNED_IN,
    "showcase.edit": SIGNED_IN,  # own apps only; another's answers 404
    "showcase.withdraw": SIGNED_IN,  # own apps only; another's answers 404
    # Every role checked in tests/showcase/test_moderation.py and test_challenges.py.
    **{f"admin_apps.{name}": MODERATORS for name in ("index", "review", "approve", "reject", "unpublish")},
    **{f"admin_challenges.{name}": ADMIN for name in ("index", "edit", "delete")},
}

SIGNED_IN_GETS = ["/account", "/account/sessions", "/account/two-factor", "/account/activity",
                  "/account/activity/comments", "/account/webhooks"]
SIGNED_IN_POSTS = ["/account", "/account/password", "/account/sessions/end-others",
                   "/account/sessions/1/end", "/account/delete", "/account/two-factor",
                   "/account/two-factor/recovery-codes", "/account/two-factor/replace",
                   "/account/two-factor/off", "/account/confirm",
                   "/account/activity/following/1/unfollow", "/account/activity/following/1/frequency",
                   "/account/activity/workshops/1/cancel",
                   "/account/webhooks", *(f"/account/webhooks/1/{verb}" for verb in (
                       "disable", "enable", "ping", "rotate", "delete"))]
ROLES = ["citizen", "supplier", "staff", "other_agency_staff", "moderator", "admin", "integrity_officer"]


def test_every_endpoint_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - ACCESS.keys() == set(), "classify the new endpoints in tests/test_access.py"
    assert ACCESS.keys() - endpoints == set()


@pytest.mark.parametrize("path", SIGNED_IN_GETS)
def test_anonymous_visitors_are_sent_to_sign_in(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", SIGNED_IN_POSTS)
def test_anonymous_posts_change_nothing_and_are_sent_to_sign_in(app, path):
    response = post_form(app.test_client(), path, {}, form_page="/login")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_its_own_account(app, request, role):
    account = request.getfixturevalue(role)
    client = app.test_client()
    assert login(client, account).status_code == 302
    for path in SIGNED_IN_GETS:
        page = client.get(path)
        assert page.status_code == 200
        assert account.email in page.get_data(as_text=True)


def test_a_user_only_ever_sees_their_own_account(app, citizen, other_citizen):
    client = app.test_client()
    login(client, citizen)
    page = client.get("/account").get_data(as_text=True)
    assert citizen.email in page and other_citizen.email not in page


def test_every_admin_endpoint_is_behind_the_admin_wall(app):
    """Each admin blueprint refuses non-admins before any view runs (tests/admin checks each role)."""
    admin_blueprints = {name for name in app.blueprints if name == "admin" or name.startswith("admin_")}
    for name in admin_blueprints:
        assert app.before_request_funcs.get(name), f"{name} has no wall"
    assert {endpoint.split(".")[0] for endpoint, access in ACCESS.items() if access == ADMIN} <= admin_blueprints
