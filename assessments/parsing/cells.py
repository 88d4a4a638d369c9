"""Cell-level helpers: header normalisation, numbers typed as text, special values, headers.

Kept free of per-cell regular expressions on the hot path: the parsers call `to_score`
only when a cell is not already a float, which is the common case in xlsx files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from msoko.spreadsheets import Sheet, column_letter

from .base import Problem, fmt_number

# Latin and Cyrillic X: «task not attempted».
X_VALUES = frozenset({"x", "X", "х", "Х"})
ABSENT_VALUES = frozenset({"отсутствовал", "отсутствовала", "отсутствовал(а)", "неявка", "н/я"})
NO_MARK_VALUES = frozenset({"нет отметки", "нет", "-", "—", "н/а"})

SCHOOL_LOGIN = re.compile(r"\b((?:edu|sch)\d{4,8})\b", re.IGNORECASE)
MUNICIPALITY_CODE = re.compile(r"\b(reg\d+_m\d+)\b", re.IGNORECASE)
REGION_CODE = re.compile(r"\b(reg\d+)\b", re.IGNORECASE)
TASK_HEADER = re.compile(
    r"^(\d+(?:[.,]\d+)*(?:\s*[кk]\s*\d+)?)\s*\(\s*(\d+(?:[.,]\d+)?)\s*(?:б|балл\w*)?\.?\s*\)$"
)

# Words that mark a column of pupils' personal data; such columns are never read.
PERSONAL_WORDS = frozenset({"фамилия", "имя", "отчество", "фио", "ф.и.о.", "ф.и.о", "пол"})
PERSONAL_PHRASES = (
    "дата рождения",
    "документ",
    "паспорт",
    "снилс",
    "серия",
    "адрес",
    "телефон",
    "e-mail",
    "фамилия",
    "отчество",
)

_SPACES = re.compile(r"\s+")


class Missing:
    """Sentinel type for an empty cell."""


class Invalid:
    """Sentinel type for text that is not a number."""


EMPTY = Missing()
INVALID = Invalid()


def norm(value: Any) -> str:
    """Header text for matching: lower case, ё→е, one space, no line breaks or nbsp."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\xa0", " ").replace("ё", "е").replace("Ё", "Е").lower()
    return _SPACES.sub(" ", text).strip()


def text(value: Any) -> str:
    """A cell as trimmed display text; 5.0 → '5'."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _SPACES.sub(" ", str(value).replace("\xa0", " ")).strip()


def to_number(value: Any) -> float | Missing | Invalid:
    """A number from a cell that may hold text: ' 5,0 ', '12\xa0', 3. Empty → EMPTY."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return,unused-ignore]
    if kind is int:
        return float(value)
    if value is None:
        return EMPTY
    if kind is bool:
        return INVALID
    if not isinstance(value, str):
        return INVALID
    cleaned = value.replace("\xa0", "").replace(" ", "").replace(",", ".").strip()
    if not cleaned:
        return EMPTY
    try:
        number = float(cleaned)
    except ValueError:
        return INVALID
    if number != number or number in (float("inf"), float("-inf")):
        return INVALID
    return number


def is_x(value: Any) -> bool:
    return isinstance(value, str) and value.strip().replace("\xa0", "") in X_VALUES


def parse_task_header(value: Any) -> tuple[str, float] | None:
    """'4К1 (3б)' → ('4К1', 3.0); '12.2 (1б)' → ('12.2', 1.0); other text → None."""
    if not isinstance(value, str) or "(" not in value:
        return None
    match = TASK_HEADER.match(norm(value))
    if not match:
        return None
    number = match.group(1).replace(" ", "").replace(",", ".").replace("к", "К").replace("k", "К")
    return number, float(match.group(2).replace(",", "."))


def is_personal(header: str) -> bool:
    """True for a header naming pupils' personal data (names, birth date, documents, sex)."""
    if not header:
        return False
    words = set(header.replace(",", " ").replace("/", " ").split())
    if words & PERSONAL_WORDS:
        return True
    return any(phrase in header for phrase in PERSONAL_PHRASES)


