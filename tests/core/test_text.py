"""The Markdown subset and the sanitizer: what users may write, and what stays inert."""

from html.parser import HTMLParser

import pytest

from civic.core.text import ALLOWED_TAGS, render_markdown


def test_paragraphs_emphasis_lists_quotes_and_links_render():
    html = render_markdown("第一段 **重點** 與 *強調*\n\n- 一\n- 二\n\n> 引用\n\n[連結](https://example.tw/a)")
    assert "<strong>重點</strong>" in html
    assert "<em>強調</em>" in html
    assert "<ul>" in html and "<li>一</li>" in html
    assert "<blockquote>" in html
    assert 'href="https://example.tw/a"' in html
    assert 'rel="nofollow ugc noopener"' in html


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def real_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<p onclick="alert(1)">x</p>',
        "<iframe src=https://evil.example></iframe>",
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_script_handlers_and_dangerous_urls_are_inert(payload):
    for tag, attrs in real_tags(render_markdown(payload)):
        assert tag in ALLOWED_TAGS
        assert not any(name.startswith("on") for name in attrs)
        href = (attrs.get("href") or "").lower()
        assert not href or href.startswith(("http:", "https:", "mailto:"))


def test_bare_urls_become_safe_links():
    html = render_markdown("請看 https://example.tw/x")
    assert '<a href="https://example.tw/x" rel="nofollow ugc noopener">' in html


def test_inline_code_is_escaped_once():
    html = render_markdown("比較用 `a < b && c` 與 `<script>`，而 a < b 照常。")
    assert "<code>a &lt; b &amp;&amp; c</code>" in html and "<code>&lt;script&gt;</code>" in html
    assert "&amp;lt;" not in html and "<script>" not in html
