"""Receipts and content hashes anyone can recompute.

A pledge's hash is SHA-256 over its canonical content: a JSON object with sorted keys, no
spaces, UTF-8, non-ASCII characters written as they are. The text's own hash is taken the
same way over its version, case and wording, and is part of the pledge's content, so the
receipt proves exactly which words were signed. The verification page shows the canonical
string; `printf '%s' '<string>' | sha256sum` gives the hash.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from civic.core import short_ids


def new_receipt() -> str:
    """P-XXXX-XXXX: eight random Crockford base-32 characters (civic.core.short_ids)."""
    return short_ids.new_short_id("P")


def canonical(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(content: dict) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def text_content(*, version: int, case_slug: str | None, title_zh: str, title_en: str, body_zh: str,
                 body_en: str) -> dict:
    return {"version": version, "case": case_slug, "title_zh": title_zh, "title_en": title_en,
            "body_zh": body_zh, "body_en": body_en}


def questionnaire_content(*, version: int, questions: list[dict[str, str]]) -> dict:
    return {"version": version, "questions": [{"key": q["key"], "text_zh": q["text_zh"], "text_en": q["text_en"]}
                                              for q in questions]}


def pledge_content(*, receipt: str, ubn: str, company_name: str, case_slug: str | None, text_version: int,
                   text_hash: str, signer_name: str, signer_title: str, signed_at: datetime) -> dict:
    return {
        "receipt": receipt, "company_ubn": ubn, "company_name": company_name, "case": case_slug,
        "text_version": text_version, "text_hash": text_hash, "signer_name": signer_name,
        "signer_title": signer_title,
        "signed_at": signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
