"""Demonstration data: agencies, one account per role and the demonstration cases.

Every name here is illustrative.

Agency codes follow the shape of 機關代碼 but are demonstration values. Everything is created
through the same services the site uses, so demo data obeys the same rules.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.accounts.queries import get_user_by_email
from civic.agencies import services as agencies
from civic.agencies.models import Agency
from civic.agencies.queries import get_agency_by_code
from civic.core.roles import Role
from civic.demo.cases import case_agency_codes, load_cases
from civic.demo.commitments import load_commitments
from civic.demo.feedback import load_feedback
from civic.demo.pledges import load_pledges
from civic.workshops.demo import load_workshops

# (code, Chinese name, English name, parent code, answer deadline in days)
AGENCIES: list[tuple[str, str, str, str | None, int]] = [
    ("A15000000", "法務部", "Ministry of Justice", None, 14),
    ("A15070000", "法務部廉政署", "Agency Against Corruption, Ministry of Justice", "A15000000", 14),
    ("379130000", "臺北市政府捷運工程局", "Department of Rapid Transit Systems, Taipei City Government", None, 14),
    ("A61000000", "交通部", "Ministry of Transportation and Communications", None, 14),
    ("A61150000", "交通部鐵道局", "Railway Bureau, MOTC", "A61000000", 14),
    ("A65000000", "經濟部", "Ministry of Economic Affairs", None, 14),
    ("A65070000", "經濟部水利署", "Water Resources Agency, MOEA", "A65000000", 21),
    ("A21000000", "衛生福利部", "Ministry of Health and Welfare", None, 14),
    ("387140000", "桃園市政府水務局", "Department of Water Resources, Taoyuan City Government", None, 14),
    ("397110000", "臺中市政府教育局", "Education Bureau, Taichung City Government", None, 10),
    # Agencies owning demonstration cases (civic.demo.cases); a parent is listed before its children.
    ("A61070000", "交通部民用航空局", "Civil Aeronautics Administration, MOTC", "A61000000", 14),
    ("A61180000", "交通部公路局", "Highway Bureau, MOTC", "A61000000", 14),
    ("387150000", "桃園市政府捷運工程局", "Department of Rapid Transit Systems, Taoyuan City Government", None, 14),
    ("A09000000", "教育部", "Ministry of Education", None, 14),
    ("A41000000", "內政部", "Ministry of the Interior", None, 14),
    ("A41080000", "內政部國土管理署", "National Land Management Agency, Ministry of the Interior", "A41000000", 14),
    ("379140000", "臺北市政府工務局", "Public Works Department, Taipei City Government", None, 14),
    ("383120000", "高雄市政府環境保護局", "Environmental Protection Bureau, Kaohsiung City Government", None, 14),
    ("395000000", "臺南市政府", "Tainan City Government", None, 14),
]

# The password of every demo account on a developer's machine (never in production).
DEMO_PASSWORD = "civic-demo-2026"  # noqa: S105 - demo machines only, random in production


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    agency_code: str | None = None
    company: tuple[str, str] | None = None


ADMIN_EMAIL = "admin@demo.civic.tw"

ACCOUNTS = [
    DemoAccount(ADMIN_EMAIL, "廉政署管理者", Role.admin),
    DemoAccount("moderator@demo.civic.tw", "留言版主", Role.moderator),
    DemoAccount("staff.mrt@demo.civic.tw", "捷運局承辦人", Role.staff, "379130000"),
    DemoAccount("staff.water@demo.civic.tw", "水利署承辦人", Role.staff, "A65070000"),
    DemoAccount("citizen@demo.civic.tw", "關心公共工程的市民", Role.citizen),
    DemoAccount("supplier@demo.civic.tw", "示範營造代表", Role.supplier,
                company=("90000006", "示範營造股份有限公司（示範資料）")),
]


@dataclass
class LoadReport:
    agencies: int = 0
    accounts: int = 0
    cases: int = 0
    comments: int = 0
    pledges: int = 0
    workshops: int = 0
    password: str = DEMO_PASSWORD


def load(session: Session, *, random_passwords: bool = False) -> LoadReport:
    """Create whatever part of the demo data is missing; running it twice changes nothing."""
    report = LoadReport()
    if random_passwords:
        report.password = secrets.token_urlsafe(12)
    by_code: dict[str, Agency] = {}
    for code, name_zh, name_en, parent_code, days in AGENCIES:
        agency = get_agency_by_code(session, code)
        if agency is None:
            agency = agencies.create_agency(
                session, code=code, name_zh=name_zh, name_en=name_en,
                parent=by_code.get(parent_code) if parent_code else None,
                response_days=days, actor_id=None,
            )
            report.agencies += 1
        by_code[code] = agency
    for account in ACCOUNTS:
        if get_user_by_email(session, account.email) is not None:
            continue
        company = None
        if account.company:
            ubn, name = account.company
            company = accounts.get_or_create_company(
                session, accounts.CompanyInput(ubn=ubn, name=name), actor_id=None
            )
        accounts.create_user(
            session, email=account.email, password=report.password,
            display_name=account.name, role=account.role,
            agency=by_code[account.agency_code] if account.agency_code else None,
            company=company, verified=True,
        )
        report.accounts += 1
    staff_by_agency_code = _case_staff(session, by_code, report)
    admin = get_user_by_email(session, ADMIN_EMAIL)
    if admin is not None and admin.role == Role.admin and admin.is_active:
        report.cases = load_cases(session, admin=admin, staff_by_agency_code=staff_by_agency_code)
    supplier = get_user_by_email(session, "supplier@demo.civic.tw")
    if admin is not None and admin.role == Role.admin and supplier is not None and supplier.is_active:
        report.pledges = load_pledges(session, admin=admin, supplier=supplier)
    report.workshops = load_workshops(session, staff_by_agency_code=staff_by_agency_code)
    if admin is not None and admin.role == Role.admin and admin.is_active:
        load_commitments(session, admin=admin)
    citizen = get_user_by_email(session, "citizen@demo.civic.tw")
    if citizen is not None and citizen.is_active and citizen.is_verified:
        report.comments = load_feedback(session, citizen=citizen, staff_by_agency_code=staff_by_agency_code)
    return report


def staff_email(agency_code: str) -> str:
    """The demo staff account of an agency: the one in ACCOUNTS, else staff.<code>@demo.civic.tw."""
    for account in ACCOUNTS:
        if account.role == Role.staff and account.agency_code == agency_code:
            return account.email
    return f"staff.{agency_code.lower()}@demo.civic.tw"


def _case_staff(session: Session, by_code: dict[str, Agency], report: LoadReport) -> dict[str, User]:
    """One verified staff account for every agency that owns a demo case, created if missing.

    An existing account that is no longer active staff of that agency is left alone, and that
    agency's cases are not loaded.
    """
    staff: dict[str, User] = {}
    for code in case_agency_codes():
        agency = by_code[code]
        email = staff_email(code)
        user = get_user_by_email(session, email)
        if user is None:
            user = accounts.create_user(
                session, email=email, password=report.password,
                display_name=f"{agency.name_zh}承辦人", role=Role.staff, agency=agency,
                verified=True,
            )
            report.accounts += 1
        if user.role == Role.staff and user.agency_id == agency.id and user.is_active:
            staff[code] = user
    return staff
