"""A page's static files and scripts' fetches never send back an older copy of the session cookie.

They are fetched beside the page with the cookie the browser held when it asked; if their answers
re-sent it, one arriving after ``?lang=en`` put the old language back.
"""

from __future__ import annotations

from tests.support import signed_in

COOKIE = "civic_session"


def _sets_cookie(response) -> bool:
    response.close()
    return any(header.startswith(f"{COOKIE}=") for header in response.headers.getlist("Set-Cookie"))


def test_a_static_file_does_not_send_the_signed_in_cookie_again(app, citizen):
    client = signed_in(app, citizen)
    for mode in ("no-cors", "cors", None):
        headers = {"Sec-Fetch-Mode": mode} if mode else {}
        response = client.get("/static/favicon.ico", headers=headers)
        assert not _sets_cookie(response), mode
        assert response.status_code == 200


def test_a_page_navigated_to_still_slides_the_signed_in_cookie(app, citizen):
    client = signed_in(app, citizen)
    assert _sets_cookie(client.get("/", headers={"Sec-Fetch-Mode": "navigate"}))
    # Without fetch metadata a page still counts as one.
    assert _sets_cookie(client.get("/"))
    # A script's fetch of a page does not.
    assert not _sets_cookie(client.get("/", headers={"Sec-Fetch-Mode": "cors"}))


def test_an_asset_answered_late_cannot_undo_a_language_choice(app, citizen):
    client = signed_in(app, citizen)
    before = client.get_cookie(COOKIE).value
    # The page asks for English; the cookie now says so.
    english = client.get("/?lang=en", headers={"Sec-Fetch-Mode": "navigate"})
    assert _sets_cookie(english)
    # A stylesheet asked for with the cookie held before answers without a cookie...
    client.set_cookie(COOKIE, before)
    late = client.get("/static/favicon.ico", headers={"Sec-Fetch-Mode": "no-cors"})
    assert not _sets_cookie(late)
    # ...and a fetch that changes the session still sends it.
    changed = client.get("/?lang=zh-TW", headers={"Sec-Fetch-Mode": "cors"})
    assert _sets_cookie(changed)
