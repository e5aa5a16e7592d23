"""Demonstration pledges: the default text, the demo supplier representing two contractors,
pledges on demo cases, one of them withdrawn. Made through the pledge services.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts.models import CompanyRepresentative, User
from civic.accounts.queries import get_company_by_ubn
from civic.cases.queries import get_case_with_parts
from civic.core.time import utcnow
from civic.pledges import default_text, services
from civic.pledges.models import Pledge, PledgeText

# (UBN of a demo contractor, case slug, signer, title, withdraw with this reason or None)
PLEDGES = [
    ("95957117", "taipei-mrt-wanda-line", "陳○○", "負責人", None),
    ("95957117", "taoyuan-mrt-green-line", "陳○○", "負責人", None),
    ("94656321", "taipei-mrt-wanda-line", "林○○", "總經理", None),
    ("94402426", "zengwen-reservoir-desilting-tunnel", "黃○○", "負責人",
     "公司改組，將由新任負責人重新簽署承諾書。"),
]


def load_pledges(session: Session, *, admin: User, supplier: User) -> int:
    """Publish the default text and sign the demo pledges once; return how many were signed."""
    if session.scalar(select(func.count(PledgeText.id))) == 0:
        services.publish_text(session, services.TextInput(
            title_zh=default_text.TITLE_ZH, title_en=default_text.TITLE_EN,
            body_zh=default_text.BODY_ZH, body_en=default_text.BODY_EN), case=None, actor=admin)
    if session.scalar(select(func.count(Pledge.id))):
        return 0
    signed = 0
    for ubn, slug, signer, title, withdrawal in PLEDGES:
        company = get_company_by_ubn(session, ubn)
        case = get_case_with_parts(session, slug)
        if company is None or case is None:
            continue
        link = session.scalar(select(CompanyRepresentative).where(
            CompanyRepresentative.company_id == company.id, CompanyRepresentative.user_id == supplier.id))
        if link is None:
            session.add(CompanyRepresentative(company_id=company.id, user_id=supplier.id, confirmed_at=utcnow()))
            session.flush()
        pledge = services.sign(session, services.SignInput(ubn=ubn, signer_name=signer, signer_title=title,
                                                           agree=True, case=case), actor=supplier)
        if withdrawal:
            services.withdraw(session, pledge, actor=supplier, reason=withdrawal)
        signed += 1
    return signed
