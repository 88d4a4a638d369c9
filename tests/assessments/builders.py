"""Builders of result files in their real layouts, for tests (and benchmarks).

Each builder returns the bytes of an xlsx (or csv) file, so tests go through the real
`read_table_file` → `parse_sheets` path. Everything is parametrised: schools, tasks, rows.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

AUTO: Any = object()  # "compute it": primary score = sum of numeric task scores

DEFAULT_TASKS: tuple[tuple[str, float, str], ...] = (
    ("1", 2, "Б"),
    ("2", 1, "Б"),
    ("3", 3, "П"),
    ("4К1", 3, "Б"),
    ("4К2", 2, "В"),
)


@dataclass
class Pupil:
    """One participant row: code, task cell values (numbers, "X", text...) and marks."""

    code: Any
    scores: Sequence[Any]
    variant: Any = 1
    class_name: Any = "4А"
    primary: Any = AUTO
    mark: Any = 4
    journal: Any = 4


@dataclass
class School:
    """A school group of a Ф1 file."""

    login: str
    name: str
    pupils: list[Pupil] = field(default_factory=list)
    declared_count: int | None = None  # «Кол-во участников: N»; None → len(pupils)


def task_header(number: str, max_score: float) -> str:
    return f"{number} ({max_score:g}б)"


def _sum(scores: Sequence[Any]) -> float:
    total = 0.0
    for value in scores:
        if isinstance(value, int | float):
            total += value
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                total += float(value.replace(",", ".").replace("\xa0", "").strip())
    return total


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def xlsx_bytes(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    *,
    merged: Mapping[str, Sequence[str]] | None = None,
    write_only: bool = False,
) -> bytes:
    """An xlsx with the given sheets (rows of values; strings starting with = are formulas)."""
    if write_only:
        wb = Workbook(write_only=True)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(list(row))
    else:
        wb = Workbook()
        wb.remove(wb.active)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(list(row))
            for ref in (merged or {}).get(name, ()):
                ws.merge_cells(ref)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_cached_values(data: bytes, sheet_number: int, values: Mapping[str, Any]) -> bytes:
    """Give formula cells a cached value, as Excel does when it saves (openpyxl does not)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == f"xl/worksheets/sheet{sheet_number}.xml":
                xml = content.decode()
                for ref, value in values.items():
                    xml = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                        rf"\g<1>\g<2><v>{value}</v>",
                        xml,
                    )
                content = xml.encode()
            dst.writestr(info, content)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, delimiter: str = ";", encoding: str = "cp1251"
) -> bytes:
    """A CSV as Excel saves it in Russia: `;` and cp1251 by default."""
    lines = []
    for row in rows:
        cells = []
        for value in row:
            t = "" if value is None else str(value)
            if delimiter in t or '"' in t:
                t = '"' + t.replace('"', '""') + '"'
            cells.append(t)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# --- ФИС ОКО Ф1 ---------------------------------------------------------------------------


def f1_rows(
    schools: Sequence[School],
    tasks: Sequence[tuple[str, float, str]] = DEFAULT_TASKS,
    *,
    procedure: str = "ВПР",
    year: int = 2026,
    subject: str = "Русский язык",
    grade: int = 4,
    municipality: str = "Городской округ",
    login_in_rows: bool = True,
    title: bool = True,
    max_primary: float | None = None,
) -> list[list[Any]]:
    """The rows of a Ф1 «Индивидуальные результаты» sheet."""
    rows: list[list[Any]] = []
    width = 6 + len(tasks) + 3
    if title:
        max_total = sum(t[1] for t in tasks) if max_primary is None else max_primary
        rows += [
            ["Индивидуальные результаты"],
            [f"{procedure} {year} {subject} {grade} класс"],
            ["Предмет:", subject],
            ["Максимальный первичный балл:", _number(max_total)],
            ["Дата:", f"15.04.{year}"],
            [],
            ["Уровень сложности задания", "", "", "", "", "", *[t[2] for t in tasks]],
        ]
    rows.append(
        [
            "ОО",
            "Муниципалитет",
            "Название ОО",
            "Код участника",
            "Класс",
            "Вариант",
            *[task_header(t[0], t[1]) for t in tasks],
            "Первичный балл",
            "Отметка",
            "Отметка по журналу",
        ]
    )
    for school in schools:
        count = len(school.pupils) if school.declared_count is None else school.declared_count
        group = [""] * width
        group[0] = f"{school.name}({school.login})"
        group[3] = f"Кол-во участников: {count}"
        rows.append(group)
        for pupil in school.pupils:
            primary = _number(_sum(pupil.scores)) if pupil.primary is AUTO else pupil.primary
            rows.append(
                [
                    school.login if login_in_rows else "",
                    municipality,
                    school.name,
                    pupil.code,
                    pupil.class_name,
                    pupil.variant,
                    *pupil.scores,
                    primary,
                    pupil.mark,
                    pupil.journal,
                ]
            )
    return rows


