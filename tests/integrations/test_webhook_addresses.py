"""The guard against sending webhooks into the machines next to the sender: https only outside
development, no address that is not the public internet's (literal or resolved, IPv4 or IPv6, or an
IPv6 address carrying a private IPv4 one), checked at registration and again at each delivery, and the
connection made to exactly the address checked, so a name that resolves elsewhere the second time
(DNS rebinding) reaches nothing inside, while TLS still checks the certificate of the name."""

from __future__ import annotations

import ipaddress

import pytest

from civic import ConfigurationError, create_app
from civic.accounts.models import User
from civic.extensions import db
from civic.integrations import addresses, webhooks
from civic.integrations.models import DeliveryStatus
from civic.integrations.webhooks import WebhookInput
from civic.notifications import events
from civic.notifications.models import EventName
from tests.integrations.conftest import PUBLIC_ADDRESS, deliveries, register, send
from tests.integrations.receivers import authority, serving
from tests.support import signed_in

NOT_PUBLIC = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    "224.0.0.251", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.10", "198.18.0.1", "192.0.0.8",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1", "2001:db8::1",
    # IPv4 inside IPv6: mapped, 6to4 and NAT64 forms of loopback and private addresses; Teredo.
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1", "2002:a00:1::1",
    "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b:1::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "::127.0.0.1",
]
REFUSED_WORDS = "This address cannot receive webhooks: it must be a public https address."
PUBLIC = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2001:4860:4860::8888",
          "::ffff:8.8.8.8", "2002:808:808::1", "64:ff9b::808:808"]


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_addresses_that_are_not_the_public_internets_are_refused(text):
    assert not addresses.is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_pass(text):
    assert addresses.is_public(ipaddress.ip_address(text))


def check(app, url: str):
    with app.app_context():
        return webhooks.check_address(url)


@pytest.mark.parametrize("text", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fe80::1", "::ffff:127.0.0.1",
                                  "100.64.0.1"])
def test_a_name_that_resolves_inside_is_refused(app, resolver, text):
    resolver.set("inside.example.org", [text])
    with pytest.raises(addresses.AddressRefused) as refused:
        check(app, "https://inside.example.org/hook")
    assert refused.value.reason == "refused" and refused.value.detail == str(ipaddress.ip_address(text))


@pytest.mark.parametrize("url", ["https://127.0.0.1/hook", "https://[::1]:8443/hook", "https://10.0.0.1/",
                                 "https://[::ffff:7f00:1]/", "https://169.254.169.254/latest/meta-data/"])
def test_a_literal_address_inside_is_refused_without_asking_any_resolver(app, resolver, url):
    with pytest.raises(addresses.AddressRefused):
        check(app, url)
    assert resolver.asked == []


def test_one_address_inside_among_public_ones_refuses_the_name(app, resolver):
    resolver.set("mixed.example.org", [PUBLIC_ADDRESS, "10.0.0.7"])
    with pytest.raises(addresses.AddressRefused):
        check(app, "https://mixed.example.org/")


@pytest.mark.parametrize("url", ["http://hooks.example.org/", "ftp://hooks.example.org/", "hooks.example.org",
                                 "https://user@hooks.example.org/", "https://hooks.example.org/#part",
                                 "https://hooks.example.org:99999/", "https:///nohost", "https://hooks .example.org/"])
def test_what_is_never_sent_to(app, resolver, url):
    resolver.set("hooks.example.org", [PUBLIC_ADDRESS])
    with pytest.raises(addresses.AddressRefused):
        check(app, url)


def test_an_international_host_name_is_resolved_as_ascii(app, resolver):
    resolver.set("xn--mxtq1m.tw", [PUBLIC_ADDRESS])
    assert check(app, "https://政府.tw/hook").host == "xn--mxtq1m.tw"


def test_plain_http_and_private_addresses_are_for_development_only(smtp_server, tmp_path):
    url = f"sqlite:///{tmp_path / 'settings.sqlite3'}"
    for environment, allowed in (("development", True), ("testing", False), ("production", False)):
        app = create_app({"CIVIC_ENV": environment, "DATABASE_URL": url, "SECRET_KEY": "x" * 32,
                          "REPORTS_KEY": "dGVzdGluZy1vbmx5LXJlcG9ydHMta2V5LTAwMDAwMDA="})
        assert app.config["WEBHOOKS_ALLOW_HTTP"] is allowed, environment
        assert app.config["WEBHOOKS_ALLOW_PRIVATE"] is allowed, environment
        with app.app_context():
            if allowed:
                assert webhooks.check_address("http://127.0.0.1:8000/hook").address == "127.0.0.1"
            else:
                with pytest.raises(addresses.AddressRefused):
                    webhooks.check_address("http://127.0.0.1:8000/hook")
                with pytest.raises(addresses.AddressRefused):
                    webhooks.check_address("https://127.0.0.1:8000/hook")


def _error_summary(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('class="govuk-error-summary'):page.index("</ul>", page.index('class="govuk-error-summary'))]


