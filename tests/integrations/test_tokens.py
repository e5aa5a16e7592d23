"""Personal access tokens on /account/tokens and the lookup the write API will use: a token shown once
and stored only as its hash, its scopes and expiry refused when wrong, revoked by its holder alone, and
refused once expired, revoked, or held by someone suspended or no longer staff or admin."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from civic.accounts import administration
from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.errors import DomainError, PermissionDenied
from civic.core.roles import Role
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.integrations import services
from civic.integrations.models import ApiToken
from civic.integrations.services import TokenInput
from tests.support import post_form, signed_in

PAGE = "/account/tokens"
SHOWN = re.compile(r'<code data-api-token>([^<]+)</code>')


@pytest.fixture
def staff_client(app, staff):
    return signed_in(app, staff)


def make(client, name="工務局案件系統", scopes=("cases:write",), expires_in="90"):
    return post_form(client, PAGE, {"name": name, "scopes": list(scopes), "expires_in": expires_in})


def secret_of(response) -> str:
    [secret] = SHOWN.findall(response.get_data(as_text=True))
    return secret


def tokens(app) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ApiToken.id)))


def create(app, account, *, days=90, scopes=("cases:write",), name="整合") -> tuple[int, str]:
    """A token made through the service, for the lookup tests: its id and its secret."""
    with app.test_request_context():
        made = services.create_token(db.session, TokenInput(name=name, scopes=list(scopes), days=days),
                                     actor=db.session.get(User, account.id))
        db.session.commit()
        return made.token.id, made.secret


def authenticate(app, secret: str) -> int | None:
    with app.test_request_context():
        token = services.authenticate(db.session, secret)
        db.session.commit()
        return token.id if token else None


# Making a token.


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(app, staff, staff_client):
    response = make(staff_client, scopes=("cases:write", "feedback:answer"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = secret_of(response)
    assert re.fullmatch(r"civ_[A-Za-z0-9_-]{43}", secret)
    [token] = tokens(app)
    assert token.user_id == staff.id and token.name == "工務局案件系統"
    assert token.scope_list == ["cases:write", "feedback:answer"]
    assert token.token_hash == services.hash_secret(secret) and token.prefix == secret[:8]
    assert timedelta(days=89, hours=23) < token.expires_at - token.created_at <= timedelta(days=90)
    # Read the raw rows: the secret is in no column of any token.
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    assert rows and all(secret not in str(value) for row in rows for value in row)
    # Nor in the session, nor on the page shown afterwards.
    with staff_client.session_transaction() as session:
        assert secret not in repr(dict(session))
    later = staff_client.get(PAGE).get_data(as_text=True)
    assert secret not in later and "data-api-token" not in later
    assert token.prefix in later


@pytest.mark.parametrize("days", ["0", "366", "1", "abc", ""])
def test_the_form_offers_only_30_90_or_365_days(app, staff_client, days):
    response = make(staff_client, expires_in=days)
    assert response.status_code == 422
    assert "Choose how long the token lives" in response.get_data(as_text=True) or \
        "請選擇權杖的有效期間" in response.get_data(as_text=True)
    assert count(app) == 0


@pytest.mark.parametrize("days", [0, 366, -1, None])
def test_the_rule_refuses_a_token_of_no_days_or_of_more_than_a_year(app, staff, days):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        services.create_token(db.session, TokenInput(name="x", scopes=["cases:write"], days=days),
                              actor=db.session.get(User, staff.id))
    assert refused.value.field == "expires_in"


def test_a_token_of_a_whole_year_is_allowed(app, staff):
    token_id, _secret = create(app, staff, days=365)
    [token] = tokens(app)
    assert token.id == token_id and token.expires_at - token.created_at == timedelta(days=365)


@pytest.mark.parametrize(("scopes", "message"), [
    ((), "Choose at least one thing the token may do."),
    (("cases:write", "admin:everything"), "Choose only from the listed scopes."),
])
def test_a_token_needs_one_or_more_known_scopes(app, staff_client, scopes, message):
    response = post_form(staff_client, PAGE + "?lang=en", {"name": "x", "scopes": list(scopes), "expires_in": "30"},
                         form_page=PAGE + "?lang=en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "There is a problem" in page and "data-api-token" not in page
    assert count(app) == 0


@pytest.mark.parametrize("scopes", [[], ["cases:delete"]])
def test_the_rule_refuses_unknown_or_missing_scopes(app, staff, scopes):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        services.create_token(db.session, TokenInput(name="x", scopes=scopes, days=30),
                              actor=db.session.get(User, staff.id))
    assert refused.value.field == "scopes"


def test_a_name_is_required_and_at_most_80_characters(app, staff_client):
    assert make(staff_client, name="").status_code == 422
    assert make(staff_client, name="字" * 81).status_code == 422
    assert count(app) == 0
    assert make(staff_client, name="字" * 80).status_code == 200


def test_errors_are_in_the_users_language(app, staff_client):
    page = make(staff_client, name="", scopes=()).get_data(as_text=True)
    assert "請輸入權杖的名稱" in page and "請至少選擇一項權杖可做的事" in page
    english = post_form(staff_client, PAGE + "?lang=en", {"name": "", "expires_in": "90"},
                        form_page=PAGE + "?lang=en").get_data(as_text=True)
    assert "Enter a name for the token." in english and "Choose at least one thing the token may do." in english


# The list.


def test_the_list_shows_prefix_scopes_status_and_last_use(app, staff, staff_client):
    token_id, secret = create(app, staff, name="舊系統", scopes=("workshops:write",))
    page = staff_client.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "舊系統" in page and secret[:8] in page and secret not in page
    assert "workshops:write" in page and "Never used" in page and 'data-token-status="active"' in page
    assert authenticate(app, secret) == token_id
    page = staff_client.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "Never used" not in page


def test_another_persons_tokens_are_not_listed(app, staff, admin, staff_client):
    create(app, admin, name="署內工具")
    assert "署內工具" not in staff_client.get(PAGE).get_data(as_text=True)


# Revoking.


def test_the_holder_revokes_a_token_and_it_stops_working(app, staff, staff_client):
    token_id, secret = create(app, staff)
    response = post_form(staff_client, f"{PAGE}/{token_id}/revoke", {}, form_page=PAGE)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    [token] = tokens(app)
    assert token.revoked_at is not None
    assert authenticate(app, secret) is None
    assert 'data-token-status="revoked"' in staff_client.get(PAGE).get_data(as_text=True)
    # Revoking again changes nothing.
    post_form(staff_client, f"{PAGE}/{token_id}/revoke", {}, form_page=PAGE)
    assert tokens(app)[0].revoked_at == token.revoked_at


def test_another_persons_token_answers_404_and_stays(app, staff, other_agency_staff, admin, staff_client):
    for holder in (other_agency_staff, admin):
        token_id, secret = create(app, holder)
        response = post_form(staff_client, f"{PAGE}/{token_id}/revoke", {}, form_page=PAGE)
        assert response.status_code == 404
        assert authenticate(app, secret) == token_id
    assert post_form(staff_client, f"{PAGE}/999999/revoke", {}, form_page=PAGE).status_code == 404


def test_revoking_without_a_csrf_token_is_refused(app, staff, staff_client):
    token_id, secret = create(app, staff)
    assert staff_client.post(f"{PAGE}/{token_id}/revoke").status_code == 400
    assert authenticate(app, secret) == token_id


def test_the_service_refuses_to_revoke_anothers_token(app, staff, admin):
    token_id, _secret = create(app, staff)
    with app.test_request_context(), pytest.raises(PermissionDenied):
        services.revoke_token(db.session, db.session.get(ApiToken, token_id), actor=db.session.get(User, admin.id))


# The lookup the write API will use.


def test_a_valid_token_is_found_and_its_use_recorded_at_most_once_a_minute(app, staff):
    token_id, secret = create(app, staff)
    start = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        assert authenticate(app, secret) == token_id
    assert tokens(app)[0].last_used_at == start
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert authenticate(app, secret) == token_id
    assert tokens(app)[0].last_used_at == start
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert authenticate(app, secret) == token_id
    assert tokens(app)[0].last_used_at == start + timedelta(minutes=1)


@pytest.mark.parametrize("wrong", ["", "civ_", "civ_" + "A" * 43, "Bearer x", "x" * 500, "civ_" + "A" * 200])
def test_a_wrong_token_finds_nothing(app, staff, wrong):
    create(app, staff)
    assert authenticate(app, wrong) is None


def test_a_token_stops_working_when_it_expires(app, staff):
    token_id, secret = create(app, staff, days=30)
    now = utcnow()
    with time_machine.travel(now + timedelta(days=29, hours=23), tick=False):
        assert authenticate(app, secret) == token_id
    with time_machine.travel(now + timedelta(days=30, minutes=1), tick=False):
        assert authenticate(app, secret) is None
        assert tokens(app)[0].status().value == "expired"


def test_a_suspended_holders_tokens_stop_working(app, staff, admin):
    _token_id, secret = create(app, staff)
    with app.test_request_context():
        administration.suspend(db.session, db.session.get(User, staff.id), actor=db.session.get(User, admin.id),
                               reason="離職")
        db.session.commit()
    assert authenticate(app, secret) is None


def test_a_deleted_holders_tokens_stop_working(app, staff):
    _token_id, secret = create(app, staff)
    with app.app_context():
        db.session.get(User, staff.id).deleted_at = utcnow()
        db.session.commit()
    assert authenticate(app, secret) is None


def test_a_holder_demoted_to_citizen_loses_the_tokens(app, staff, admin):
    token_id, secret = create(app, staff)
    assert authenticate(app, secret) == token_id
    with app.test_request_context():
        administration.change_role(db.session, db.session.get(User, staff.id), role=Role.citizen, agency=None,
                                   actor=db.session.get(User, admin.id))
        db.session.commit()
    assert authenticate(app, secret) is None


def test_an_administrators_token_works_too(app, admin):
    token_id, secret = create(app, admin, scopes=("feedback:answer", "workshops:write"))
    assert authenticate(app, secret) == token_id
    with app.app_context():
        token = db.session.get(ApiToken, token_id)
        assert token.allows("workshops:write") and not token.allows("cases:write")


# Who reaches the page.


@pytest.mark.parametrize("role", ["citizen", "supplier", "moderator", "integrity_officer"])
def test_roles_without_the_write_api_are_refused(app, request, role):
    account = request.getfixturevalue(role)
    client = signed_in(app, account)
    assert client.get(PAGE).status_code == 403
    made = post_form(client, PAGE, {"name": "x", "scopes": ["cases:write"], "expires_in": "30"}, form_page="/account")
    assert made.status_code == 403
    assert post_form(client, f"{PAGE}/1/revoke", {}, form_page="/account").status_code == 403
    assert count(app) == 0
    assert PAGE not in client.get("/account").get_data(as_text=True)
    with app.test_request_context(), pytest.raises(PermissionDenied):
        services.create_token(db.session, TokenInput(name="x", scopes=["cases:write"], days=30),
                              actor=db.session.get(User, account.id))


@pytest.mark.parametrize("role", ["staff", "other_agency_staff", "admin"])
def test_staff_and_admins_reach_the_page_from_their_account(app, request, role):
    client = signed_in(app, request.getfixturevalue(role))
    assert f'href="{PAGE}"' in client.get("/account").get_data(as_text=True)
    for locale, heading in (("zh_Hant_TW", "寫入 API 的權杖"), ("en", "Tokens for the write API")):
        page = client.get(PAGE, query_string={"lang": locale})
        assert page.status_code == 200 and heading in page.get_data(as_text=True)
    assert make(client).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# The audit trail.


def test_making_and_revoking_are_audited_without_the_token(app, staff, staff_client):
    secret = secret_of(make(staff_client, scopes=("cases:write",)))
    [token] = tokens(app)
    post_form(staff_client, f"{PAGE}/{token.id}/revoke", {}, form_page=PAGE)
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "api_token", AuditEntry.target_id == str(token.id)).order_by(AuditEntry.id)))
        raw = db.session.execute(text("SELECT * FROM audit_entries")).all()
    assert [(entry.action, entry.actor_id) for entry in entries] == [
        ("api_token.created", staff.id), ("api_token.revoked", staff.id)]
    # The expiry date as the page shows it, in Taipei's calendar.
    assert entries[0].details == {"scopes": ["cases:write"],
                                  "expires_on": to_taipei(token.expires_at).date().isoformat()}
    assert all(secret not in str(value) and token.token_hash not in str(value) for row in raw for value in row)


def test_the_trail_dates_a_token_made_early_in_the_morning_in_taipei(app, staff):
    # 06:30 in Taipei is the evening before in UTC: the trail must name the Taipei date.
    with time_machine.travel(datetime(2026, 12, 6, 22, 30, tzinfo=UTC), tick=False):
        create(app, staff, days=30)
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api_token.created"))
    assert entry.details["expires_on"] == "2027-01-06"


def test_making_a_token_long_after_signing_in_asks_for_the_password_again(app, staff, staff_client):
    with time_machine.travel(utcnow() + timedelta(minutes=30), tick=False):
        asked = make(staff_client, name="夜間同步")
        page = asked.get_data(as_text=True)
        assert asked.status_code == 200 and 'name="confirm-password"' in page and "data-api-token" not in page
        assert count(app) == 0
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        done = staff_client.post(PAGE, data={"name": "夜間同步", "scopes": ["cases:write"], "expires_in": "90",
                                             "csrf_token": token, "confirm-password": staff.password})
        assert done.status_code == 200 and SHOWN.search(done.get_data(as_text=True))
        assert count(app) == 1


def _submission(client, path: str) -> str:
    [value] = re.findall(r'name="submission" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))
    return value


def test_sending_the_same_form_again_makes_no_second_token(app, staff_client):
    form = {"name": "重新整理", "scopes": ["cases:write"], "expires_in": "90",
            "submission": _submission(staff_client, PAGE)}
    first = post_form(staff_client, PAGE, form)
    assert first.status_code == 200 and secret_of(first)
    # A reload of the answer sends the very same form.
    again = post_form(staff_client, PAGE, form)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "data-form-resent" in page and "data-api-token" not in page
    assert count(app) == 1
    # A new visit to the page gives a new form, which makes a new token.
    fresh = {**form, "submission": _submission(staff_client, PAGE)}
    assert secret_of(post_form(staff_client, PAGE, fresh)) and count(app) == 2