def f1_xlsx(
    schools: Sequence[School],
    tasks: Sequence[tuple[str, float, str]] = DEFAULT_TASKS,
    *,
    sheet: str = "Индивидуальные результаты",
    write_only: bool = False,
    **kwargs: Any,
) -> bytes:
    return xlsx_bytes({sheet: f1_rows(schools, tasks, **kwargs)}, write_only=write_only)


def sample_schools(
    logins: Sequence[str] = ("edu203389", "edu203390"),
    pupils_per_school: int = 3,
    tasks: Sequence[tuple[str, float, str]] = DEFAULT_TASKS,
    *,
    first_code: int = 10001,
) -> list[School]:
    """Schools with valid pupils: scores cycle through 0..max, mark 3–5."""
    schools = []
    code = first_code
    for s, login in enumerate(logins):
        pupils = []
        for p in range(pupils_per_school):
            scores = [_number((p + i + s) % (int(m) + 1)) for i, (_n, m, _l) in enumerate(tasks)]
            pupils.append(Pupil(code, scores, variant=1 + p % 2, mark=3 + p % 3, journal=4))
            code += 1
        schools.append(School(login, f"МБОУ СОШ №{s + 1}", pupils))
    return schools


# --- school collection form ---------------------------------------------------------------


def collection_rows(
    pupils: Sequence[Pupil],
    tasks: Sequence[tuple[str, float, str]] = DEFAULT_TASKS,
    *,
    old_layout: bool = False,
    total_formula: bool = True,
    title: str | None = "Форма сбора результатов Математика 5 класс ВПР 2026",
    empty_slots: int = 0,
) -> list[list[Any]]:
    """The rows of sheet «Протокол». Old layout: two variant columns and «Пол»."""
    from msoko.spreadsheets import column_letter

    rows: list[list[Any]] = []
    if title:
        rows += [[title], []]
    variants = ["Вариант (1 часть)", "Вариант (2 часть)"] if old_layout else ["Вариант"]
    head = ["Код участника", *variants]
    if old_layout:
        head.append("Пол")
    first_task = len(head)
    head += [task_header(n, m) for n, m, _l in tasks]
    head += [
        "Порядковый номер класса",
        "Отметка за предыдущий триместр/четверть/полугодие",
        "Итого баллов",
    ]
    rows.append(head)
    last_code = 0
    for pupil in pupils:
        r = len(rows) + 1
        start = column_letter(first_task)
        end = column_letter(first_task + len(tasks) - 1)
        if pupil.primary is AUTO:
            total: Any = (
                f"=SUM({start}{r}:{end}{r})" if total_formula else _number(_sum(pupil.scores))
            )
        else:
            total = pupil.primary
        variant = [pupil.variant, pupil.variant] if old_layout else [pupil.variant]
        row = [pupil.code, *variant]
        if old_layout:
            row.append("м")
        row += [*pupil.scores, pupil.class_name, pupil.journal, total]
        rows.append(row)
        last_code = int(pupil.code) if str(pupil.code).isdigit() else last_code
    for i in range(empty_slots):
        rows.append([last_code + i + 1])
    return rows


def collection_xlsx(
    pupils: Sequence[Pupil],
    tasks: Sequence[tuple[str, float, str]] = DEFAULT_TASKS,
    *,
    service_sheet: bool = True,
    **kwargs: Any,
) -> bytes:
    sheets: dict[str, list[list[Any]]] = {"Протокол": collection_rows(pupils, tasks, **kwargs)}
    if service_sheet:
        sheets["Служебный"] = [
            ["Вариант", "Отметка", "Балл"],
            [1, 2, "X"],
            [2, 3, 0],
            ["отсутствовал", 4, 1],
            ["", 5, 2],
            ["", "нет отметки", ""],
        ]
    return xlsx_bytes(sheets)


# --- РЦОИ protocols -----------------------------------------------------------------------


@dataclass
class ExamRow:
    code: Any
    school_code: Any = "100001"
    class_name: Any = "11А"
    variant: Any = 301
    short: Any = "++-+"
    long: Any = "1(1)2(3)"
    primary: Any = AUTO
    test_score: Any = 70
    mark: Any = 4
    subject_code: Any = "01"
    surname: str = "Иванов"
    name: str = "Иван"
    patronymic: str = "Иванович"
    document: str = "4510 123456"


