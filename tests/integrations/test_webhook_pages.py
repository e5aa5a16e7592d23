"""Webhooks on /account/webhooks: any signed-in account registers its own (the secret shown once, in
the answer to that POST, never again); wrong input is refused in the person's language and changes
nothing; the owner alone sees, turns off and on, re-keys, pings and deletes a hook; anyone else gets
404 and anonymous visitors are sent to sign in. Each change that matters is in the audit trail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.integrations.models import DeliveryStatus, DisabledReason, Webhook
from tests.integrations.conftest import PAGE, PUBLIC_ADDRESS, deliveries, hooks, register, secret_of, send
from tests.support import csrf_token, post_form, signed_in

URL = "https://hooks.example.org/civic?source=integrity"
ROLES = ["citizen", "supplier", "staff", "other_agency_staff", "moderator", "admin", "integrity_officer"]
ACTIONS = ("disable", "enable", "ping", "rotate", "delete")
# What anyone is told of a host that cannot be found or is not the public internet's: the same words.
NOT_PUBLIC_EN = "This address cannot receive webhooks: it must be a public https address."
NOT_PUBLIC_ZH = "此網址無法接收 Webhook：必須是公開的 https 網址。"


@pytest.fixture
def public_host(resolver):
    resolver.set("hooks.example.org", [PUBLIC_ADDRESS])
    return resolver


@pytest.fixture
def citizen_client(app, citizen):
    return signed_in(app, citizen)


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Webhook.id)))


def trail(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def made(app, client) -> int:
    """A hook registered through the page by ``client``; its id."""
    assert register(client, URL, ["case.changed", "answer.published"]).status_code == 200
    return hooks(app)[-1].id


# Registering.


def test_a_new_hook_shows_its_secret_once_and_keeps_it_to_sign(app, citizen, citizen_client, public_host):
    response = register(citizen_client, URL, ["answer.published", "case.changed"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = secret_of(response)
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{43}", secret)
    [hook] = hooks(app)
    assert hook.user_id == citizen.id and hook.url == URL and hook.is_active
    # Kept in the order the form offers them, whatever order they came in.
    assert hook.event_list == ["case.changed", "answer.published"]
    assert hook.secret == secret and hook.case_id is None and hook.agency_id is None
    later = citizen_client.get(PAGE)
    page = later.get_data(as_text=True)
    assert later.headers["Cache-Control"] == "no-store"
    assert secret not in page and "data-webhook-secret" not in page and URL.replace("&", "&amp;") in page
    assert secret not in citizen_client.get(f"{PAGE}/{hook.id}").get_data(as_text=True)
    with citizen_client.session_transaction() as session:
        assert secret not in repr(dict(session))
    [entry] = trail(app, "webhook.created")
    assert entry.actor_id == citizen.id and entry.target_type == "webhook" and entry.target_id == str(hook.id)
    assert entry.details == {"host": "hooks.example.org", "events": ["case.changed", "answer.published"]}
    assert secret not in str(entry.details)


def test_the_form_offers_every_event_of_the_contract(app, citizen_client):
    page = citizen_client.get(PAGE).get_data(as_text=True)
    for name in ("case.changed", "answer.published", "feedback.overdue", "workshop.opened", "pledge.signed",
                 "pledge.withdrawn"):
        assert f'name="events" type="checkbox" value="{name}"' in page
    for field in ("url", "case", "agency"):
        assert f'name="{field}"' in page


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_register_hooks_of_its_own(app, request, role, public_host):
    client = signed_in(app, request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 200
    response = register(client, URL)
    assert response.status_code == 200 and "data-webhook-secret" in response.get_data(as_text=True)
    assert count(app) == 1


def test_the_account_page_links_to_the_webhooks(app, citizen_client):
    assert f'href="{PAGE}"' in citizen_client.get("/account").get_data(as_text=True)


def test_a_hook_may_keep_to_one_case_and_one_agency(app, citizen_client, published_case, public_host):
    assert register(citizen_client, URL, ["case.changed"], case=published_case, agency="A00000001").status_code == 200
    [hook] = hooks(app)
    with app.app_context():
        from civic.agencies.queries import get_agency_by_code
        from civic.cases.queries import get_case_by_slug

        assert hook.case_id == get_case_by_slug(db.session, published_case).id
        assert hook.agency_id == get_agency_by_code(db.session, "A00000001").id
    page = citizen_client.get(PAGE).get_data(as_text=True)
    assert "臺北捷運萬大線" in page and "測試機關 A00000001" in page


# Refused input: in the person's language, and nothing saved.


@pytest.mark.parametrize(("data", "chinese", "english"), [
    ({"url": "", "events": []}, "請輸入要傳送的網址", "Enter the address to send to"),
    ({"url": URL, "events": []}, "請至少選擇一種事件", "Choose at least one event to be told of."),
    ({"url": URL, "events": ["case.changed", "everything.happened"]}, "請只從列出的事件中選擇",
     "Choose only from the listed events."),
    ({"url": "http://hooks.example.org/civic", "events": ["case.changed"]}, "網址必須以 https:// 開頭",
     "The address must start with https://."),
    ({"url": "https://user:pw@hooks.example.org/", "events": ["case.changed"]}, "網址不可包含使用者名稱或密碼",
     "The address may not contain a user name or password."),
    ({"url": "https://nowhere.example.org/", "events": ["case.changed"]}, NOT_PUBLIC_ZH, NOT_PUBLIC_EN),
    ({"url": "https://10.1.2.3/hook", "events": ["case.changed"]}, NOT_PUBLIC_ZH, NOT_PUBLIC_EN),
    ({"url": URL, "events": ["case.changed"], "case": "no-such-case"}, "沒有已公開的案件簡稱為「no-such-case」",
     "No published case has the short name “no-such-case”."),
    ({"url": URL, "events": ["case.changed"], "agency": "Z99999999"}, "沒有機關代碼為「Z99999999」的機關",
     "No agency has the code “Z99999999”."),
])
def test_wrong_input_is_refused_in_both_languages_and_saves_nothing(app, citizen_client, public_host, data,
                                                                   chinese, english):
    form = {"case": "", "agency": "", **data}
    chinese_page = post_form(citizen_client, PAGE, form)
    assert chinese_page.status_code == 422
    text = chinese_page.get_data(as_text=True)
    assert chinese in text and "data-webhook-secret" not in text and "有問題" in text
    english_page = post_form(citizen_client, PAGE + "?lang=en", form, form_page=PAGE + "?lang=en")
    assert english_page.status_code == 422
    assert english in english_page.get_data(as_text=True).replace("&#34;", '"').replace("&#8220;", "“")
    assert count(app) == 0
    assert trail(app, "webhook.created") == []


def test_a_case_not_yet_published_is_no_filter(app, citizen_client, application, public_host):
    response = register(citizen_client, URL, ["case.changed"], case=application)
    assert response.status_code == 422 and count(app) == 0


def test_every_problem_is_shown_at_once(app, citizen_client, public_host):
    page = post_form(citizen_client, PAGE + "?lang=en", {"url": "https://10.0.0.1/", "events": [], "case": "nope",
                                                         "agency": ""}, form_page=PAGE + "?lang=en")
    text = page.get_data(as_text=True)
    assert NOT_PUBLIC_EN in text and "Choose at least one event" in text
    assert "No published case has the short name" in text


def test_an_account_holds_at_most_so_many_hooks(app, citizen_client, public_host, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_PER_ACCOUNT", 2)
    assert register(citizen_client, URL).status_code == 200
    assert register(citizen_client, URL).status_code == 200
    refused = register(citizen_client, URL, lang="en")
    assert refused.status_code == 422 and "at most 2 webhooks" in refused.get_data(as_text=True)
    assert count(app) == 2


# The owner's hook page and its buttons.


def test_the_owner_turns_a_hook_off_and_on(app, citizen, citizen_client, public_host):
    hook_id = made(app, citizen_client)
    off = post_form(citizen_client, f"{PAGE}/{hook_id}/disable", {}, form_page=f"{PAGE}/{hook_id}")
    assert off.status_code == 302 and off.headers["Location"] == f"{PAGE}/{hook_id}"
    [hook] = hooks(app)
    assert not hook.is_active and hook.disabled_reason == DisabledReason.owner
    page = citizen_client.get(f"{PAGE}/{hook_id}?lang=en").get_data(as_text=True)
    assert 'data-webhook-status="off"' in page and "Turned off by you" in page
    assert [entry.actor_id for entry in trail(app, "webhook.disabled")] == [citizen.id]
    on = post_form(citizen_client, f"{PAGE}/{hook_id}/enable", {}, form_page=f"{PAGE}/{hook_id}")
    assert on.status_code == 302
    [hook] = hooks(app)
    assert hook.is_active and hook.disabled_reason is None
    assert len(trail(app, "webhook.enabled")) == 1


def test_a_new_secret_is_shown_once_and_signs_from_then_on(app, citizen_client, public_host):
    first = secret_of(register(citizen_client, URL))
    hook_id = hooks(app)[0].id
    response = post_form(citizen_client, f"{PAGE}/{hook_id}/rotate", {}, form_page=f"{PAGE}/{hook_id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    second = secret_of(response)
    assert second != first and hooks(app)[0].secret == second
    assert hooks(app)[0].secret_rotated_at is not None
    assert second not in citizen_client.get(f"{PAGE}/{hook_id}").get_data(as_text=True)
    assert len(trail(app, "webhook.secret_rotated")) == 1


def test_the_owner_deletes_a_hook_and_its_log(app, citizen, citizen_client, public_host, loopback):
    hook_id = made(app, citizen_client)
    post_form(citizen_client, f"{PAGE}/{hook_id}/ping", {}, form_page=f"{PAGE}/{hook_id}")
    assert len(deliveries(app, hook_id)) == 1
    response = post_form(citizen_client, f"{PAGE}/{hook_id}/delete", {}, form_page=f"{PAGE}/{hook_id}")
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert count(app) == 0 and deliveries(app) == []
    [entry] = trail(app, "webhook.deleted")
    assert entry.actor_id == citizen.id and entry.target_id == str(hook_id)
    assert citizen_client.get(f"{PAGE}/{hook_id}").status_code == 404


def test_a_button_without_its_csrf_token_changes_nothing(app, citizen_client, public_host):
    hook_id = made(app, citizen_client)
    for action in ACTIONS:
        assert citizen_client.post(f"{PAGE}/{hook_id}/{action}").status_code == 400
    [hook] = hooks(app)
    assert hook.is_active and deliveries(app) == []


def test_a_ping_is_queued_and_sent_by_the_sender(app, citizen_client, public_host, loopback, receiver):
    assert register(citizen_client, receiver.url()).status_code == 200
    hook_id = hooks(app)[0].id
    response = post_form(citizen_client, f"{PAGE}/{hook_id}/ping?lang=en", {}, form_page=f"{PAGE}/{hook_id}")
    assert response.status_code == 302
    # Nothing is sent inside the request: the sender sends it.
    assert receiver.received == []
    assert send(app).sent == 1
    [arrived] = receiver.received
    assert arrived.headers["X-Civic-Event"] == "ping"
    page = citizen_client.get(f"{PAGE}/{hook_id}?lang=en").get_data(as_text=True)
    assert 'data-delivery-status="delivered"' in page and ">200<" in page and " ms" in page


def test_a_hook_that_is_off_sends_no_ping(app, citizen_client, public_host):
    hook_id = made(app, citizen_client)
    post_form(citizen_client, f"{PAGE}/{hook_id}/disable", {}, form_page=f"{PAGE}/{hook_id}")
    post_form(citizen_client, f"{PAGE}/{hook_id}/ping", {}, form_page=f"{PAGE}/{hook_id}")
    assert deliveries(app) == []
    assert "請先開啟" in citizen_client.get(f"{PAGE}/{hook_id}").get_data(as_text=True)


def test_the_delivery_log_is_paged_newest_first_in_taipei_time(app, citizen_client, public_host, loopback, receiver,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_PING_RATE_LIMIT", "100 per hour")
    assert register(citizen_client, receiver.url()).status_code == 200
    hook_id = hooks(app)[0].id
    token = csrf_token(citizen_client, f"{PAGE}/{hook_id}")
    for _ in range(21):
        citizen_client.post(f"{PAGE}/{hook_id}/ping", data={"csrf_token": token})
    send(app)
    first = citizen_client.get(f"{PAGE}/{hook_id}").get_data(as_text=True)
    second = citizen_client.get(f"{PAGE}/{hook_id}?page=2").get_data(as_text=True)
    assert first.count("data-delivery=") == 20 and second.count("data-delivery=") == 1
    newest = max(delivery.id for delivery in deliveries(app))
    assert int(re.search(r'data-delivery="(\d+)"', first).group(1)) == newest
    assert re.search(r'<time datetime="[^"]+\+08:00">', first)
    assert citizen_client.get(f"{PAGE}/{hook_id}?page=0").status_code == 400
    assert all(delivery.status == DeliveryStatus.delivered for delivery in deliveries(app))


# Who may reach a hook.


def test_another_persons_hook_answers_404_and_stays_as_it_was(app, citizen_client, other_citizen, public_host):
    hook_id = made(app, citizen_client)
    stranger = signed_in(app, other_citizen)
    assert stranger.get(f"{PAGE}/{hook_id}").status_code == 404
    token = csrf_token(stranger, PAGE)
    for action in ACTIONS:
        assert stranger.post(f"{PAGE}/{hook_id}/{action}", data={"csrf_token": token}).status_code == 404
    [hook] = hooks(app)
    assert hook.is_active and hook.secret_rotated_at is None and deliveries(app) == []
    assert URL not in stranger.get(PAGE).get_data(as_text=True).replace("&amp;", "&")


@pytest.mark.parametrize("role", ["staff", "moderator", "admin", "integrity_officer"])
def test_no_role_reaches_anothers_hook(app, request, citizen_client, role, public_host):
    hook_id = made(app, citizen_client)
    client = signed_in(app, request.getfixturevalue(role))
    assert client.get(f"{PAGE}/{hook_id}").status_code == 404
    token = csrf_token(client, PAGE)
    assert client.post(f"{PAGE}/{hook_id}/delete", data={"csrf_token": token}).status_code == 404
    assert count(app) == 1


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(app, citizen_client, public_host):
    hook_id = made(app, citizen_client)
    anonymous = app.test_client()
    for path in (PAGE, f"{PAGE}/{hook_id}"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    token = csrf_token(anonymous, "/login")
    for action in ACTIONS:
        response = anonymous.post(f"{PAGE}/{hook_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = anonymous.post(PAGE, data={"csrf_token": token, "url": URL, "events": ["case.changed"]})
    assert response.status_code == 302
    assert count(app) == 1 and hooks(app)[0].is_active


# Limits.


@pytest.mark.parametrize(("lang", "words"), [("en", "Too many requests"), ("zh_Hant_TW", "請求次數過多")])
def test_registering_and_test_pings_are_limited_per_account_in_the_persons_language(
        app, citizen_client, other_citizen, public_host, monkeypatch, lang, words):
    monkeypatch.setitem(app.config, "WEBHOOKS_CREATE_RATE_LIMIT", "2 per hour")
    monkeypatch.setitem(app.config, "WEBHOOKS_PING_RATE_LIMIT", "2 per hour")
    # Refused tries count too: each one asks the resolver about a host.
    responses = [register(citizen_client, URL, lang=lang),
                 register(citizen_client, "https://nowhere.example.org/", lang=lang),
                 register(citizen_client, URL, lang=lang)]
    assert [response.status_code for response in responses] == [200, 422, 429]
    assert words in responses[-1].get_data(as_text=True) and count(app) == 1
    # The list is still there to read, and another account registers its own.
    assert citizen_client.get(PAGE).status_code == 200
    assert register(signed_in(app, other_citizen), URL).status_code == 200

    hook_id = hooks(app)[0].id
    token = csrf_token(citizen_client, f"{PAGE}/{hook_id}")
    pings = [citizen_client.post(f"{PAGE}/{hook_id}/ping?lang={lang}", data={"csrf_token": token})
             for _ in range(3)]
    assert [response.status_code for response in pings] == [302, 302, 429]
    assert words in pings[-1].get_data(as_text=True)
    assert len(deliveries(app, hook_id)) == 2


def test_the_limit_per_account_holds_across_sign_ins(app, citizen, citizen_client, public_host, monkeypatch):
    # Signing in again opens a new session; the account's count goes on.
    monkeypatch.setitem(app.config, "WEBHOOKS_CREATE_RATE_LIMIT", "2 per hour")
    assert [register(citizen_client, URL).status_code for _ in range(2)] == [200, 200]
    again = signed_in(app, citizen)
    assert register(again, URL).status_code == 429
    assert count(app) == 2


def test_a_hooks_page_shows_its_address_and_case_as_markup_not_as_escaped_tags(
        app, citizen_client, public_host, published_case):
    assert register(citizen_client, URL, case=published_case).status_code == 200
    page = citizen_client.get(f"{PAGE}/{hooks(app)[0].id}").get_data(as_text=True)
    assert "&lt;span" not in page and "&lt;a" not in page
    assert '<span class="civic-excerpt" translate="no">https://hooks.example.org/civic?source=integrity</span>' \
        in page.replace("&amp;", "&")
    assert f'href="/cases/{published_case}"' in page


def test_sending_the_same_form_again_registers_no_second_hook(app, citizen_client, public_host):
    [submission] = re.findall(r'name="submission" type="hidden" value="([^"]+)"',
                              citizen_client.get(PAGE).get_data(as_text=True))
    form = {"url": URL, "events": ["answer.published"], "case": "", "agency": "", "submission": submission}
    assert secret_of(post_form(citizen_client, PAGE, form))
    again = post_form(citizen_client, PAGE, form)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "data-form-resent" in page and "data-webhook-secret" not in page
    assert count(app) == 1
