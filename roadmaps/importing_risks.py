"""Reading a workbook of risk-profile survey aggregates (the «500+» work, DOMAIN §7).

The layout: a header row ``Логин ОО | Риск | Значение | Уровень`` (titles may precede it),
then a row per school and risk. «Риск» is a risk direction's code or its title, «Значение»
a number (the survey aggregate, «45,5» or 45.5), «Уровень» one of «низкий», «средний»,
«высокий»; a row needs a value or a level (or both). Two optional columns: «Выбран» (да /
нет) and «Обоснование»; where their cell is filled it replaces what was set by hand, where
it is empty the hand-set choice stays.

``read_risk_file`` reads the first sheet and checks what can be checked without the
database (the columns, numbers, levels, the yes/no words); every problem is reported with
its row, nothing is guessed. The schools and risks are matched by the caller
(roadmaps/services_risks.py). Plain Python: no Django imports (STYLE §2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from msoko.problems import Problem, Severity
from msoko.spreadsheets import FileRejected, Limits, clean_text, column_letter, read_table_file

# A profile file holds a municipality's schools × ten risks: small.
IMPORT_LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000, max_cells=1_000_000)
HEADER_ROWS = 10  # the header is looked for among the first rows

COLUMNS: dict[str, str] = {
    "login": "Логин ОО",
    "risk": "Риск",
    "value": "Значение",
    "level": "Уровень",
    "selected": "Выбран",
    "evidence": "Обоснование",
}
REQUIRED = ("login", "risk", "value", "level")
# Other spellings of a header a person may type.
ALIASES: dict[str, str] = {
    "логин": "login",
    "логин оо": "login",
    "логин фис око": "login",
    "риск": "risk",
    "направление риска": "risk",
    "значение": "value",
    "уровень": "level",
    "уровень риска": "level",
    "выбран": "selected",
    "риск выбран": "selected",
    "выбран для работы": "selected",
    "обоснование": "evidence",
}
LEVELS: dict[str, str] = {
    "низкий": "low",
    "средний": "medium",
    "высокий": "high",
    "low": "low",
    "medium": "medium",
    "high": "high",
}
LEVEL_WORDS = "«низкий», «средний» или «высокий»"
YES = frozenset({"да", "+", "1", "выбран", "выбрано"})
NO = frozenset({"нет", "-", "0", "не выбран"})
# SchoolRisk.value: 8 digits, 2 after the comma.
VALUE_PLACES = Decimal("0.01")
VALUE_LIMIT = Decimal("1000000")


@dataclass(frozen=True)
class RiskLine:
    """One row of the file as read; ``selected`` / ``evidence`` are None when not given."""

    row: int  # as Excel shows it
    login: str
    risk: str
    value: Decimal | None
    level: str  # a RiskLevel value, or "" when not given
    selected: bool | None = None
    evidence: str | None = None


@dataclass
class RiskSheet:
    """The rows of a file that read well, the problems found, and where each column is."""

    name: str = ""
    lines: list[RiskLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # key → column letter

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def problem(
        self, message: str, *, row: int | None = None, key: str = "", severity: Severity = "error"
    ) -> None:
        self.problems.append(
            Problem(
                sheet=self.name or None,
                row=row,
                column=self.columns.get(key) or None,
                message=message,
                severity=severity,
            )
        )


def normalized(text: str) -> str:
    """A title for matching: lower case, «ё» as «е», single spaces, no final full stop."""
    return " ".join(text.lower().replace("ё", "е").split()).rstrip(".")


def parse_value(raw: Any) -> Decimal | None:
    """A cell → the value rounded half up to hundredths; None when empty.

    Raises ValueError for text that is not a number («высокое», «12,5,1») and for a number
    too large to store.
    """
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None
        raise ValueError(str(raw))
    if isinstance(raw, int | float):
        number = Decimal(str(raw))
    else:
        text = clean_text(raw).replace(" ", "").replace(",", ".").removesuffix("%")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(str(raw)) from exc
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise ValueError(str(raw))
    return number.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def parse_level(text: str) -> str | None:
    """«Высокий» → "high"; "" → ""; a word not in the list → None."""
    word = normalized(text)
    if not word:
        return ""
    word = word.removesuffix(" уровень").removeprefix("уровень ").strip()
    return LEVELS.get(word)


def parse_yes_no(text: str) -> bool | None:
    word = normalized(text)
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(text)


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = ALIASES.get(normalized(clean_text(value)))
            if key and key not in found:
                found[key] = col
        if "login" in found and "risk" in found:
            return index, found
    return None


def read_risk_file(filename: str, data: bytes, limits: Limits | None = None) -> RiskSheet:
    """Read the first sheet of an .xlsx (or a .csv) of risk aggregates; writes nothing."""
    result = RiskSheet()
    try:
        sheets = read_table_file(filename, data, limits or IMPORT_LIMITS)
    except FileRejected as exc:
        result.problem(str(exc))
        return result
    if not sheets:
        result.problem("в файле нет ни одного листа")
        return result
    sheet = sheets[0]
    result.name = sheet.name
    found = _header(sheet.rows)
    if found is None:
        result.problem(
            "не найдена строка заголовка «Логин ОО | Риск | Значение | Уровень» "
            "(скачайте шаблон со страницы загрузки)"
        )
        return result
    header, columns = found
    result.columns = {key: column_letter(col) for key, col in columns.items()}
    missing = [COLUMNS[key] for key in REQUIRED if key not in columns]
    if missing:
        result.problem(
            "нет столбцов: " + ", ".join(f"«{title}»" for title in missing), row=header + 1
        )
        return result
    for index in range(header + 1, len(sheet.rows)):
        cells = {key: sheet.cell(index, col) for key, col in columns.items()}
        if not any(clean_text(value) for value in cells.values()):
            continue
        _read_line(result, index + 1, cells)
    if not result.lines and not result.errors:
        result.problem("в файле нет ни одной строки с данными")
    return result


def _read_line(result: RiskSheet, row: int, cells: dict[str, Any]) -> None:
    bad = len(result.errors)
    login = clean_text(cells["login"]).lower()
    risk = clean_text(cells["risk"])
    if not login:
        result.problem("не указан логин ОО", row=row, key="login")
    if not risk:
        result.problem("не указан риск (код или наименование)", row=row, key="risk")
    value: Decimal | None = None
    try:
        value = parse_value(cells["value"])
    except ValueError:
        result.problem(
            f"значение «{clean_text(cells['value'])[:40]}» — не число (ожидается, например, 45,5)",
            row=row,
            key="value",
        )
    level_text = clean_text(cells["level"])
    level = parse_level(level_text)
    if level is None:
        result.problem(
            f"уровень «{level_text[:40]}» не из списка: ожидается {LEVEL_WORDS}",
            row=row,
            key="level",
        )
    elif not level and value is None and len(result.errors) == bad:
        result.problem("не указаны ни значение, ни уровень риска", row=row, key="value")
    selected: bool | None = None
    selected_text = clean_text(cells.get("selected"))
    if selected_text:
        try:
            selected = parse_yes_no(selected_text)
        except ValueError:
            result.problem(
                f"«{selected_text[:40]}» в столбце «Выбран» — ожидается «да» или «нет»",
                row=row,
                key="selected",
            )
    evidence_text = str(cells.get("evidence") or "").strip()
    if len(result.errors) > bad:
        return
    result.lines.append(
        RiskLine(
            row=row,
            login=login,
            risk=risk,
            value=value,
            level=level or "",
            selected=selected,
            evidence=evidence_text or None,
        )
    )
