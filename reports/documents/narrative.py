"""Sentences written from the figures by rules (no language model), and Russian typography.

Every number in a sentence is passed in — a stored figure — and formatted by
msoko.formatting, so the text can be checked against the tables. Plain Python, no Django.

    change_sentence("Доля «2»", "по математике в 5 классах", Decimal("8.1"), Decimal("19.4"),
                    unit="%", higher_is_better=False, fail_share=True)
    → «Доля «2» по математике в 5 классах выросла с 8,1 % до 19,4 % (+11,3 п. п.) —
       негативная динамика.»
"""

from __future__ import annotations

import re
from decimal import Decimal

from assessments.dynamics import VERDICT_LABELS, Thresholds, change
from msoko import formatting

NBSP = "\u00a0"
DEFAULT_THRESHOLDS = Thresholds()

# Feminine names take «выросла/снизилась»; the others are listed by their first word.
_MASCULINE = ("средний", "первичный", "тестовый", "балл")
_NEUTER = ("число", "количество", "качество")
_PLURAL = ("участники", "медалисты")


def _verbs(name: str) -> tuple[str, str, str]:
    first = name.split()[0].lower() if name else ""
    if first in _MASCULINE:
        return "вырос", "снизился", "не изменился"
    if first in _NEUTER:
        return "выросло", "снизилось", "не изменилось"
    if first in _PLURAL:
        return "выросли", "снизились", "не изменились"
    return "выросла", "снизилась", "не изменилась"


def shown(value: Decimal | int | None, unit: str, places: int = 1) -> str:
    return formatting.value(value, unit, places)


def change_sentence(
    name: str,
    where: str,
    before: Decimal | None,
    after: Decimal | None,
    *,
    unit: str,
    higher_is_better: bool | None,
    fail_share: bool = False,
    places: int = 1,
    years: tuple[int, int] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> str:
    """One sentence on the change of an indicator between two years (the values as shown)."""
    subject = f"{name} {where}".strip()
    span = f" в {years[0]}–{years[1]} гг." if years else ""
    if after is None:
        return f"{subject}: нет значения за {years[1]} г." if years else f"{subject}: нет значения."
    if before is None:
        when = f" в {years[1]} г." if years else ""
        return (
            f"{subject}{when} — {shown(after, unit, places)}; значения предыдущего года нет, "
            "динамику оценить нельзя."
        )
    # the change of the values as shown (rounded), so that the text adds up
    b, a = formatting.rounded(before, places), formatting.rounded(after, places)
    assert b is not None and a is not None
    result = change(
        b, a, higher_is_better=higher_is_better, fail_share=fail_share, thresholds=thresholds
    )
    up, down, same = _verbs(name)
    unit_change = f"{NBSP}п.{NBSP}п." if unit == "%" else ""
    if a == b:
        text = f"{subject}{span} {same}: {shown(a, unit, places)}"
    else:
        verb = up if a > b else down
        delta = formatting.signed(a - b, places) + unit_change
        text = f"{subject}{span} {verb} с {shown(b, unit, places)} до {shown(a, unit, places)} ({delta})"
    if result.verdict is not None:
        text += f" — {VERDICT_LABELS[result.verdict]}"
    return text + "."


def share_sentence(count: int, total: int, what: str) -> str:
    """«3 из 30 ОО (10,0 %) …» — a count with its share of the whole."""
    if total == 0:
        return f"{what}: нет данных."
    share = Decimal(count) * 100 / Decimal(total)
    return f"{what}: {formatting.integer(count)} из {formatting.integer(total)} ({formatting.percent(share)})."


_QUOTES = re.compile(r'"([^"]*)"')
_DASH = re.compile(r"(?<=\S) - (?=\S)")
_SHORT = re.compile(r"(?<![\w])([вкосуиаВКОСУИА]|во|на|по|за|из|от|до|не|ко|об|со) ")
_NUMBER_UNIT = re.compile(r"(\d) (%|г\.|гг\.|чел\.|п\.|ОО|балл)")


def typeset(text: str) -> str:
    """Russian typography: «ёлочки», an em dash between words, no-break spaces after short
    words and between a number and its unit."""
    text = _QUOTES.sub(lambda m: f"«{m.group(1)}»", text)
    text = _DASH.sub(f"{NBSP}— ", text)
    text = _SHORT.sub(lambda m: m.group(1) + NBSP, text)
    return _NUMBER_UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
