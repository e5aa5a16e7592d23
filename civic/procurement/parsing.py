"""Reading the e-procurement system's announcements of a tender, as the community API serves them.

The source (../shared/standards/pcc-api/) answers ``/api/tender?unit_id=&job_number=`` with
``{"unit_name": ..., "records": [...]}``, one record per announcement; its ``detail`` is a flat
object keyed by the official page's ``<section>:<field>`` labels. This module turns a record into
an ``AnnouncementData`` or says why it cannot: nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from civic.procurement.models import AnnouncementKind

OFFICIAL_SITE = "https://web.pcc.gov.tw/"
MAX_AMOUNT_NTD = 10**15
# The labels an amount or a count may stand under; the first present wins.
BUDGET_KEYS = ("採購資料:預算金額", "已公告資料:預算金額", "招標資料:預算金額")
RESERVE_PRICE_KEYS = ("決標資料:底價金額",)
AWARD_AMOUNT_KEYS = ("決標資料:總決標金額",)
BIDDER_COUNT_KEYS = ("投標廠商:投標廠商家數", "已公告資料:投標廠商家數")
PROCEDURE_KEYS = ("招標資料:招標方式", "已公告資料:招標方式")
AWARD_METHOD_KEYS = ("招標資料:決標方式", "已公告資料:決標方式", "決標資料:決標方式")
TITLE_KEYS = ("採購資料:標案名稱", "已公告資料:標案名稱")
CATEGORY_KEYS = ("採購資料:標的分類", "已公告資料:標的分類")
_BIDDER = re.compile(r"^投標廠商:投標廠商(\d{1,4}):廠商代碼$")
_WINNER = re.compile(r"^決標品項:第(\d{1,4})品項:得標廠商(\d{1,4}):得標廠商$")
_DIGITS = re.compile(r"[0-9][0-9,]*")


class RecordError(ValueError):
    """A record that cannot be read; the message says why, in words an operator can act on."""


@dataclass
class CompanyData:
    ubn: str
    name: str
    bid: bool = False
    won: bool = False


@dataclass
class AnnouncementData:
    unit_id: str
    job_number: str
    filename: str
    published_on: date
    kind: AnnouncementKind
    type_label: str
    title: str
    category: str = ""
    procedure: str = ""
    award_method: str = ""
    budget_ntd: int | None = None
    reserve_price_ntd: int | None = None
    award_amount_ntd: int | None = None
    bidder_count: int | None = None
    official_url: str = ""
    unit_name: str = ""
    companies: list[CompanyData] = field(default_factory=list)


def kind_of(type_label: str) -> AnnouncementKind:
    """Where a published type stands: 無法決標 before 決標, corrections before the rest."""
    if "更正" in type_label:
        return AnnouncementKind.correction
    if "無法決標" in type_label:
        return AnnouncementKind.failed
    if "決標" in type_label:
        return AnnouncementKind.award
    if "撤銷" in type_label or "定期彙送" in type_label:
        return AnnouncementKind.other
    if "招標" in type_label or "公開取得" in type_label or "公開評選" in type_label:
        return AnnouncementKind.tender
    return AnnouncementKind.other


def amount(text: Any) -> int | None:
    """New Taiwan dollars from text such as ``1,234,567元``; None when there is no number."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        found = _DIGITS.search(str(text or ""))
        if not found:
            return None
        digits = found.group().replace(",", "").lstrip("0") or "0"
        if len(digits) > len(str(MAX_AMOUNT_NTD)):  # before int(): it refuses over 4300 digits
            raise RecordError(f"amount out of range: {str(text)[:40]}")
        value = int(digits)
    if not 0 <= value < MAX_AMOUNT_NTD:
        raise RecordError(f"amount out of range: {text}")
    return value


def _count(text: Any) -> int | None:
    value = amount(text)
    if value is not None and value > 10_000:
        raise RecordError(f"number of bidders out of range: {text}")
    return value


def _first(detail: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = detail.get(key)
        if value not in (None, ""):
            return value
    return None


def _text(value: Any, limit: int) -> str:
    return str(value).replace("\x00", "").strip()[:limit] if value is not None else ""


def _day(text: Any) -> date:
    value = str(text or "")
    if not (len(value) == 8 and value.isascii() and value.isdigit()):
        raise RecordError(f"date is not YYYYMMDD: {text!r}")
    try:
        day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as error:
        raise RecordError(f"no such date: {value}") from error
    if not 1900 <= day.year <= 2100:
        raise RecordError(f"date out of range: {value}")
    return day


def _companies(detail: dict[str, Any], brief: dict[str, Any]) -> list[CompanyData]:
    """Bidders from the 投標廠商 section, winners from it or from the awarded items; the brief's
    company list when the detail has neither."""
    found: dict[str, CompanyData] = {}
    by_name: dict[str, CompanyData] = {}
    bidders = sorted((int(match.group(1)), key) for key in detail
                     if (match := _BIDDER.match(key)))
    for number, key in bidders:
        ubn = _text(detail.get(key), 20)
        if not ubn:
            continue
        prefix = f"投標廠商:投標廠商{number}:"
        company = found.setdefault(ubn, CompanyData(ubn, _text(detail.get(prefix + "廠商名稱"), 200)))
        company.bid = True
        company.won = company.won or _text(detail.get(prefix + "是否得標"), 10) == "是"
        if company.name:
            by_name.setdefault(company.name, company)
    for key in sorted(key for key in detail if _WINNER.match(key)):
        name = _text(detail.get(key), 200)
        ubn = _text(detail.get(key + "代碼"), 20)
        # A winner is known by its number; by its name only when the item gives no number.
        company = found.get(ubn) if ubn else by_name.get(name) if name else None
        if company is None and ubn:
            company = found.setdefault(ubn, CompanyData(ubn, name))
        if company is not None:
            company.won = True
    if found:
        return list(found.values())
    return _brief_companies(brief)


def _keys_of(mapping: Any) -> dict[str, list[str]]:
    """The brief's id_key/name_key: an object, or a list of objects, from a value to its labels."""
    items = mapping if isinstance(mapping, list) else [mapping]
    keys: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, dict):
            for value, labels in item.items():
                if isinstance(labels, list):
                    keys.setdefault(str(value), []).extend(str(label) for label in labels)
    return keys


