"""Words that make a public comment look like an allegation of corruption. A comment holding one is
never refused or held back: the comment form offers the confidential report channel beside it, since
a public thread harms the accused if the allegation is false and exposes the writer if it is true."""

from __future__ import annotations

# Short, specific words: a hint shown too often stops being read.
WORDS = ("回扣", "綁標", "圍標", "賄賂", "行賄", "收賄", "索賄", "貪污", "貪汙", "圖利", "白手套",
         "kickback", "bribe", "bribery", "bid rigging", "bid-rigging")


def looks_like_allegation(text: str | None) -> bool:
    lowered = (text or "").casefold()
    return any(word in lowered for word in WORDS)
