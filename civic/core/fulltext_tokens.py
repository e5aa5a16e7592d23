"""One tokenizing code path for documents and queries, on SQLite and PostgreSQL alike.

Chinese has no spaces and most words are two characters long, so a text is normalized
(NFKC, lower case, Traditional folded to Simplified with OpenCC so either script finds the
other) and every run of CJK characters becomes its single characters and its character
bigrams; Latin words and numbers stay whole. A query is cut the same way and every token
must match: a two-character word is one bigram, a longer phrase its overlapping bigrams.
Tokens only ever contain letters, digits and CJK characters, so they can be quoted into
FTS5 and tsquery syntax without any user-supplied operator reaching the database.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

# CJK unified ideographs (with extension A) and compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
MAX_QUERY_LENGTH = 200
MAX_QUERY_TOKENS = 32


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    return _converter().convert(unicodedata.normalize("NFKC", text or "").lower())


def _cjk(piece: str) -> bool:
    return "\u3400" <= piece[0] <= "\ufaff"


def document_tokens(text: str) -> list[str]:
    """Every token of a document: CJK unigrams and bigrams, Latin words and numbers."""
    tokens: list[str] = []
    for piece in _PIECES.findall(normalize(text)):
        if _cjk(piece):
            tokens.extend(piece)
            tokens.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        else:
            tokens.append(piece)
    return tokens


def query_tokens(text: str) -> list[str]:
    """The tokens a query needs, all of which a matching document must contain."""
    tokens: list[str] = []
    for piece in _PIECES.findall(normalize((text or "")[:MAX_QUERY_LENGTH])):
        if _cjk(piece) and len(piece) > 1:
            tokens.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        else:
            tokens.append(piece)
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]


def highlight_terms(text: str) -> list[str]:
    """The words of a query as typed, for marking them in snippets."""
    return [piece for piece in re.findall(rf"[{_CJK}]+|[0-9A-Za-z]+", (text or "")[:MAX_QUERY_LENGTH]) if piece]
