"""Workshop fixtures: workshops held by staff's agency and sign-ups, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext

from civic.accounts.models import User
from civic.core.time import utcnow
from civic.extensions import db
from civic.workshops import queries, services
from civic.workshops.models import Registration


@pytest.fixture
def zh(app):
    """``zh(message)``: the message as the site shows it in Traditional Chinese (from the catalog)."""

    def translate(message: str, **values) -> str:
        with app.test_request_context(), force_locale("zh_Hant_TW"):
            return babel_gettext(message, **values)

    return translate


@pytest.fixture
def shown(zh):
    """``shown(message)``: the message as a page shows it (compare with the page's unescaped text)."""
    return zh


def workshop_input(**overrides) -> services.WorkshopInput:
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    start = overrides.pop("starts_at", start)
    values = dict(title="萬大線施工交通維持工作坊", starts_at=start, ends_at=(start or utcnow()) + timedelta(hours=2),
                  capacity=3,
                  location="臺北市萬華區西園路二段 1 號", online_url="https://meet.example.tw/wanda-workshop",
                  description="說明**交通維持**計畫並聽取意見。", accessibility="無障礙坡道；可申請手語翻譯。")
    values.update(overrides)
    return services.WorkshopInput(**values)


def hold(app, account, **overrides) -> int:
    """A workshop held by ``account`` (staff) through the service; returns its id."""
    now = overrides.pop("now", None)
    with app.test_request_context():
        workshop = services.create_workshop(db.session, workshop_input(**overrides),
                                            actor=db.session.get(User, account.id), now=now)
        db.session.commit()
        return workshop.id


@dataclass(frozen=True)
class SignedUp:
    id: int
    token: str
    status: str
    place: int | None
    email: str


def person(number: int) -> services.SignupInput:
    return services.SignupInput(name=f"參加者{number}", email=f"person{number}@example.tw",
                                phone=f"0912 345 {number:03d}", consent=True)


def sign_up(app, workshop_id: int, data: services.SignupInput | int, *, now: datetime | None = None,
            locale: str = "zh_Hant_TW") -> SignedUp:
    data = person(data) if isinstance(data, int) else data
    with app.test_request_context():
        workshop = queries.get_workshop(db.session, workshop_id)
        result = services.sign_up(db.session, workshop, data, locale=locale, now=now)
        registration = result.registration
        db.session.commit()
        return SignedUp(registration.id, registration.cancel_token, registration.status, result.place,
                        registration.email)


def registration(registration_id: int) -> Registration:
    return db.session.get(Registration, registration_id)


@pytest.fixture
def workshop(app, staff) -> int:
    """A workshop of three seats held by staff's agency, starting in three days."""
    return hold(app, staff)


@pytest.fixture
def full_workshop(app, workshop) -> tuple[int, list[SignedUp]]:
    """The three-seat workshop with three people seated and two on the waitlist."""
    return workshop, [sign_up(app, workshop, number) for number in range(1, 6)]
