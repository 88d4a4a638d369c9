"""The registry workbook: its layout, the template written from it, and its parser.

A specialist sets up a municipality from one xlsx with three sheets — «Муниципалитет»,
«ОО», «Паспорта». The layout is declared once here (`SHEETS`): the template writer and the
parser both read it, so a column cannot be in one and not the other. The parser checks
every cell and reports every problem with its sheet, row and column; it touches no database.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from msoko.exports import xlsx_cell, xlsx_put
from msoko.problems import Problem
from msoko.spreadsheets import Sheet, clean_text, column_letter
from schools.choices import Locality, OrgType

LOGIN_RE = re.compile(r"^edu\d{6}$")
INN_RE = re.compile(r"^\d{10}$")
OKTMO_RE = re.compile(r"^\d{8}(\d{3})?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIRST_YEAR = 2015

YES = {"да", "д", "1", "yes", "true", "действует"}
NO = {"нет", "н", "0", "no", "false", "не действует", "закрыта", "ликвидирована"}
LOCALITY_WORDS = {
    "город": Locality.URBAN,
    "городская": Locality.URBAN,
    "городской": Locality.URBAN,
    "село": Locality.RURAL,
    "сельская": Locality.RURAL,
    "сельский": Locality.RURAL,
}


class CellError(ValueError):
    """A cell value that cannot be accepted; the message is for the user."""


def _text(value: Any, max_length: int) -> str:
    text = clean_text(value)
    if len(text) > max_length:
        raise CellError(f"слишком длинное значение ({len(text)} символов, допустимо {max_length})")
    return text


def _decimal(value: Any) -> Decimal | None:
    text = clean_text(value).replace(" ", "").replace(",", ".").rstrip("%")
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(f"«{clean_text(value)}» — не число") from exc
    if not number.is_finite():
        raise CellError(f"«{clean_text(value)}» — не число")
    return number


def parse_login(value: Any) -> str:
    login = clean_text(value).lower()
    if not LOGIN_RE.match(login):
        raise CellError(f"«{clean_text(value)}» — не логин ФИС ОКО (нужно edu и шесть цифр)")
    return login


def parse_share(value: Any) -> Decimal | None:
    number = _decimal(value)
    if number is not None and not (0 <= number <= 100):
        raise CellError(f"доля {number} % вне диапазона 0–100 %")
    return None if number is None else number.quantize(Decimal("0.1"))


def parse_count(value: Any) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise CellError(f"«{clean_text(value)}» — нужно целое неотрицательное число")
    return int(number)


def parse_required_count(value: Any) -> int:
    number = parse_count(value)
    if number is None:
        raise CellError("значение обязательно")
    return number


def parse_distance(value: Any) -> Decimal | None:
    number = _decimal(value)
    if number is not None and not (0 <= number <= 5000):
        raise CellError(f"удалённость {number} км вне диапазона 0–5000 км")
    return None if number is None else number.quantize(Decimal("0.1"))


def parse_year(value: Any) -> int:
    last_year = datetime.date.today().year + 1
    number = parse_count(value)
    if number is None:
        raise CellError("год обязателен")
    if not FIRST_YEAR <= number <= last_year:
        raise CellError(f"год {number} вне допустимого диапазона {FIRST_YEAR}–{last_year}")
    return number


def parse_org_type(value: Any) -> str:
    text = clean_text(value).lower()
    for choice in OrgType:
        if text in (choice.value, str(choice.label).lower()):
            return choice.value
    allowed = ", ".join(str(choice.label) for choice in OrgType)
    raise CellError(f"неизвестный тип ОО «{clean_text(value)}»; допустимы: {allowed}")


def parse_locality(value: Any) -> str:
    text = clean_text(value).lower()
    if text == "":
        return Locality.URBAN.value
    if text in LOCALITY_WORDS:
        return LOCALITY_WORDS[text].value
    raise CellError(f"«{clean_text(value)}»: укажите «городская» или «сельская»")


def parse_active(value: Any) -> bool:
    text = clean_text(value).lower()
    if text == "" or text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"«{clean_text(value)}»: укажите «да» или «нет»")


def parse_inn(value: Any) -> str:
    text = clean_text(value)
    if text and not INN_RE.match(text):
        raise CellError(f"«{text}» — ИНН организации состоит из 10 цифр")
    return text


def parse_oktmo(value: Any) -> str:
    text = clean_text(value)
    if not OKTMO_RE.match(text):
        raise CellError(f"«{text}» — ОКТМО состоит из 8 или 11 цифр")
    return text


def parse_email(value: Any) -> str:
    text = clean_text(value)
    if text and not EMAIL_RE.match(text):
        raise CellError(f"«{text}» — не адрес электронной почты")
    return text


def parse_logins(value: Any) -> list[str]:
    parts = [part for part in re.split(r"[,;\s]+", clean_text(value)) if part]
    return [parse_login(part) for part in parts]


def required_text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value, max_length)
        if not text:
            raise CellError("значение обязательно")
        return text

    return parse


def optional_text(max_length: int) -> Callable[[Any], str]:
    return lambda value: _text(value, max_length)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False
    width: int = 18
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    note: str


MUNICIPALITY_SHEET = SheetSpec(
    "Муниципалитет",
    (
        Column("name", "Наименование", required_text(255), True, 45),
        Column("short_name", "Краткое наименование", optional_text(100), False, 25),
        Column("oktmo", "ОКТМО", parse_oktmo, True, 14),
        Column("region", "Субъект РФ", required_text(255), True, 30),
        Column(
            "fisoko_code", "Код в ФИС ОКО", optional_text(32), False, 16, "например, reg20_m012"
        ),
    ),
    "Одна строка: муниципалитет, для которого загружается реестр.",
)

SCHOOL_SHEET = SheetSpec(
    "ОО",
    (
        Column("login", "Логин ФИС ОКО", parse_login, True, 14, "edu и шесть цифр"),
        Column("full_name", "Полное наименование", required_text(500), True, 50),
        Column("short_name", "Краткое наименование", required_text(200), True, 28),
        Column("org_type", "Тип", parse_org_type, True, 18, "из списка"),
        Column("inn", "ИНН", parse_inn, False, 13),
        Column("address", "Адрес", optional_text(500), False, 40),
        Column("locality", "Местность", parse_locality, False, 12, "городская / сельская"),
        Column("director_name", "Руководитель", optional_text(255), False, 28),
        Column("phone", "Телефон", optional_text(64), False, 16),
        Column("email", "E-mail", parse_email, False, 24),
        Column("is_active", "Действует", parse_active, False, 10, "да / нет"),
        Column("predecessors", "Предшественники", parse_logins, False, 20, "логины через запятую"),
    ),
    "Одна строка — одна организация. Существующая ОО узнаётся по логину ФИС ОКО.",
)

PASSPORT_SHEET = SheetSpec(
    "Паспорта",
    (
        Column("login", "Логин ФИС ОКО", parse_login, True, 14),
        Column("year", "Год", parse_year, True, 8),
        Column("pupils_total", "Обучающихся, чел.", parse_required_count, True, 12),
        Column("pupils_ovz", "С ОВЗ, чел.", parse_count, False, 10),
        Column("share_low_income", "Малоимущие семьи, %", parse_share, False, 12),
        Column("share_large_families", "Многодетные семьи, %", parse_share, False, 12),
        Column("share_non_native", "Неродной русский язык, %", parse_share, False, 12),
        Column("share_pdn", "На учёте ПДН/КДН, %", parse_share, False, 12),
        Column("share_single_parent", "Неполные семьи, %", parse_share, False, 12),
        Column(
            "share_parents_no_higher", "Родители без высшего образования, %", parse_share, False, 14
        ),
        Column("teachers_total", "Педагогов, чел.", parse_count, False, 10),
        Column("teacher_vacancies", "Вакансий учителей", parse_count, False, 10),
        Column(
            "share_teachers_pension", "Педагоги пенсионного возраста, %", parse_share, False, 14
        ),
        Column("share_teachers_category", "Педагоги с категорией, %", parse_share, False, 12),
        Column("distance_km", "Удалённость от райцентра, км", parse_distance, False, 12),
    ),
    "Одна строка — паспорт одной ОО за один год.",
)

SHEETS = (MUNICIPALITY_SHEET, SCHOOL_SHEET, PASSPORT_SHEET)


def _norm(text: Any) -> str:
    return clean_text(text).lower().replace("ё", "е")


@dataclass
class ParsedRow:
    row: int  # 1-based, as Excel shows it
    values: dict[str, Any]


@dataclass
class RegistryData:
    """What the workbook says, before it is compared with the database."""

    municipality: ParsedRow | None = None
    schools: list[ParsedRow] = field(default_factory=list)
    passports: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]


def _find_header(sheet: Sheet, spec: SheetSpec) -> tuple[int, dict[str, int]] | None:
    """The header row (the first of the first ten rows naming a required column) and column map."""
    wanted = {_norm(column.header): column.key for column in spec.columns}
    for index, row in enumerate(sheet.rows[:10]):
        found = {wanted[_norm(cell)]: col for col, cell in enumerate(row) if _norm(cell) in wanted}
        if any(column.required and column.key in found for column in spec.columns):
            return index, found
    return None


def _parse_sheet(sheet: Sheet, spec: SheetSpec, data: RegistryData) -> list[ParsedRow]:
    header = _find_header(sheet, spec)
    if header is None:
        data.problems.append(Problem(message="не найдена строка заголовков", sheet=spec.name))
        return []
    header_row, columns = header
    missing = [
        column.header for column in spec.columns if column.required and column.key not in columns
    ]
    if missing:
        data.problems.append(
            Problem(
                message="нет обязательных столбцов: " + ", ".join(f"«{name}»" for name in missing),
                sheet=spec.name,
                row=header_row + 1,
            )
        )
        return []
    rows = []
    for index in range(header_row + 1, len(sheet.rows)):
        raw = sheet.rows[index]
        cells = {key: raw[col] if col < len(raw) else "" for key, col in columns.items()}
        if not any(clean_text(value) for value in cells.values()):
            continue
        values: dict[str, Any] = {}
        for column in spec.columns:
            if column.key not in columns:
                continue
            col = columns[column.key]
            if sheet.has_formula(index, col):
                data.problems.append(
                    Problem(
                        message=f"«{column.header}»: формула вместо значения; введите значение",
                        sheet=spec.name,
                        row=index + 1,
                        column=column_letter(col),
                    )
                )
                continue
            try:
                values[column.key] = column.parse(cells[column.key])
            except CellError as exc:
                data.problems.append(
                    Problem(
                        message=f"«{column.header}»: {exc}",
                        sheet=spec.name,
                        row=index + 1,
                        column=column_letter(col),
                    )
                )
        rows.append(ParsedRow(index + 1, values))
    return rows


def parse_registry(sheets: list[Sheet]) -> RegistryData:
    """Read the three sheets and check every value; cross-row checks included."""
    data = RegistryData()
    by_name = {_norm(sheet.name): sheet for sheet in sheets}
    for spec in SHEETS:
        if _norm(spec.name) not in by_name:
            data.problems.append(
                Problem(
                    message=f"в книге нет листа «{spec.name}». Скачайте шаблон реестра и заполните его.",
                )
            )
    if data.errors:
        return data

    municipality_rows = _parse_sheet(
        by_name[_norm(MUNICIPALITY_SHEET.name)], MUNICIPALITY_SHEET, data
    )
    if len(municipality_rows) != 1:
        data.problems.append(
            Problem(
                message=f"нужна ровно одна строка с муниципалитетом, найдено {len(municipality_rows)}",
                sheet=MUNICIPALITY_SHEET.name,
            )
        )
    else:
        data.municipality = municipality_rows[0]

    data.schools = _parse_sheet(by_name[_norm(SCHOOL_SHEET.name)], SCHOOL_SHEET, data)
    first_row: dict[str, int] = {}
    for row in data.schools:
        login = row.values.get("login")
        if login is None:
            continue
        if login in first_row:
            data.problems.append(
                Problem(
                    message=f"логин {login} повторяется (уже был в строке {first_row[login]})",
                    sheet=SCHOOL_SHEET.name,
                    row=row.row,
                    column="A",
                )
            )
        else:
            first_row[login] = row.row
    for row in data.schools:
        for predecessor in row.values.get("predecessors", []):
            if predecessor == row.values.get("login"):
                data.problems.append(
                    Problem(
                        message="организация не может быть своим предшественником",
                        sheet=SCHOOL_SHEET.name,
                        row=row.row,
                    )
                )

    data.passports = _parse_sheet(by_name[_norm(PASSPORT_SHEET.name)], PASSPORT_SHEET, data)
    seen: dict[tuple[str, int], int] = {}
    for row in data.passports:
        key = (row.values.get("login"), row.values.get("year"))
        if None in key:
            continue
        if key in seen:
            data.problems.append(
                Problem(
                    message=f"паспорт {key[0]} за {key[1]} год повторяется (уже был в строке {seen[key]})",
                    sheet=PASSPORT_SHEET.name,
                    row=row.row,
                )
            )
        else:
            seen[key] = row.row  # type: ignore[index]
        ovz, total = row.values.get("pupils_ovz"), row.values.get("pupils_total")
        if ovz is not None and total is not None and ovz > total:
            data.problems.append(
                Problem(
                    message=f"обучающихся с ОВЗ ({ovz}) больше, чем всего обучающихся ({total})",
                    sheet=PASSPORT_SHEET.name,
                    row=row.row,
                )
            )
    return data


def registry_template(rows: dict[str, list[list[Any]]] | None = None) -> bytes:
    """The registry workbook: headers, notes, drop-down lists; optionally pre-filled rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    types_sheet_name = "Справочник"
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.name)
        for col, column in enumerate(spec.columns, start=1):
            cell = xlsx_put(sheet, 1, col, column.header)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(col)].width = column.width
        sheet.freeze_panes = "A2"
        for row_number, row in enumerate((rows or {}).get(spec.name, []), start=2):
            for col, value in enumerate(row, start=1):
                xlsx_put(sheet, row_number, col, value)  # text such as «=…» stays text
        keys = [column.key for column in spec.columns]
        if "org_type" in keys:
            letter = get_column_letter(keys.index("org_type") + 1)
            validation = DataValidation(
                type="list",
                formula1=f"='{types_sheet_name}'!$A$2:$A${len(OrgType) + 1}",
                allow_blank=False,
            )
            validation.error = "Выберите тип ОО из списка."
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}2000")
        if "locality" in keys:
            letter = get_column_letter(keys.index("locality") + 1)
            validation = DataValidation(
                type="list", formula1='"городская,сельская"', allow_blank=True
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}2000")
        if "is_active" in keys:
            letter = get_column_letter(keys.index("is_active") + 1)
            validation = DataValidation(type="list", formula1='"да,нет"', allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}2000")
    reference = workbook.create_sheet(types_sheet_name)
    reference.append([xlsx_cell(reference, "Тип ОО")])
    for choice in OrgType:
        reference.append([xlsx_cell(reference, str(choice.label))])
    reference.column_dimensions["A"].width = 30
    reference.append([])
    reference.append([xlsx_cell(reference, "Пояснения")])
    for spec in SHEETS:
        reference.append([xlsx_cell(reference, f"Лист «{spec.name}»: {spec.note}")])
        for column in spec.columns:
            mark = " (обязательно)" if column.required else ""
            note = f" — {column.note}" if column.note else ""
            reference.append([xlsx_cell(reference, f"  {column.header}{mark}{note}")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
