"""Reading the completion indicator of a task (индикативный показатель).

Plain Python (STYLE §2). Road maps state an indicator as the existence of a document
(«Наличие аналитического отчета…») or, sometimes, as a number with a comparison
(«не менее 5 % педагогов ежегодно», «не менее 2 мероприятий в год»). A number is taken only
when a comparison word stands before it; anything else that is not empty is a document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_COMPARISONS = (
    (re.compile(r"не\s+менее|не\s+ниже|не\s+меньше|≥|>="), "gte"),
    (re.compile(r"не\s+более|не\s+выше|не\s+больше|≤|<="), "lte"),
)
_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(%|[А-Яа-яЁё]+)?")


@dataclass(frozen=True)
class Indicator:
    """What completion of a task needs: ``kind`` is document, number or none."""

    kind: str
    comparison: str = "gte"
    value: Decimal | None = None
    unit: str = ""


def parse_indicator(text: str) -> Indicator:
    """«Доля педагогов … (не менее 5% ежегодно)» → number, gte, 5, «%»."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return Indicator("none")
    lowered = cleaned.lower()
    for pattern, comparison in _COMPARISONS:
        for match in pattern.finditer(lowered):
            number = _NUMBER.match(lowered, match.end())
            if number:
                value = Decimal(number.group(1).replace(",", "."))
                return Indicator("number", comparison, value, number.group(2) or "")
    return Indicator("document")


def meets_target(value: Decimal, comparison: str, target: Decimal | None) -> bool:
    """Whether an achieved value satisfies the target (True when no target is set)."""
    if target is None:
        return True
    if comparison == "lte":
        return value <= target
    if comparison == "eq":
        return value == target
    return value >= target
