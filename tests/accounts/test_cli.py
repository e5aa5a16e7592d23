"""The command line: users create and demo load."""

from __future__ import annotations

from sqlalchemy import func, select

from civic.accounts.models import CompanyRepresentative, User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.extensions import db


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_users_create_makes_a_verified_staff_account_with_a_password_from_stdin(app, staff):
    result = run(app, "users", "create", "clerk@agency-a.gov.tw", "--role", "staff",
                 "--agency", "A00000001", "--name", "承辦人", input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "clerk@agency-a.gov.tw"))
        assert user.role == "staff" and user.agency.code == "A00000001"
        assert user.verified_at is not None and user.password_hash.startswith("$argon2id$")


def test_users_create_makes_an_integrity_officer_of_an_agency_and_refuses_one_without(app, staff):
    result = run(app, "users", "create", "ethics@agency-a.gov.tw", "--role", "integrity_officer",
                 "--agency", "A00000001", "--name", "政風室", input="a long enough password\n")
    assert result.exit_code == 0, result.output
    refused = run(app, "users", "create", "nobody@agency-a.gov.tw", "--role", "integrity_officer",
                  input="a long enough password\n")
    assert refused.exit_code != 0
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "ethics@agency-a.gov.tw"))
        assert officer.role == "integrity_officer" and officer.agency.code == "A00000001"
        assert db.session.scalar(select(User).where(User.email == "nobody@agency-a.gov.tw")) is None


def test_users_create_refuses_staff_without_agency_and_suppliers_without_company(app):
    assert run(app, "users", "create", "x@example.tw", "--role", "staff",
               input="a long enough password\n").exit_code != 0
    assert run(app, "users", "create", "y@example.tw", "--role", "supplier",
               input="a long enough password\n").exit_code != 0
    result = run(app, "users", "create", "z@example.tw", "--role", "supplier", "--company",
                 "12345678", input="a long enough password\n")
    assert result.exit_code != 0 and "12345678" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_create_links_a_supplier_to_a_valid_company(app):
    result = run(app, "users", "create", "rep@example.tw", "--role", "supplier", "--company",
                 "90000006", input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        link = db.session.scalar(select(CompanyRepresentative))
        assert link.company.ubn == "90000006" and link.confirmed_at is not None


def test_users_create_refuses_a_short_password_and_a_duplicate(app, citizen):
    assert run(app, "users", "create", "s@example.tw", input="short\n").exit_code != 0
    result = run(app, "users", "create", "CITIZEN@example.tw", input="a long enough password\n")
    assert result.exit_code != 0


def test_demo_load_is_idempotent_and_covers_the_platforms(app):
    first = run(app, "demo", "load")
    assert first.exit_code == 0, first.output
    with app.app_context():
        agencies = db.session.scalar(select(func.count(Agency.id)))
        users = db.session.scalar(select(func.count(User.id)))
        cases = db.session.scalars(select(Case).where(Case.review_state == "published")).all()
    assert agencies >= 6 and users >= 6
    assert len(cases) >= 14 and all(case.is_demo for case in cases)
    assert len({case.agency_id for case in cases}) >= 6
    assert len({case.sector_id for case in cases}) >= 4
    assert sum(case.is_best_practice for case in cases) >= 1
    assert len({case.completeness for case in cases}) > 1
    second = run(app, "demo", "load")
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Agency.id))) == agencies
        assert db.session.scalar(select(func.count(User.id))) == users
        assert db.session.scalar(select(func.count(Case.id))) == len(cases)


def test_demo_load_if_empty_leaves_a_used_database_alone(app, citizen):
    result = run(app, "demo", "load", "--if-empty")
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Agency.id))) == 0


def test_demo_load_refuses_a_production_database_with_users(app, citizen):
    app.config["CIVIC_ENV"] = "production"
    try:
        result = run(app, "demo", "load")
    finally:
        app.config["CIVIC_ENV"] = "testing"
    assert result.exit_code != 0 and "--force" in result.output
