"""Pledge fixtures: the general pledge text published, and a supplier signed in to sign it."""

from __future__ import annotations

import pytest

from civic.accounts.models import User
from civic.extensions import db
from civic.pledges import default_text, services
from tests.support import login


@pytest.fixture
def pledge_text(app, admin):
    with app.test_request_context():
        services.publish_text(db.session, services.TextInput(
            title_zh=default_text.TITLE_ZH, body_zh=default_text.BODY_ZH, title_en=default_text.TITLE_EN,
            body_en=default_text.BODY_EN), case=None, actor=db.session.get(User, admin.id))
        db.session.commit()


@pytest.fixture
def supplier_client(app, supplier, pledge_text):
    client = app.test_client()
    login(client, supplier)
    return client
