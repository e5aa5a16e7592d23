"""Fixtures of the admin tests."""

from __future__ import annotations

import pytest

from tests.support import login


@pytest.fixture
def admin_client(app, admin):
    """A test client signed in as the administrator."""
    client = app.test_client()
    login(client, admin)
    return client
