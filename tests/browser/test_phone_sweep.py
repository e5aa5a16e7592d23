"""Every page of the site on a small phone, in both languages: nothing wider than the screen.

The sweep signs in as each demo role, follows the links it finds to one page of every endpoint
and checks each at 390 × 844 CSS pixels, first in Chinese and then the same pages in English.
Public pages are seen as a visitor who is not signed in. A page fails when the document scrolls
sideways, when a table is wider than the screen (even inside a scrolling box), when a table cell
with text is narrower than two characters of its own font (names broken one character a line),
or when a date in a table is split across lines. A new page that no link reaches fails the sweep
until a seed below reaches it.

With CIVIC_SCREENSHOTS=1 it also saves the main pages to docs/screenshots/phone-<name>-<lang>.png.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.browser.conftest import REPO_ROOT, LiveServer, sign_in_as
from tests.test_access import ACCESS, PUBLIC

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
LANGUAGES = ("zh_Hant_TW", "en")
SHOTS = REPO_ROOT / "docs" / "screenshots"

# Endpoints that answer GET with something other than a page, or only redirect to one.
NOT_PAGES = {
    "site.healthz", "agencies.chart", "agencies.figures_csv", "agencies.index_csv",
    "admin_trail.trail_csv", "workshops.feed", "workshops.calendar", "workshops.my_calendar",
    "workshops_staff.export", "feeds.cases", "feeds.case", "feeds.agency", "static", "site.favicon",
    "cases.change", "integrity.attachment", "showcase.screenshot",
    "api_write.me",  # JSON for a write API token
}

# Pages the sweep may leave out, and why.
MAY_MISS = {
    "two_factor.login_code": "only halfway through a sign-in; test_two_factor_flow.py sees it on a phone",
    "moderation.restore": "needs a hidden comment, which the demo data may not have",
    "webhooks.detail": "needs a webhook, which the demo data has none of; test_webhooks_flow.py sees it on a phone",
    "line.index": "answers 404 until LINE is configured; test_line_flow.py sees it on a phone in both languages",
}

# What each role opens first; the rest is reached by following links.
SEEDS = {
    None: ["/", "/cases", "/agencies", "/commitments", "/pledges", "/workshops", "/feedback",
           "/search?q=%E6%8D%B7%E9%81%8B", "/login", "/register", "/reset-password",
           "/verify/resend", "/report", "/report/status", "/apps", "/apps/challenges"],
    "citizen@demo.civic.tw": ["/account", "/account/sessions", "/account/two-factor", "/account/activity",
                              "/account/activity/comments", "/account/activity/following", "/account/line",
                              "/account/webhooks", "/apps/mine", "/apps/submit"],
    "supplier@demo.civic.tw": ["/account/companies", "/pledges/sign"],
    "moderator@demo.civic.tw": ["/moderation/", "/moderation/hidden", "/admin/apps", "/admin/apps?status=published"],
    "staff.mrt@demo.civic.tw": ["/staff/", "/staff/cases", "/staff/cases/apply", "/staff/workshops/",
                                "/staff/workshops/new"],
    "admin@demo.civic.tw": ["/admin/", "/admin/users", "/admin/agencies", "/admin/sectors",
                            "/admin/commitments", "/admin/audit", "/admin/outbox", "/admin/calendar",
                            "/admin/cases/applications", "/admin/pledges/texts", "/admin/reports/notice",
                            "/admin/challenges", "/admin/challenges/new"],
    "integrity@demo.civic.tw": ["/integrity/"],
}

# The main pages for the screenshots in docs/: a name and how to find the page.
SCREENSHOT_PAGES = {
    "home": (None, "site.home"), "cases": (None, "case_list.index"), "case": (None, "case_page.detail"),
    "agencies": (None, "agencies.index"), "workshops": (None, "workshops.index"),
    "pledges": (None, "pledges.registry"), "sign-in": (None, "accounts.login"),
    "staff": ("staff.mrt@demo.civic.tw", "feedback_staff.inbox"),
}

_MEASURE = """
(screen) => {
  // The screen's width, not innerWidth: a phone zooms out to show a page wider than itself.
  const problems = [];
  const root = document.documentElement;
  const hidden = (element) => {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) return true;
    }
    return false;
  };
  if (root.scrollWidth > screen || window.innerWidth > screen) {
    // Name the widest thing that shows, so the report says where to look.
    let widest = null;
    for (const element of document.body.querySelectorAll('*')) {
      const rect = element.getBoundingClientRect();
      if (rect.right > screen + 1 && (!widest || rect.right > widest.right) && !hidden(element)) {
        widest = {right: Math.round(rect.right), tag: element.tagName.toLowerCase(),
                  cls: String(element.className || '').slice(0, 60),
                  text: (element.innerText || '').trim().slice(0, 30)};
      }
    }
    problems.push(`page is ${Math.max(root.scrollWidth, window.innerWidth)}px wide` + (widest
      ? ` (widest: <${widest.tag} class="${widest.cls}"> "${widest.text}" reaching ${widest.right}px)`
      : ''));
  }
  for (const table of document.querySelectorAll('table')) {
    const width = table.getBoundingClientRect().width;
    if (width > screen && !hidden(table)) {
      problems.push(`a table is ${Math.round(width)}px wide: "${table.innerText.trim().slice(0, 30)}"`);
    }
  }
  let narrow = 0, first = '';
  for (const cell of document.querySelectorAll('td, th')) {
    const text = cell.innerText.trim();
    if (!text || cell.getClientRects().length === 0 || hidden(cell)) continue;
    const fontSize = parseFloat(getComputedStyle(cell).fontSize);
    const width = cell.getBoundingClientRect().width;
    if (width < 2 * fontSize) {
      narrow += 1;
      if (!first) first = `"${text.slice(0, 20)}" ${Math.round(width)}px`;
    }
  }
  if (narrow) problems.push(`${narrow} table cell(s) narrower than two characters, e.g. ${first}`);
  let split = 0, example = '';
  for (const time of document.querySelectorAll('td time, th time')) {
    if (hidden(time)) continue;
    const lines = new Set([...time.getClientRects()].map(rect => Math.round(rect.top)));
    if (lines.size > 1) {
      split += 1;
      if (!example) example = time.innerText;
    }
  }
  if (split) problems.push(`${split} date(s) in tables split across lines, e.g. "${example}"`);
  return problems;
}
"""

_LINKS = """
() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)
"""


@dataclass
class Visit:
    role: str | None
    path: str
    endpoint: str


@dataclass
class Sweep:
    live_server: LiveServer
    visits: list[Visit] = field(default_factory=list)
    seen: set[tuple[str | None, str]] = field(default_factory=set)

    def endpoint(self, path: str) -> str | None:
        parts = urlsplit(path)
        adapter = self.live_server.app.url_map.bind("localhost")
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except RequestRedirect as redirect:
            return self.endpoint(urlsplit(redirect.new_url).path)
        except HTTPException:
            return None
        return endpoint

    def worth_visiting(self, role: str | None, endpoint: str | None) -> bool:
        if endpoint is None or endpoint in NOT_PAGES or endpoint.startswith("api."):
            return False
        if role is not None and ACCESS.get(endpoint) == PUBLIC:
            return False  # the anonymous visitor sees the public pages
        return (role, endpoint) not in self.seen and (None, endpoint) not in self.seen


def _local_path(url: str, origin: str) -> str | None:
    """The path and query of a link on this site, without ``lang`` or a fragment."""
    if not url.startswith(origin):
        return None
    parts = urlsplit(url)
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query) if key != "lang"])
    return parts.path + (f"?{query}" if query else "")


def _with_language(path: str, language: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


def _pages_from_data(live_server: LiveServer) -> dict[str | None, list[str]]:
    """Pages no link of the sweep reaches: those behind a mail's link, and ones needing a record."""
    from sqlalchemy import select

    from civic.accounts import administration, tokens
    from civic.accounts.models import CompanyRepresentative
    from civic.accounts.queries import get_user_by_email
    from civic.cases.models import Case
    from civic.extensions import db
    from civic.feedback import moderation
    from civic.feedback.models import Comment
    from civic.pledges.models import Pledge
    from civic.workshops.models import Registration

    reader = f"phone-sweep-{uuid.uuid4().hex[:8]}@demo.civic.tw"
    live_server.create_account(reader)
    with live_server.app.test_request_context():
        session = db.session
        user = get_user_by_email
        citizen, admin = user(session, "citizen@demo.civic.tw"), user(session, "admin@demo.civic.tw")
        case = session.scalar(select(Case).where(Case.slug == "taipei-mrt-wanda-line"))
        # A fresh account follows a case and a fresh address is invited, so no demo record changes.
        subscription = moderation.follow(session, user(session, reader), case=case)
        invitation = administration.invite(session, email=f"new-{reader}", role="staff",
                                           agency=user(session, "staff.mrt@demo.civic.tw").agency,
                                           actor=admin)
        session.commit()
        own = session.scalar(select(Comment).where(Comment.author_id == citizen.id).order_by(Comment.id))
        hidden = session.scalar(select(Comment).where(Comment.hidden_at.is_not(None)))
        registration = session.scalar(select(Registration).where(Registration.cancelled_at.is_(None))
                                      .order_by(Registration.id))
        supplier = user(session, "supplier@demo.civic.tw")
        companies = select(CompanyRepresentative.company_id).where(CompanyRepresentative.user_id == supplier.id)
        pledge = session.scalar(select(Pledge).where(Pledge.company_id.in_(companies),
                                                     Pledge.withdrawn_at.is_(None)).order_by(Pledge.id))
        claim = session.scalar(select(CompanyRepresentative).order_by(CompanyRepresentative.id))
        pages: dict[str | None, list[str]] = {
            None: [f"/reset-password/{tokens.make_token('reset', citizen)}",
                   "/verify/not-a-token",
                   f"/invitations/{tokens.make_token('invite', invitation)}",
                   f"/unsubscribe/{subscription.unsubscribe_token}"],
            "citizen@demo.civic.tw": [f"/comments/{own.id}/edit"],
            "supplier@demo.civic.tw": [f"/pledges/{pledge.receipt}/withdraw"],
            "moderator@demo.civic.tw": [f"/comments/{own.id}/report"]
            + ([f"/moderation/comments/{hidden.id}/restore"] if hidden else []),
            "admin@demo.civic.tw": [f"/admin/cases/{case.slug}/review",
                                    f"/admin/cases/{case.slug}/best-practice",
                                    f"/admin/pledges/{pledge.receipt}/breach",
                                    f"/admin/claims/{claim.id}"],
        }
        if registration is not None:
            token = registration.cancel_token
            pages[None] += [f"/workshops/registrations/{token}", f"/workshops/registrations/{token}/cancel"]
    return pages


