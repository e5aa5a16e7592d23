"""The /api page tells developers what webhooks send and how to check a delivery, in both languages."""

from __future__ import annotations

import pytest

from civic.notifications.models import EventName


@pytest.mark.parametrize(("lang", "heading"), [("en", "Being told of changes: webhooks"),
                                               ("zh-TW", "接收異動通知：Webhook")])
def test_the_api_page_documents_webhooks(client, lang, heading):
    page = client.get(f"/api?lang={lang}").get_data(as_text=True)
    assert 'id="webhooks"' in page and 'href="#webhooks"' in page and heading in page
    assert "X-Civic-Signature" in page and "X-Civic-Timestamp" in page and "hmac.compare_digest" in page
    for name in EventName:
        assert f'<code translate="no">{name}</code>' in page
    assert 'href="/account/webhooks"' in page