def fill_merged(sheet: Sheet, rows: range) -> dict[tuple[int, int], Any]:
    """Values that merged ranges spread over `rows`: {(row, col): top-left value}."""
    spread: dict[tuple[int, int], Any] = {}
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 < rows.start or r0 >= rows.stop:
            continue
        value = sheet.cell(r0, c0)
        for r in range(max(r0, rows.start), min(r1, rows.stop - 1) + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    spread[(r, c)] = value
    return spread


@dataclass
class Header:
    """The header band of a table: which rows it spans and the texts of each column."""

    sheet: Sheet
    first: int  # 0-based row of the first header row
    last: int  # 0-based row of the last header row; data starts after it
    labels: list[list[str]]  # per column: normalised texts from top to bottom
    raw: list[str]  # per column: the bottom-most non-empty display text
    personal: list[int] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.last + 1

    def find(self, synonyms: Iterable[str], *, taken: set[int] | None = None) -> int | None:
        """The first column whose header equals one of the synonyms (normalised)."""
        wanted = [norm(s) for s in synonyms]
        for want in wanted:
            for col, texts in enumerate(self.labels):
                if taken and col in taken:
                    continue
                if want in texts:
                    return col
        return None

    def find_prefix(self, prefixes: Iterable[str], *, taken: set[int] | None = None) -> int | None:
        """The first column whose header starts with one of the prefixes (normalised)."""
        wanted = [norm(p) for p in prefixes]
        for want in wanted:
            for col, texts in enumerate(self.labels):
                if taken and col in taken:
                    continue
                if any(t.startswith(want) for t in texts):
                    return col
        return None

    def find_all_prefix(self, prefix: str) -> list[int]:
        want = norm(prefix)
        return [
            col for col, texts in enumerate(self.labels) if any(t.startswith(want) for t in texts)
        ]

    def task_columns(self) -> list[tuple[int, str, float]]:
        """Columns whose header reads like '1 (2б)' / '4К1 (3б)': (col, number, max)."""
        found = []
        for col in range(len(self.labels)):
            for value in reversed(self.cells(col)):
                parsed = parse_task_header(value)
                if parsed:
                    found.append((col, parsed[0], parsed[1]))
                    break
        return found

    def cells(self, col: int) -> list[Any]:
        spread = fill_merged(self.sheet, range(self.first, self.last + 1))
        out = []
        for r in range(self.first, self.last + 1):
            value = self.sheet.cell(r, col)
            if value == "" or value is None:
                value = spread.get((r, col), "")
            out.append(value)
        return out

    def title(self, col: int) -> str:
        return self.raw[col] if col < len(self.raw) and self.raw[col] else column_letter(col)


def build_header(sheet: Sheet, first: int, *, extend_if: Any = None) -> Header:
    """Read the header band starting at row `first`.

    The band grows over rows covered by vertically merged header cells, and by one more row
    when `extend_if(row_texts)` says the next row still belongs to the header (e.g. a
    second header row with task numbers under a merged «Задания» cell).
    """
    last = first
    for (r0, _c0), (r1, _c1) in sheet.merged:
        if r0 == first and r1 > last:
            last = min(r1, first + 3)
    if (
        extend_if is not None
        and last == first
        and first + 1 < len(sheet.rows)
        and extend_if([norm(v) for v in sheet.rows[first + 1]])
    ):
        last = first + 1
    spread = fill_merged(sheet, range(first, last + 1))
    width = max((len(sheet.rows[r]) for r in range(first, last + 1)), default=0)
    labels: list[list[str]] = []
    raw: list[str] = []
    for col in range(width):
        texts: list[str] = []
        bottom = ""
        for r in range(first, last + 1):
            value = sheet.cell(r, col)
            if value == "" or value is None:
                value = spread.get((r, col), "")
            t = norm(value)
            if t:
                texts.append(t)
                bottom = text(value)
        labels.append(texts)
        raw.append(bottom)
    header = Header(sheet, first, last, labels, raw)
    header.personal = [
        col for col, texts in enumerate(labels) if any(is_personal(t) for t in texts)
    ]
    return header


def find_row(sheet: Sheet, predicate: Any, *, limit: int = 40) -> int | None:
    """The first of the top `limit` rows whose normalised texts satisfy `predicate`."""
    for index in range(min(limit, len(sheet.rows))):
        texts = [norm(v) for v in sheet.rows[index]]
        if predicate(texts):
            return index
    return None


def personal_notice(header: Header, used: Sequence[int]) -> Problem | None:
    """The notice that personal-data columns were left out (they are never read)."""
    dropped = [header.title(c) for c in header.personal if c not in used]
    if not dropped:
        return None
    return Problem(
        header.sheet.name,
        None,
        None,
        "столбцы с персональными данными не импортированы: " + ", ".join(dropped),
        "notice",
    )


def cell_problem(
    sheet: Sheet, row: int, col: int | None, message: str, severity: str = "error"
) -> Problem:
    """A problem at a 0-based (row, col) of a sheet, shown with Excel row and letter."""
    return Problem(
        sheet.name,
        row + 1,
        column_letter(col) if col is not None else None,
        message,
        severity,  # type: ignore[arg-type]
    )


def score_problem_text(value: Any, number: str, maximum: float) -> str | None:
    """Why a task cell is not a valid score, or None when it is valid."""
    parsed = to_number(value)
    if parsed is EMPTY:
        return f"не указан балл за задание {number} (для невыполненного задания ставится X)"
    if parsed is INVALID:
        return f"«{text(value)}» — не число и не X в балле за задание {number}"
    assert isinstance(parsed, float)
    if parsed < 0:
        return f"отрицательный балл {fmt_number(parsed)} за задание {number}"
    if parsed > maximum:
        return (
            f"балл {fmt_number(parsed)} больше максимума {fmt_number(maximum)} за задание {number}"
        )
    return None


def mark_value(value: Any) -> int | Missing | Invalid:
    """A mark 2–5 from a cell; EMPTY for an empty cell; INVALID for anything else."""
    parsed = to_number(value)
    if parsed is EMPTY:
        return EMPTY
    if isinstance(parsed, float) and parsed.is_integer() and 2 <= parsed <= 5:
        return int(parsed)
    return INVALID


def school_from_text(value: str) -> tuple[str | None, str]:
    """'МБОУ СОШ №1(edu203389)' → ('edu203389', 'МБОУ СОШ №1')."""
    match = SCHOOL_LOGIN.search(value)
    if not match:
        return None, value.strip()
    name = value[: match.start()].rstrip(" (").strip() or value[match.end() :].strip(" )")
    return match.group(1).lower(), name
