"""Title hints: procedure, year, subject, grade, max primary score read from title rows."""

from __future__ import annotations

import re
from typing import Any

from .base import ParsedFile
from .cells import norm, text, to_number

PROCEDURES = {
    "впр": "ВПР",
    "огэ": "ОГЭ",
    "егэ": "ЕГЭ",
    "гвэ-9": "ГВЭ-9",
    "гвэ-11": "ГВЭ-11",
    "нико": "НИКО",
    "всош": "ВсОШ",
    "ркр": "РКР",
    "рдр": "РДР",
    "моп": "МОП",
    "др-10": "ДР-10",
}
_PROCEDURE = re.compile(
    r"(?<![\w-])(впр|огэ|егэ|гвэ-?(?:9|11)|нико|всош|ркр|рдр|моп|др-10)(?![\w])"
)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# A school year «2025/26», «2025-2026»: the portal keeps the year it ends (DOMAIN §3).
_SCHOOL_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*[/–-]\s*(?:20)?(\d\d)(?!\d)")
_GRADE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:-?\s*й\s*)?класс")
_TITLE_SUBJECT = re.compile(
    r"(?:впр|огэ|егэ|нико|ркр|рдр|моп)\s+20\d\d\.?\s+(.+?)\s+\d{1,2}\s*класс"
)
_FORM_SUBJECT = re.compile(r"форма сбора результатов\s+(.+?)\s+\d{1,2}\s*класс")

SUBJECT_CODES = {
    "01": "Русский язык",
    "02": "Математика (профильный уровень)",
    "22": "Математика (базовый уровень)",
    "03": "Физика",
    "04": "Химия",
    "05": "Информатика",
    "06": "Биология",
    "07": "История",
    "08": "География",
    "09": "Обществознание",
    "10": "Литература",
    "11": "Английский язык",
    "12": "Немецкий язык",
    "13": "Французский язык",
    "14": "Испанский язык",
    "18": "Родной язык",
    "51": "Русский язык (ГВЭ)",
    "52": "Математика (ГВЭ)",
}


def _label_value(row: list[Any], index: int, label: str) -> str:
    """The value after 'Предмет:' — in the same cell or in the next non-empty one."""
    own = text(row[index])
    pos = norm(own).find(label)
    rest = own[pos + len(label) :].strip(" :") if pos >= 0 else ""
    if rest:
        return rest
    for value in row[index + 1 :]:
        if text(value):
            return text(value)
    return ""


def read_hints(result: ParsedFile, rows: list[list[Any]]) -> None:
    """Fill procedure / year / subject / grade / max primary / date from title rows."""
    for row in rows:
        for index, value in enumerate(row):
            t = norm(value)
            if not t or len(t) > 300:
                continue
            if t.startswith("предмет:") and not result.subject:
                result.subject = _label_value(row, index, "предмет")
            elif t.startswith("максимальный первичный балл:") and result.max_primary is None:
                number = to_number(_label_value(row, index, "максимальный первичный балл"))
                if isinstance(number, float):
                    result.max_primary = number
            elif t.startswith("дата:") and not result.date and len(t) < 40:
                result.date = _label_value(row, index, "дата")
            else:
                _hints_from_title(result, t)


def title_procedure(t: str) -> str:
    """The procedure a normalised title text names («ВПР», «ЕГЭ» …), or ""."""
    procedure = _PROCEDURE.search(t)
    if not procedure:
        return ""
    key = procedure.group(1).replace("гвэ9", "гвэ-9").replace("гвэ11", "гвэ-11")
    return PROCEDURES.get(key, key.upper())


def _hints_from_title(result: ParsedFile, t: str) -> None:
    procedure = _PROCEDURE.search(t)
    if procedure and not result.procedure:
        result.procedure = title_procedure(t)
    if "олимпиад" in t and not result.procedure:
        result.procedure = "ВсОШ"
    year = _YEAR.search(t)
    if year and result.year is None and (procedure or "класс" in t or "олимпиад" in t):
        result.year = int(year.group(1))
        school_year = _SCHOOL_YEAR.search(t)
        if school_year and (int(school_year.group(1)) + 1) % 100 == int(school_year.group(2)):
            result.year = int(school_year.group(1)) + 1
    grade = _GRADE.search(t)
    if grade and result.grade is None and (procedure or "форма сбора" in t):
        result.grade = int(grade.group(1))
    if not result.subject:
        subject = _TITLE_SUBJECT.search(t) or _FORM_SUBJECT.search(t)
        if subject:
            result.subject = subject.group(1).strip(" .,").capitalize()
