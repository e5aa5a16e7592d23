"""Asking the community procurement API about one tender, politely.

The service answers more than 10 requests in 10 s, or 60 in 60 s, from one address with 429
(../shared/standards/pcc-api/). A ``Fetcher`` keeps under both limits by spacing its requests,
retries a 429 or a failing server with a growing wait (and the wait the server asks for), and
gives up on a tender after a few tries, saying why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "civic-procurement-sync"
RETRY_AFTER_MAX = 120


class FetchError(RuntimeError):
    """The service could not be asked, or did not answer with a tender response."""


@dataclass
class Fetcher:
    """Fetches ``/tender`` responses from ``base_url``, the service's address ending in ``/api``."""

    base_url: str
    timeout: float = 20.0
    # At most 10 requests in 10 s and 60 in 60 s: one a second keeps under both.
    min_interval: float = 1.0
    retries: int = 4
    backoff: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)
    _session: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        # A Retry-After is honoured up to two minutes (urllib3 would wait up to six hours).
        retry = Retry(total=self.retries, backoff_factor=self.backoff, status_forcelist=(429, 500, 502, 503, 504),
                      allowed_methods=("GET",), respect_retry_after_header=True, raise_on_status=False,
                      retry_after_max=RETRY_AFTER_MAX)
        self._session.mount("http://", HTTPAdapter(max_retries=retry))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))

    def _wait_turn(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.min_interval:
            self.sleep(self.min_interval - (now - self._last))
        self._last = self.clock()

    def url(self, unit_id: str, job_number: str) -> str:
        return requests.Request("GET", f"{self.base_url.rstrip('/')}/tender",
                                params={"unit_id": unit_id, "job_number": job_number}).prepare().url or ""

    def tender(self, unit_id: str, job_number: str) -> dict[str, Any]:
        """The service's response for one tender; FetchError says why there is none."""
        self._wait_turn()
        try:
            response = self._session.get(self.url(unit_id, job_number), timeout=self.timeout)
        except requests.RequestException as error:
            raise FetchError(self._why(error)) from error
        if response.status_code != 200:
            raise FetchError(f"the service answered {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise FetchError("the service's answer is not JSON") from error
        if not isinstance(data, dict):
            raise FetchError("the service's answer is not a tender response")
        return data

    def _why(self, error: requests.RequestException) -> str:
        # Once retries are used up, requests reports a read timeout as a ConnectionError around
        # urllib3's MaxRetryError; its reason says what happened.
        # (urllib3's NewConnectionError, a refused connection, is a kind of its TimeoutError.)
        reason = getattr(error.args[0], "reason", None) if error.args else None
        timed_out = isinstance(reason, urllib3.exceptions.TimeoutError) and not isinstance(
            reason, urllib3.exceptions.NewConnectionError)
        if timed_out or isinstance(error, requests.Timeout):
            return f"the service did not answer within {self.timeout:g} s"
        return f"could not reach the service: {type(reason or error).__name__}"

    def close(self) -> None:
        self._session.close()
