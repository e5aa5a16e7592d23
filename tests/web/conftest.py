"""The page cache's store, in-process and in a real Redis, for the tests of what it keeps."""

from __future__ import annotations

import uuid

import pytest

import config
from civic.extensions import cache
from tests.support import redis_url_or_skip


@pytest.fixture(params=["SimpleCache", "RedisCache"])
def shared_pages(app, request):
    url = redis_url_or_skip() if request.param == "RedisCache" else config.test_redis_url()
    cache.init_app(app, config={"CACHE_TYPE": request.param, "CACHE_REDIS_URL": url, "CACHE_DEFAULT_TIMEOUT": 60,
                                "CACHE_KEY_PREFIX": f"civic-test-{uuid.uuid4().hex}:"})
    yield request.param
    with app.app_context():
        cache.clear()
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