def test_registering_an_address_inside_through_the_page_saves_nothing(app, citizen, resolver):
    resolver.set("intranet.example.org", ["192.168.0.10"])
    client = signed_in(app, citizen)
    response = register(client, "https://intranet.example.org/hook", lang="en")
    assert response.status_code == 422
    assert REFUSED_WORDS in response.get_data(as_text=True)
    assert register(client, "http://[::1]:8080/hook").status_code == 422
    with app.app_context():
        from civic.integrations.models import Webhook

        assert db.session.query(Webhook).count() == 0


def test_an_unknown_name_and_a_name_inside_read_the_same_and_the_details_stay_in_the_log(app, citizen, resolver,
                                                                                         caplog):
    # Whoever registers learns nothing of our resolver: not whether a name exists, nor where it leads.
    resolver.set("intranet.example.org", ["192.168.0.10"])
    client = signed_in(app, citizen)
    with caplog.at_level("INFO", logger="civic.integrations.addresses"):
        inside = register(client, "https://intranet.example.org/hook", lang="en")
        unknown = register(client, "https://nowhere.example.org/hook", lang="en")
    assert inside.status_code == unknown.status_code == 422
    assert _error_summary(inside) == _error_summary(unknown)
    assert REFUSED_WORDS in _error_summary(inside)
    assert "192.168.0.10" not in inside.get_data(as_text=True)
    assert "could not be found" not in unknown.get_data(as_text=True)
    logged = caplog.text
    assert "192.168.0.10" in logged and "nowhere.example.org could not be resolved" in logged


def test_webhook_switches_for_development_stop_production_from_starting(tmp_path):
    for switch in ("WEBHOOKS_ALLOW_PRIVATE", "WEBHOOKS_ALLOW_HTTP"):
        with pytest.raises(ConfigurationError, match=switch):
            create_app({"CIVIC_ENV": "production", "SECRET_KEY": "x" * 32, switch: True,
                        "REPORTS_KEY": "dGVzdGluZy1vbmx5LXJlcG9ydHMta2V5LTAwMDAwMDA=",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}"})
    # Without either, production starts; development keeps both on for a receiver on one's own machine.
    create_app({"CIVIC_ENV": "production", "SECRET_KEY": "x" * 32,
                "REPORTS_KEY": "dGVzdGluZy1vbmx5LXJlcG9ydHMta2V5LTAwMDAwMDA=",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}"})


# At delivery: resolved again, and the connection pinned to the address checked.


def _hook(app, account, url: str) -> int:
    with app.test_request_context():
        made = webhooks.create_webhook(db.session, WebhookInput(url=url, events=["case.changed"]),
                                       actor=db.session.get(User, account.id))
        db.session.commit()
        return made.webhook.id


def _event(app) -> None:
    with app.app_context():
        events.emit(db.session, EventName.case_changed, {"slug": "x"})
        db.session.commit()


def test_a_name_rebound_to_loopback_after_registration_reaches_nothing(app, citizen, resolver, monkeypatch):
    # Plain http, so the receiver on loopback could be reached at all; private addresses stay refused.
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", True)
    with serving() as receiver:
        resolver.set("rebind.example.org", [PUBLIC_ADDRESS], ["127.0.0.1"])
        _hook(app, citizen, receiver.url("rebind.example.org"))
        _event(app)
        report = send(app)
        assert receiver.received == []
    assert report.retried == 1
    [delivery] = deliveries(app)
    # Only a code is kept: where the name led is for the server's log, not for the hook's owner.
    assert delivery.status == DeliveryStatus.pending and delivery.error == "address"
    assert resolver.asked == ["rebind.example.org", "rebind.example.org"]
    page = signed_in(app, citizen).get(f"/account/webhooks/{delivery.webhook_id}?lang=en").get_data(as_text=True)
    assert REFUSED_WORDS in page and "127.0.0.1" not in page


def test_the_connection_goes_to_the_address_checked_and_names_the_host(app, citizen, resolver, loopback):
    # A name only our resolver knows: the delivery arrives only if the sender connects to the address
    # it checked rather than asking the system again.
    with serving() as receiver:
        resolver.set("pinned.example.test", ["127.0.0.1"])
        _hook(app, citizen, receiver.url("pinned.example.test"))
        _event(app)
        assert send(app).sent == 1
    [arrived] = receiver.received
    assert arrived.headers["Host"] == f"pinned.example.test:{receiver.port}"


def test_tls_checks_the_certificate_of_the_name_while_connecting_to_the_pinned_address(app, citizen, resolver,
                                                                                     monkeypatch, tmp_path):
    ca = authority(tmp_path, ["secure.example.test"])
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "WEBHOOKS_CA_CERTS", str(ca.ca_file))
    resolver.set("secure.example.test", ["127.0.0.1"])
    resolver.set("other.example.test", ["127.0.0.1"])
    with serving(tls=ca.server) as receiver:
        _hook(app, citizen, receiver.url("secure.example.test"))
        _hook(app, citizen, receiver.url("other.example.test"))
        _event(app)
        report = send(app)
        assert len(receiver.received) == 1
    assert (report.sent, report.retried) == (1, 1)
    delivered, refused = deliveries(app)
    assert delivered.status == DeliveryStatus.delivered and delivered.response_status == 200
    # The certificate names secure.example.test only: the other name is refused, though the address is the same.
    assert refused.status == DeliveryStatus.pending and refused.error.startswith("tls: ")