def _brief_companies(brief: dict[str, Any]) -> list[CompanyData]:
    listed = brief.get("companies") or {}
    if not isinstance(listed, dict):
        return []
    ids, names = listed.get("ids"), listed.get("names")
    ids, names = ids if isinstance(ids, list) else [], names if isinstance(names, list) else []
    # Where each 統一編號 and each name stands in the detail: a winner is named (by name) under
    # 決標品項:第n品項:得標廠商m:得標廠商, a bidder under 投標廠商:投標廠商n:...
    id_keys, name_keys = _keys_of(listed.get("id_key")), _keys_of(listed.get("name_key"))
    companies: dict[str, CompanyData] = {}
    for index, raw in enumerate(ids):
        ubn = _text(raw, 20)
        if not ubn or ubn in companies:
            continue
        name = _text(names[index], 200) if index < len(names) else ""
        labels = id_keys.get(ubn, []) + (name_keys.get(name, []) if name else [])
        companies[ubn] = CompanyData(
            ubn, name, bid=any(label.startswith("投標廠商:") for label in labels),
            won=any(":得標廠商" in label for label in labels))
    return list(companies.values())


def parse_record(record: Any, *, unit_name: str = "") -> AnnouncementData:
    """One record of the response; RecordError says what is wrong with it."""
    if not isinstance(record, dict):
        raise RecordError("a record must be an object")
    brief = record.get("brief") if isinstance(record.get("brief"), dict) else {}
    detail = record.get("detail") if isinstance(record.get("detail"), dict) else {}
    filename = _text(record.get("filename"), 61)
    if not filename:
        raise RecordError("no filename (the announcement's key)")
    if len(filename) > 60:
        raise RecordError("filename longer than 60 characters")
    unit_id, job_number = _text(record.get("unit_id"), 41), _text(record.get("job_number"), 101)
    if not unit_id or not job_number:
        raise RecordError("no unit_id or job_number")
    type_label = _text(brief.get("type") or detail.get("type"), 60)
    if not type_label:
        raise RecordError("no announcement type (brief.type)")
    title = _text(brief.get("title") or _first(detail, TITLE_KEYS), 300)
    if not title:
        raise RecordError("no title (brief.title)")
    official = _text(detail.get("url"), 1000)
    return AnnouncementData(
        unit_id=unit_id, job_number=job_number, filename=filename,
        published_on=_day(record.get("date")), kind=kind_of(type_label), type_label=type_label,
        title=title, category=_text(brief.get("category") or _first(detail, CATEGORY_KEYS), 100),
        procedure=_text(_first(detail, PROCEDURE_KEYS), 60),
        award_method=_text(_first(detail, AWARD_METHOD_KEYS), 60),
        budget_ntd=amount(_first(detail, BUDGET_KEYS)),
        reserve_price_ntd=amount(_first(detail, RESERVE_PRICE_KEYS)),
        award_amount_ntd=amount(_first(detail, AWARD_AMOUNT_KEYS)),
        bidder_count=_count(_first(detail, BIDDER_COUNT_KEYS)),
        official_url=official if official.startswith(OFFICIAL_SITE) else "",
        unit_name=_text(record.get("unit_name") or unit_name, 200),
        companies=_companies(detail, brief),
    )


@dataclass
class Problem:
    """A record left out, and why."""

    index: int
    filename: str
    reason: str


@dataclass
class Parsed:
    announcements: list[AnnouncementData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_response(data: Any) -> Parsed:
    """Every record of a ``/api/tender`` response that can be read, and why the others cannot."""
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise RecordError('not a tender response: expected {"records": [...]}')
    unit_name = _text(data.get("unit_name"), 200)
    parsed = Parsed()
    for index, record in enumerate(data["records"]):
        try:
            parsed.announcements.append(parse_record(record, unit_name=unit_name))
        except (RecordError, ValueError, TypeError) as error:
            # Anything odd in one record leaves that record out, with the reason, and keeps the rest.
            reason = str(error) if isinstance(error, RecordError) else f"cannot be read ({type(error).__name__})"
            filename = _text(record.get("filename"), 60) if isinstance(record, dict) else ""
            parsed.problems.append(Problem(index, filename, reason))
    return parsed
