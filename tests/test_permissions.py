"""The permission map: what each role holds, that every view declares its audience, and that the
templates ask the map rather than compare role names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint, render_template_string
from flask_login import AnonymousUserMixin, login_user

from civic.accounts.models import User
from civic.core.permissions import ROLE_PERMISSIONS, SYSTEM, Permission, allowed, permissions_of, roles_with
from civic.core.roles import Role
from civic.extensions import db
from civic.web.access import (
    PERMISSION,
    PUBLIC,
    SIGNED_IN,
    declared_access,
    permission_required,
    public,
    undeclared_endpoints,
)
from tests import test_access
from tests.conftest import make_app
from tests.support import login

STAFF = {Permission.apply_for_cases, Permission.edit_agency_cases, Permission.answer_feedback,
         Permission.hold_workshops, Permission.ask_consultations, Permission.use_api_tokens}
ADMIN = {Permission.use_admin_area, Permission.review_applications, Permission.edit_any_case,
         Permission.feature_cases, Permission.manage_agencies, Permission.manage_sectors,
         Permission.manage_commitments, Permission.manage_calendar, Permission.manage_pledges,
         Permission.administer_users, Permission.read_audit_trail, Permission.send_notifications,
         Permission.moderate_comments, Permission.answer_consultations, Permission.edit_report_notice,
         Permission.use_api_tokens, Permission.moderate_apps, Permission.manage_challenges}


def test_each_role_holds_exactly_its_permissions():
    assert {
        Role.citizen: frozenset(),
        Role.supplier: frozenset(),
        Role.staff: STAFF,
        Role.moderator: {Permission.moderate_comments, Permission.moderate_apps},
        Role.admin: ADMIN,
        Role.integrity_officer: {Permission.read_reports},
    } == ROLE_PERMISSIONS


def test_administrators_do_not_read_confidential_reports():
    assert Permission.read_reports not in ROLE_PERMISSIONS[Role.admin]
    assert roles_with(Permission.read_reports) == [Role.integrity_officer]


def test_every_permission_is_held_by_some_role():
    assert set().union(*ROLE_PERMISSIONS.values()) == set(Permission)


@pytest.mark.parametrize("role", list(Role))
def test_a_signed_in_active_user_holds_the_permissions_of_their_role(app, role):
    user = User(email="x@example.tw", role=role)
    assert permissions_of(user) == ROLE_PERMISSIONS[role]
    assert all(allowed(user, permission) == (permission in ROLE_PERMISSIONS[role]) for permission in Permission)


@pytest.mark.parametrize("who", [None, AnonymousUserMixin()], ids=["nobody", "anonymous"])
def test_nobody_and_anonymous_visitors_hold_nothing(who):
    assert permissions_of(who) == frozenset()
    assert not any(allowed(who, permission) for permission in Permission)


def test_a_suspended_or_deleted_administrator_holds_nothing(app):
    from civic.core.time import utcnow

    assert permissions_of(User(email="a@example.tw", role=Role.admin, suspended_at=utcnow())) == frozenset()
    assert permissions_of(User(email="b@example.tw", role=Role.admin, deleted_at=utcnow())) == frozenset()


def test_a_role_the_map_does_not_know_holds_nothing(app):
    assert permissions_of(User(email="x@example.tw", role="auditor")) == frozenset()


def test_queries_that_pick_people_ask_which_roles_hold_a_permission():
    assert roles_with(Permission.answer_feedback) == [Role.staff]
    assert roles_with(Permission.moderate_comments) == [Role.admin, Role.moderator]
    assert roles_with(Permission.review_applications) == [Role.admin]


def test_the_system_actor_holds_everything():
    assert permissions_of(SYSTEM) == frozenset(Permission)


# Views: deny by default.


def test_every_view_declares_its_audience(app):
    assert list(undeclared_endpoints(app)) == [], "mark these @public, @signed_in or @permission_required(...)"


def test_the_declarations_agree_with_the_access_matrix(app):
    """tests/test_access.py says who reaches what; the decorators must say the same."""
    expected = {test_access.PUBLIC: PUBLIC, test_access.SIGNED_IN: SIGNED_IN, test_access.AUTHOR: SIGNED_IN,
                test_access.CASE_EDITORS: SIGNED_IN, test_access.COMPANY_REPRESENTATIVES: SIGNED_IN}
    for endpoint, audience in test_access.ACCESS.items():
        declared = declared_access(app, endpoint)
        assert declared.audience == expected.get(audience, PERMISSION), endpoint


def test_every_admin_view_needs_an_administrator_permission(app):
    for endpoint, audience in test_access.ACCESS.items():
        if audience == test_access.ADMIN:
            permissions = declared_access(app, endpoint).permissions
            assert permissions and all(ROLE_PERMISSIONS[Role.admin] >= {p} for p in permissions), endpoint
            assert not permissions & ROLE_PERMISSIONS[Role.staff], endpoint


def test_the_check_names_a_view_without_a_declaration(database_url, smtp_server):
    """A throwaway app with one view of each kind: only the undeclared and the contradictory are named."""
    other = make_app(database_url, smtp_server.port)
    throwaway = Blueprint("throwaway", __name__, url_prefix="/throwaway")
    throwaway.add_url_rule("/open", "open", public(lambda: "open"))
    throwaway.add_url_rule("/forgotten", "forgotten", lambda: "forgotten")
    walled = Blueprint("walled", __name__, url_prefix="/walled")
    walled.before_request(permission_required(Permission.manage_agencies)(lambda: None))
    walled.add_url_rule("/behind", "behind", lambda: "behind the wall")
    walled.add_url_rule("/open", "open", public(lambda: "says open, is not"))
    other.register_blueprint(throwaway)
    other.register_blueprint(walled)
    other.add_url_rule("/loose", "loose", lambda: "no blueprint")
    assert list(undeclared_endpoints(other)) == ["loose", "throwaway.forgotten", "walled.open"]
    assert declared_access(other, "walled.behind").permissions == {Permission.manage_agencies}


def test_a_permission_view_sends_visitors_to_sign_in_and_refuses_others(app, client, citizen, admin):
    assert client.get("/admin/agencies").status_code == 302
    login(client, citizen)
    assert client.get("/admin/agencies").status_code == 403
    other = app.test_client()
    login(other, admin)
    assert other.get("/admin/agencies").status_code == 200


# Templates.


def test_no_template_compares_role_names():
    role_check = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|has_role\(")
    found = [str(path) for path in Path("templates").rglob("*.html") if role_check.search(path.read_text())]
    assert found == []


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "moderator", "admin"])
def test_can_in_a_template_reads_the_signed_in_user_without_a_query(app, request, count_queries, role):
    account = request.getfixturevalue(role)
    template = "{% for p in names %}{{ p }}={{ can(p) }};{% endfor %}"
    with app.test_request_context():
        login_user(db.session.get(User, account.id))
        with count_queries() as queries:
            shown = render_template_string(template, names=[p.value for p in Permission])
        assert queries == []
    held = ROLE_PERMISSIONS[Role(role)]
    assert shown == "".join(f"{p}={p in held};" for p in Permission)


def test_can_refuses_a_permission_name_it_does_not_know(app):
    with app.test_request_context(), pytest.raises(ValueError):
        render_template_string("{{ can('rule_the_world') }}")


@pytest.mark.parametrize(("role", "links", "absent"), [
    ("citizen", [], ["/staff/cases", "/staff/", "/staff/workshops/", "/moderation/", "/admin/"]),
    ("staff", ["/staff/cases", "/staff/", "/staff/workshops/"], ["/moderation/", "/admin/"]),
    ("moderator", ["/moderation/"], ["/staff/cases", "/admin/"]),
    ("admin", ["/admin/", "/moderation/"], ["/staff/cases", "/staff/workshops/"]),
])
def test_the_navigation_shows_what_the_permissions_open(app, request, role, links, absent):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    page = client.get("/").get_data(as_text=True)
    for link in links:
        assert f'class="govuk-service-navigation__link" href="{link}"' in page, link
    for link in absent:
        assert f'class="govuk-service-navigation__link" href="{link}"' not in page, link
