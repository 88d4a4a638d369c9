"""ФИС ОКО aggregate forms: «Статистика по отметкам» (Ф3) and the comparison with journal
marks. They give the reference values of Russia, the region, the municipality and schools.
"""

from __future__ import annotations

from typing import Any, Literal

from msoko.spreadsheets import Sheet

from .base import FORMAT_F3_MARKS, ParsedFile, Problem, ReferenceRow, missing_columns_text
from .cells import (
    MUNICIPALITY_CODE,
    REGION_CODE,
    SCHOOL_LOGIN,
    Header,
    cell_problem,
    norm,
    text,
    to_number,
)

MARKS = ("2", "3", "4", "5")
JOURNAL_KEYS = (("понизил", "lowered"), ("подтвердил", "confirmed"), ("повысил", "raised"))
Level = Literal["russia", "region", "municipality", "school"]


class _Levels:
    """Tells Russia / region / municipality / school apart by name, code and order."""

    def __init__(self) -> None:
        self.region_seen = False

    def __call__(self, name: str) -> tuple[Level, str | None, str]:
        lowered = norm(name)
        if lowered.startswith("вся выборка") or lowered in ("россия", "рф"):
            return "russia", None, name
        for pattern, level in (
            (MUNICIPALITY_CODE, "municipality"),
            (SCHOOL_LOGIN, "school"),
            (REGION_CODE, "region"),
        ):
            match = pattern.search(name)
            if match:
                clean = (name[: match.start()] + name[match.end() :]).replace("()", "").strip()
                if level == "region":
                    self.region_seen = True
                return level, match.group(1).lower(), clean.strip(" ()") or name  # type: ignore[return-value]
        if not self.region_seen:
            self.region_seen = True
            return "region", None, name
        return "school", None, name


def _int(value: Any) -> int | None:
    number = to_number(value)
    return round(number) if isinstance(number, float) else None


def _fill(row: ReferenceRow, values: dict[str, float], as_percent: bool | None) -> None:
    total = sum(values.values())
    if as_percent is None:
        as_percent = not (row.participants and abs(total - row.participants) < 0.5) and (
            abs(total - 100) <= 1.0
        )
    if as_percent:
        row.percents = values
        if row.participants:
            row.counts = {k: round(v * row.participants / 100) for k, v in values.items()}
    else:
        row.counts = {k: round(v) for k, v in values.items()}
        base = row.participants or round(total)
        if base:
            row.percents = {k: round(v * 100 / base, 2) for k, v in values.items()}


def marks_missing(header: Header) -> list[str]:
    """The required columns of «Статистика по отметкам» that the header lacks."""
    missing = [m for m in MARKS if header.find((m,)) is None]
    if header.find(("Группы участников",)) is None:
        missing.insert(0, "Группы участников")
    return missing


def journal_missing(header: Header) -> list[str]:
    """What the wide comparison lacks: «Группы участников» and «Понизили…» columns.

    (The tall layout, with «Понизили…» rows, is recognised by detection from its rows.)
    """
    missing = []
    if header.find(("Группы участников",)) is None:
        missing.append("Группы участников")
    if not any(_journal_key(t) for labels in header.labels for t in labels):
        missing.append("Понизили / Подтвердили / Повысили")
    return missing


