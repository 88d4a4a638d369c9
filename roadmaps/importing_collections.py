"""Reading a filled template of a data collection, and survey aggregates.

The template (roadmaps/exports_collections.py) has a sheet «Данные» with a header row
``Логин ОО | ОО | Код показателя | Показатель | Единица | Значение | …`` and a row per
school and indicator, and a hidden sheet «Сбор» naming the collection and its year, so a
template of another collection or year is recognised and refused. A survey file has a
header row ``Логин ОО | Показатель | Значение | Респондентов`` (the indicator by its code
or its name). Both read what can be read without the database and place every problem
by its row and column. Plain Python: no Django imports (STYLE §2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msoko.problems import Problem
from msoko.spreadsheets import (
    FileRejected,
    Limits,
    Sheet,
    clean_text,
    column_letter,
    read_table_file,
)

IMPORT_LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=100_000, max_cells=2_000_000)
HEADER_ROWS = 12
DATA_SHEET = "Данные"
META_SHEET = "Сбор"
META_COLLECTION = "Код сбора"
META_YEAR = "Год"

ALIASES: dict[str, str] = {
    "логин оо": "login",
    "логин": "login",
    "код показателя": "code",
    "показатель": "indicator",
    "значение": "value",
    "респондентов": "respondents",
    "число респондентов": "respondents",
    "ответивших": "respondents",
}


def normalized(text: Any) -> str:
    return " ".join(clean_text(text).lower().replace("ё", "е").split()).rstrip(".:")


@dataclass(frozen=True)
class Line:
    """One row of values as read: its Excel row, the school login, the indicator (by code,
    else by its name as typed) and the raw value."""

    row: int
    login: str
    code: str
    indicator: str
    value: Any
    respondents: Any = None


@dataclass
class Read:
    """What a file gave: its lines, the collection and year it names, and its problems."""

    lines: list[Line] = field(default_factory=list)
    collection_id: int | None = None
    year: int | None = None
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def problem(self, message: str, *, row: int | None = None, key: str = "") -> None:
        self.problems.append(
            Problem(
                sheet=self.sheet or None,
                row=row,
                column=self.columns.get(key) or None,
                message=message,
            )
        )


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(sheet.rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = ALIASES.get(normalized(value))
            if key and key not in found:
                found[key] = col
        if "login" in found and "value" in found and ("code" in found or "indicator" in found):
            return index, found
    return None


def _meta(sheets: list[Sheet]) -> dict[str, str]:
    for sheet in sheets:
        if sheet.name == META_SHEET:
            return {normalized(row[0]): clean_text(row[1]) for row in sheet.rows if len(row) > 1}
    return {}


def _whole(text: str) -> int | None:
    try:
        return int(float(text.replace(",", ".")))
    except ValueError:
        return None


def read_values_file(
    filename: str, data: bytes, *, template: bool, limits: Limits | None = None
) -> Read:
    """Read a filled template (`template`: with its «Сбор» sheet) or a survey file."""
    result = Read()
    try:
        sheets = read_table_file(filename, data, limits or IMPORT_LIMITS)
    except FileRejected as exc:
        result.problem(str(exc))
        return result
    data_sheets = [s for s in sheets if s.name != META_SHEET]
    if not data_sheets:
        result.problem("в файле нет листа с данными")
        return result
    sheet = next((s for s in data_sheets if s.name == DATA_SHEET), data_sheets[0])
    result.sheet = sheet.name
    if template:
        meta = _meta(sheets)
        if not meta:
            result.problem(
                "это не шаблон сбора: нет листа «Сбор» с кодом сбора (скачайте шаблон на "
                "странице сбора и заполните его)"
            )
            return result
        result.collection_id = _whole(meta.get(normalized(META_COLLECTION), ""))
        result.year = _whole(meta.get(normalized(META_YEAR), ""))
    found = _header(sheet)
    if found is None:
        result.problem(
            "не найдена строка заголовка «Логин ОО | … | Код показателя | … | Значение»"
            if template
            else "не найдена строка заголовка «Логин ОО | Показатель | Значение | Респондентов»"
        )
        return result
    header, columns = found
    result.columns = {key: column_letter(col) for key, col in columns.items()}
    for index in range(header + 1, len(sheet.rows)):
        login = clean_text(sheet.cell(index, columns["login"]))
        code = clean_text(sheet.cell(index, columns["code"])) if "code" in columns else ""
        name = clean_text(sheet.cell(index, columns["indicator"])) if "indicator" in columns else ""
        value = sheet.cell(index, columns["value"])
        respondents = (
            sheet.cell(index, columns["respondents"]) if "respondents" in columns else None
        )
        if not (login or code or name or clean_text(value)):
            continue
        if sheet.has_formula(index, columns["value"]):
            result.problem("в ячейке значения формула: введите число", row=index + 1, key="value")
            continue
        if not login:
            result.problem("не указан логин ОО", row=index + 1, key="login")
            continue
        if not (code or name):
            result.problem(
                "не указан показатель", row=index + 1, key="code" if template else "indicator"
            )
            continue
        result.lines.append(
            Line(
                row=index + 1,
                login=login,
                code=code,
                indicator=name,
                value=value if value != "" else None,
                respondents=respondents if respondents != "" else None,
            )
        )
    return result