def _new_phone_page(browser, live_server: LiveServer):
    live_server.reset_rate_limits()
    context = browser.new_context(locale="zh-TW", base_url=live_server.url,
                                  viewport={"width": WIDTH, "height": HEIGHT},
                                  is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _crawl(sweep: Sweep, page, role: str | None, seeds: list[str]) -> None:
    """Open the seeds and, breadth first, one page of every endpoint the role can reach."""
    origin = sweep.live_server.url
    queue = list(seeds)
    tried = set()
    while queue:
        path = queue.pop(0)
        endpoint = sweep.endpoint(path)
        if path in tried or endpoint is None or endpoint in NOT_PAGES:
            continue
        if path not in seeds and not sweep.worth_visiting(role, endpoint):
            continue
        tried.add(path)
        response = page.goto(_with_language(path, LANGUAGES[0]))
        landed = _local_path(page.url, origin) or path
        if response is None or response.status in (403, 404, 405) or response.status >= 500 \
                or sweep.endpoint(landed) != endpoint:
            continue  # refused, missing or sent elsewhere: that page is swept where it lands
        sweep.seen.add((role, endpoint))
        sweep.visits.append(Visit(role, path, endpoint))
        for url in page.evaluate(_LINKS):
            link = _local_path(url, origin)
            if link is not None and link not in tried and link not in queue \
                    and sweep.worth_visiting(role, sweep.endpoint(link)):
                queue.append(link)


def test_every_page_fits_a_phone_in_both_languages(browser, demo: LiveServer):
    sweep = Sweep(demo)
    extra = _pages_from_data(demo)
    seeds = {role: paths + extra.get(role, []) for role, paths in SEEDS.items()}
    contexts = {}
    try:
        for role, role_seeds in seeds.items():
            context, page = _new_phone_page(browser, demo)
            contexts[role] = (context, page)
            if role is not None:
                sign_in_as(page, role)
            _crawl(sweep, page, role, role_seeds)

        html_endpoints = {rule.endpoint for rule in demo.app.url_map.iter_rules()
                          if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
                          and not rule.endpoint.startswith("api.")}
        reached = {visit.endpoint for visit in sweep.visits}
        missing = sorted(html_endpoints - reached - MAY_MISS.keys())
        assert not missing, f"no seed or link reaches these pages; add a seed: {', '.join(missing)}"

        problems = []
        shots = os.environ.get("CIVIC_SCREENSHOTS") == "1"
        for language in LANGUAGES:
            for visit in sweep.visits:
                page = contexts[visit.role][1]
                page.goto(_with_language(visit.path, language))
                for problem in page.evaluate(_MEASURE, WIDTH):
                    problems.append(f"{visit.path} [{language}, {visit.role or 'anonymous'}]: {problem}")
            if shots:
                _save_screenshots(sweep, contexts, language)
        assert not problems, "pages that do not fit a 390px phone:\n" + "\n".join(problems)
    finally:
        for context, _page in contexts.values():
            context.close()


def _save_screenshots(sweep: Sweep, contexts: dict, language: str) -> None:
    short = "zh" if language.startswith("zh") else "en"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, (role, endpoint) in SCREENSHOT_PAGES.items():
        visit = next(visit for visit in sweep.visits if visit.endpoint == endpoint)
        page = contexts[role][1]
        page.goto(_with_language(visit.path, language))
        height = min(page.evaluate("document.documentElement.scrollHeight"), 1600)
        page.screenshot(path=str(SHOTS / f"phone-{name}-{short}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
