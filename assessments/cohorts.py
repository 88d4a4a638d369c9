"""Cohorts: the class of grade g in year Y is grade g + 1 in year Y + 1.

Plain Python, no Django. The stored figures hold a row per class where the result files
name the class («4А», «4 б», «4-В»); the class letter carries over from year to year
(«4А» → «5А»). Two years are matched by school and class letter when every class of both
years has a letter and at least one letter is on both sides; otherwise by school and
grade (the whole parallel), and the page says which.

Also the marks of a class: participants with a mark, % «2», успеваемость, качество and the
mean mark, from (class, mark) rows — the few figures a class row carries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from assessments.indicators import percent

K = TypeVar("K")
V = TypeVar("V")

_LETTER = re.compile(r"^\s*(\d{1,2})?\s*[-–.]?\s*([A-Za-zА-Яа-яЁё]{1,3})\s*$")


def class_letter(name: str, grade: int | None = None) -> str | None:
    """The letter of a class name («4А», «4 а», «4-Б» → «А», «Б»); None without one.

    A name whose number is not `grade` (when given) has no letter for this grade.
    """
    match = _LETTER.match(name or "")
    if not match:
        return None
    number, letter = match.groups()
    if grade is not None and number is not None and int(number) != grade:
        return None
    return letter.upper().replace("Ё", "Е")


class Method(StrEnum):
    CLASS = "class"
    GRADE = "grade"


METHOD_LABELS = {
    Method.CLASS: "по ОО и классу (буква класса сохраняется: 4А → 5А)",
    Method.GRADE: "по ОО и параллели (классы в файлах не указаны или не совпадают)",
}


@dataclass(frozen=True)
class Pair(Generic[V]):
    """One cohort seen in two years: `label` (e.g. «4А → 5А» or «4 → 5»)."""

    label: str
    before: V
    after: V


def match(
    before: Mapping[str, V],
    after: Mapping[str, V],
    *,
    grade: int,
    whole_before: V | None,
    whole_after: V | None,
) -> tuple[Method, list[Pair[V]]]:
    """Pair the classes of grade `grade` (year Y) with grade `grade + 1` (year Y + 1).

    `before` / `after` map class names to their figures; `whole_*` are the school's
    figures for the whole grade. By class when every class has a letter and the letters
    meet; else the whole grade.
    """
    letters_before = {class_letter(name, grade): value for name, value in before.items()}
    letters_after = {class_letter(name, grade + 1): value for name, value in after.items()}
    common = sorted(x for x in set(letters_before) & set(letters_after) if x is not None)
    if common and None not in letters_before and None not in letters_after:
        return Method.CLASS, [
            Pair(
                f"{grade}{letter} → {grade + 1}{letter}",
                letters_before[letter],
                letters_after[letter],
            )
            for letter in common
        ]
    if whole_before is None or whole_after is None:
        return Method.GRADE, []
    return Method.GRADE, [Pair(f"{grade} → {grade + 1}", whole_before, whole_after)]


@dataclass(frozen=True)
class ClassMarks:
    """The mark figures of one class."""

    participants: int  # wrote the work (absent excluded)
    with_mark: int
    fail_share: Decimal | None
    pass_rate: Decimal | None
    quality: Decimal | None
    mean_mark: Decimal | None


def class_marks(rows: Iterable[tuple[K, str, int | None]]) -> dict[tuple[K, str], ClassMarks]:
    """(school, class name, mark or None) of the participants → figures per school × class.

    Rows without a class name are left out (they belong to no class). Percentages and the
    mean mark follow the rules of assessments.indicators (percent, round half up).
    """
    marks: dict[tuple[K, str], list[int | None]] = defaultdict(list)
    for school, name, mark in rows:
        name = (name or "").strip()
        if name:
            marks[(school, name)].append(mark)
    found = {}
    for key, values in marks.items():
        with_mark = [m for m in values if m is not None]
        n = len(with_mark)
        found[key] = ClassMarks(
            participants=len(values),
            with_mark=n,
            fail_share=percent(sum(1 for m in with_mark if m == 2), n),
            pass_rate=percent(sum(1 for m in with_mark if m >= 3), n),
            quality=percent(sum(1 for m in with_mark if m >= 4), n),
            mean_mark=percent(sum(with_mark), n * 100),  # unrounded, as the school's
        )
    return found
