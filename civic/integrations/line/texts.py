"""What LINE messages say: the replies to what people send the official account, and a notice made
from its mail's plain text, cut to fit LINE's limit for one text message with its link kept."""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

# LINE's limit for one text message, counted as LINE counts: in UTF-16 code units.
TEXT_LIMIT = 5000
ELLIPSIS = "…"
_URL = re.compile(r"https?://[^\s<>\"]+")

REPLIES = {
    # Translators: %(site)s is the site's address; %(url)s the page where LINE notices are managed.
    "linked": _l("Linked. This LINE account now also gets the notices %(site)s mails you: answers to your "
                 "feedback and comments, news of the cases and agencies you follow, and your workshop sign-ups. "
                 "Turn them off or unlink at %(url)s"),
    "already_linked": _l("This LINE account gets the notices of your account on %(site)s. Turn them off or "
                         "unlink at %(url)s"),
    "unknown_code": _l("That code is not known or has expired. Sign in at %(url)s for a new code, then send "
                       "it here within 10 minutes."),
    "too_many": _l("Too many codes that did not work. Wait 10 minutes, then send a new code from %(url)s"),
    "welcome": _l("Thank you for adding us. To get the notices of your account on %(site)s here as well, "
                  "sign in at %(url)s and send this chat the code shown there."),
}
# Said to someone whose account is not known yet: in both languages, Chinese first.
BOTH_LANGUAGES = ("zh_Hant_TW", "en")


def reply(say: str, *, locale: str, both_languages: bool, site: str, url: str) -> str:
    """The reply ``say`` in ``locale``, or in Chinese and English one after the other."""
    locales = BOTH_LANGUAGES if both_languages else (locale,)
    texts = []
    for language in locales:
        with force_locale(language):
            texts.append(str(REPLIES[say]) % {"site": site, "url": url})
    return "\n\n".join(texts)


def units(text: str) -> int:
    """The length of ``text`` as LINE counts it: UTF-16 code units (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


def main_link(text: str, site: str) -> str | None:
    """The first address of a page on the site in ``text`` (the one a notice is about); else the first
    address at all; None without any."""
    links = [match.group(0).rstrip(".,;:)」）。") for match in _URL.finditer(text)]
    on_site = [link for link in links if link.startswith(site + "/") and len(link) > len(site) + 1]
    return (on_site or links or [None])[0]


def fit(text: str, *, site: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` whole if LINE takes it; else cut short, with "…" and the notice's link after the cut."""
    text = text.strip()
    if units(text) <= limit:
        return text
    link = main_link(text, site)
    tail = f"{ELLIPSIS}\n{link}" if link else ELLIPSIS
    room = limit - units(tail)
    kept, used = [], 0
    for char in text:
        size = units(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept).rstrip() + tail
