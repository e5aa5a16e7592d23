"""The showcase's public pages: a fixed number of queries whatever the number of apps, the filters, and
each API address an app names linked to its row on /api."""

from __future__ import annotations

from datetime import date

import pytest

from civic.showcase import endpoints
from tests.showcase.conftest import approve_as, make_app_as
from tests.showcase.test_challenges import make_challenge


def publish(app, citizen, moderator, number: int, **options) -> list[int]:
    made = []
    for index in range(number):
        app_id = make_app_as(app, citizen, name=f"應用程式 {index}", **options)
        approve_as(app, moderator, app_id)
        made.append(app_id)
    return made


def test_the_list_of_apps_runs_the_same_queries_for_two_apps_or_eight(app, client, citizen, moderator,
                                                                       count_queries):
    challenge_id = make_challenge(app, "進行中的競賽", date(2026, 1, 1), date(2099, 12, 31))
    publish(app, citizen, moderator, 2, challenge_id=challenge_id, endpoints=["/api/v1/cases", "/api/v1/agencies"])
    client.get("/apps")
    with count_queries() as few:
        assert client.get("/apps").status_code == 200
    publish(app, citizen, moderator, 6, challenge_id=challenge_id, endpoints=["/api/v1/cases", "/api/v1/pledges"])
    with count_queries() as many:
        page = client.get("/apps").get_data(as_text=True)
    assert page.count('class="civic-card"') == 8
    assert len(many) == len(few)
    with count_queries() as filtered:
        page = client.get("/apps", query_string={"address": "/api/v1/pledges", "challenge": challenge_id})
    assert page.get_data(as_text=True).count('class="civic-card"') == 6
    assert len(filtered) <= len(few) + 1


def test_one_app_runs_a_fixed_number_of_queries(app, client, citizen, moderator, count_queries):
    [few] = publish(app, citizen, moderator, 1, endpoints=["/api/v1/cases"])
    [many] = publish(app, citizen, moderator, 1, endpoints=["/api/v1/cases", "/api/v1/agencies", "/api/v1/comments",
                                                             "/api/v1/pledges"])
    client.get(f"/apps/{few}")
    with count_queries() as one:
        client.get(f"/apps/{few}")
    with count_queries() as four:
        client.get(f"/apps/{many}")
    assert len(one) == len(four)


def test_every_documented_read_address_has_a_row_on_the_api_page_that_apps_link_to(app, client):
    page = client.get("/api").get_data(as_text=True)
    documented = endpoints.documented_reads(app)
    assert {item.path for item in documented} >= {"/api/v1/cases", "/api/v1/cases/{slug}", "/api/v1/openapi.json"}
    for item in documented:
        assert f'id="{endpoints.anchor(item.path)}"' in page, item.path
    assert endpoints.anchor("/api/v1/cases/{slug}/oc4ids") == "get-api-v1-cases-slug-oc4ids"
    assert endpoints.anchor("/api/v1/export/cases.csv.gz") == "get-api-v1-export-cases-csv-gz"


def test_the_submission_form_offers_exactly_the_documented_read_addresses(app, citizen_client):
    page = citizen_client.get("/apps/submit").get_data(as_text=True)
    for item in endpoints.documented_reads(app):
        assert f'value="{item.path}"' in page
    assert 'value="/feeds/cases.atom"' not in page


@pytest.mark.parametrize("value", ["²", "１", "٣", "9" * 30, "-1", "0", "1.0", "1e3"])
def test_a_challenge_filter_that_is_not_an_id_is_refused_never_a_server_error(app, client, value):
    response = client.get("/apps", query_string={"challenge": value})
    assert response.status_code == 400


def test_the_api_page_leads_to_the_showcase_and_the_challenges(app, client):
    for lang, words in (("zh_Hant_TW", ("運用資料的應用程式", "資料競賽")),
                        ("en", ("Apps built on the data", "Data challenges"))):
        page = client.get(f"/api?lang={lang}").get_data(as_text=True)
        contents = page.split('class="civic-contents"', 1)[1].split("</nav>", 1)[0]
        assert f'href="/apps">{words[0]}</a>' in contents, lang
        assert f'href="/apps/challenges">{words[1]}</a>' in contents, lang
