"""The LINE Messaging API through LINE's own SDK (line-bot-sdk v3): whether LINE is configured, the
webhook parser that checks X-Line-Signature, and a MessagingApi client at LINE_API_BASE_URL."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from linebot.v3 import WebhookParser
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi


def is_configured(config: Mapping[str, Any]) -> bool:
    """LINE notices exist only with both the channel secret and the access token."""
    return bool(config.get("LINE_CHANNEL_SECRET") and config.get("LINE_CHANNEL_ACCESS_TOKEN"))


def parser(config: Mapping[str, Any]) -> WebhookParser:
    """Checks a webhook body against its X-Line-Signature with the channel secret, then parses it."""
    return WebhookParser(config["LINE_CHANNEL_SECRET"])


@contextmanager
def messaging_api(config: Mapping[str, Any]) -> Iterator[MessagingApi]:
    """A Messaging API client for one batch of sends. It never retries by itself: the outbox does,
    with backoff, so a failed try is recorded and nothing is sent twice in a hurry."""
    configuration = Configuration(host=config["LINE_API_BASE_URL"],
                                  access_token=config["LINE_CHANNEL_ACCESS_TOKEN"])
    configuration.retries = False
    with ApiClient(configuration) as api_client:
        yield MessagingApi(api_client)