def parse_marks(sheet: Sheet, header: Header, result: ParsedFile) -> None:
    """Rows «Вся выборка», the region, «<муниципалитет> (reg…_m…)», each ОО with login."""
    name_col = header.find(("Группы участников",))
    schools_col = header.find(("Кол-во ОО",))
    participants_col = header.find(("Кол-во участников",))
    mark_cols = {m: header.find((m,)) for m in MARKS}
    missing = marks_missing(header)
    if missing:
        result.problems.append(
            Problem(
                sheet.name,
                header.first + 1,
                None,
                missing_columns_text(FORMAT_F3_MARKS, missing),
            )
        )
        result.refused = True
        return
    assert name_col is not None
    as_percent: bool | None = None
    if any("%" in t for texts in header.labels for t in texts):
        as_percent = True
    levels = _Levels()
    for r in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[r]
        name = text(sheet.cell(r, name_col))
        if not name:
            continue
        values: dict[str, float] = {}
        for mark, col in mark_cols.items():
            assert col is not None
            number = to_number(sheet.cell(r, col))
            if isinstance(number, float):
                values[mark] = number
            elif text(sheet.cell(r, col)):
                result.problems.append(
                    cell_problem(sheet, r, col, f"«{text(sheet.cell(r, col))}» — не число")
                )
        if not values:
            continue  # a footnote or a section title
        level, code, clean = levels(name)
        ref = ReferenceRow(
            sheet.name,
            r + 1,
            "marks",
            level,
            clean,
            code,
            _int(row[schools_col]) if schools_col is not None else None,
            _int(row[participants_col]) if participants_col is not None else None,
        )
        _fill(ref, values, as_percent)
        result.reference_rows.append(ref)


def _journal_key(label: str) -> str | None:
    lowered = norm(label)
    for stem, key in JOURNAL_KEYS:
        if lowered.startswith(stem):
            return key
    return None


def parse_journal(sheet: Sheet, header: Header, result: ParsedFile) -> None:
    """Both layouts: wide (a column pair per понизили / подтвердили / повысили) and tall
    (a group row followed by rows «Понизили…», «Подтвердили…», «Повысили…», «Всего»)."""
    name_col = header.find(("Группы участников",))
    if name_col is None:
        name_col = 0
    levels = _Levels()
    wide: dict[str, list[int]] = {}
    for col, texts in enumerate(header.labels):
        for t in texts:
            key = _journal_key(t)
            if key:
                wide.setdefault(key, []).append(col)
                break
    participants_col = header.find(("Кол-во участников", "Количество участников"))
    if wide:
        for r in range(header.data_start, len(sheet.rows)):
            name = text(sheet.cell(r, name_col))
            if not name:
                continue
            level, code, clean = levels(name)
            ref = ReferenceRow(sheet.name, r + 1, "journal", level, clean, code)
            for key, cols in wide.items():
                for col in cols:
                    number = to_number(sheet.cell(r, col))
                    if not isinstance(number, float):
                        continue
                    if any("%" in t for t in header.labels[col]):
                        ref.percents[key] = number
                    else:
                        ref.counts[key] = round(number)
            if participants_col is not None:
                ref.participants = _int(sheet.cell(r, participants_col))
            if ref.counts or ref.percents:
                result.reference_rows.append(ref)
        return
    count_col = participants_col
    percent_col = header.find(("%", "Доля", "Доля участников"))
    current: ReferenceRow | None = None
    for r in range(header.data_start, len(sheet.rows)):
        label = text(sheet.cell(r, name_col))
        if not label:
            continue
        key = _journal_key(label)
        if key is None:
            if norm(label).startswith("всего"):
                if current is not None and count_col is not None:
                    current.participants = _int(sheet.cell(r, count_col))
                continue
            level, code, clean = levels(label)
            current = ReferenceRow(sheet.name, r + 1, "journal", level, clean, code)
            result.reference_rows.append(current)
            continue
        if current is None:
            result.problems.append(
                cell_problem(sheet, r, name_col, "строка сравнения до названия группы участников")
            )
            continue
        if count_col is not None:
            count = _int(sheet.cell(r, count_col))
            if count is not None:
                current.counts[key] = count
        if percent_col is not None:
            percent = to_number(sheet.cell(r, percent_col))
            if isinstance(percent, float):
                current.percents[key] = percent
    for ref in result.reference_rows:
        if ref.participants is None and ref.counts:
            ref.participants = sum(ref.counts.values())
    result.reference_rows[:] = [r for r in result.reference_rows if r.counts or r.percents]