def rcoi_rows(
    rows: Sequence[ExamRow],
    *,
    kind: str = "ege",
    with_names: bool = True,
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
) -> list[list[Any]]:
    """A РЦОИ protocol. `headers` renames columns (field → header text) to mimic a region."""
    names = {
        "school_code": "Код ОО",
        "class_name": "Класс",
        "code": "Код участника",
        "subject_code": "Код предмета",
        "variant": "Вариант",
        "short": "Ответы в краткой форме",
        "long": "Ответы в развернутой форме",
        "primary": "Первичный балл",
        "last": "Тестовый балл" if kind == "ege" else "Оценка",
    }
    names.update(headers or {})
    personal = ["Фамилия", "Имя", "Отчество", "Документ"] if with_names else []
    out: list[list[Any]] = [[title]] if title else []
    out.append(
        [
            names["school_code"],
            names["class_name"],
            *personal,
            names["code"],
            names["subject_code"],
            names["variant"],
            names["short"],
            names["long"],
            names["primary"],
            names["last"],
        ]
    )
    for row in rows:
        if row.primary is AUTO:
            short = sum(1 for ch in str(row.short) if ch == "+")
            long = sum(int(m.group(1)) for m in re.finditer(r"(\d+)\(", str(row.long)))
            primary: Any = short + long
        else:
            primary = row.primary
        pd = [row.surname, row.name, row.patronymic, row.document] if with_names else []
        out.append(
            [
                row.school_code,
                row.class_name,
                *pd,
                row.code,
                row.subject_code,
                row.variant,
                row.short,
                row.long,
                primary,
                row.test_score if kind == "ege" else row.mark,
            ]
        )
    return out


def rcoi_xlsx(rows: Sequence[ExamRow], *, sheet: str = "Протокол ЕГЭ", **kwargs: Any) -> bytes:
    return xlsx_bytes({sheet: rcoi_rows(rows, **kwargs)})


# --- ВсОШ ---------------------------------------------------------------------------------


def vsosh_rows(
    rows: Sequence[Sequence[Any]], *, title: str | None = "Результаты ВсОШ 2025/26"
) -> list[list[Any]]:
    """rows: (stage, code, school, grade, subject, score, status) tuples."""
    out: list[list[Any]] = [[title], []] if title else []
    out.append(["Этап", "Код участника", "ОО", "Класс", "Предмет", "Балл", "Статус"])
    out += [list(r) for r in rows]
    return out


# --- ФИС ОКО aggregates -------------------------------------------------------------------


def f3_marks_rows(
    groups: Sequence[Sequence[Any]], *, title: str = "ВПР 2026 Русский язык 4 класс"
) -> tuple[list[list[Any]], list[str]]:
    """«Статистика по отметкам» with the two-row header; groups: (name, schools, pupils,
    p2, p3, p4, p5) in percent. Returns rows and merged ranges."""
    rows: list[list[Any]] = [
        ["Статистика по отметкам"],
        [title],
        [],
        ["Группы участников", "Кол-во ОО", "Кол-во участников", "Распределение групп баллов в %"],
        ["", "", "", 2, 3, 4, 5],
    ]
    rows += [list(g) for g in groups]
    return rows, ["A4:A5", "B4:B5", "C4:C5", "D4:G4"]


def journal_rows(groups: Sequence[tuple[str, int, int, int]]) -> list[list[Any]]:
    """«Сравнение отметок с отметками по журналу», tall layout; groups: (name, понизили,
    подтвердили, повысили) counts."""
    rows: list[list[Any]] = [
        ["Сравнение отметок с отметками по журналу"],
        ["ВПР 2026 Русский язык 4 класс"],
        [],
        ["Группы участников", "Кол-во участников", "%"],
    ]
    for name, low, same, high in groups:
        total = low + same + high
        rows.append([name])
        rows.append(["Понизили (Отметка < Отметка по журналу) %", low, round(low * 100 / total, 2)])
        rows.append(
            ["Подтвердили (Отметка = Отметке по журналу) %", same, round(same * 100 / total, 2)]
        )
        rows.append(
            ["Повысили (Отметка > Отметка по журналу) %", high, round(high * 100 / total, 2)]
        )
        rows.append(["Всего", total, 100])
    return rows


def parse_bytes(filename: str, data: bytes, **kwargs: Any) -> Any:
    """read_table_file + parse_sheets, the path an upload takes."""
    from assessments.parsing import parse_sheets
    from msoko.spreadsheets import read_table_file

    return parse_sheets(read_table_file(filename, data), **kwargs)


def messages(parsed: Any, severity: str | None = None) -> list[str]:
    return [str(p) for p in parsed.problems if severity is None or p.severity == severity]
