"""The federal lists of schools with «маркеры необъективности»: the check, the import, the flow.

A list (xlsx or csv, read through `msoko.spreadsheets`) has the columns
`Год | Логин | Муниципалитет | ОО | 4 РУ | 4 МА | 5 РУ | 5 МА | Количество маркеров`. Each
row names a school by its ФИС ОКО login; a marked cell of a procedure column (ВПР, grade 4 or
5, русский язык or математика) gives the school a `federal_list` marker of that year, linked
to the portal's ВПР campaign of that year, subject and grade when there is one.

What a cell may say — marked: «1» or any number above 0, «да», «+», «х» / «x», «v», «✓»,
«есть»; not marked: empty, «0», «нет», «-», «—». Anything else is an error of its row. The
headers are found in the first rows (titles may precede them), case, spaces and Latin
look-alike letters aside («4 ру», «4РУ», «4 PY»); «Логин ОО», «Наименование ОО» and
«Кол-во маркеров» are taken too.

All or nothing: an unknown login, a login of a school of another municipality (or, for a
deployment-wide specialist, a file of several municipalities), a year that is not a year,
a missing column, a school twice in one year — nothing is written. «Количество маркеров»
that does not match the marked columns, or a municipality name that differs from the
registry's, is a warning only. An import replaces, for each year of the file, every
federal_list marker of that year in the file's municipality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import objectivity
from assessments.choices import ProcedureCode
from assessments.models import Campaign, FederalListUpload, ObjectivityMarker, Subject
from msoko.models import User
from msoko.problems import Problem, Severity
from msoko.querysets import user_municipality_id
from msoko.spreadsheets import FileRejected, Limits, clean_text, column_letter, read_table_file
from msoko.uploads import WholeFileFlow, flow_register, problems_report
from schools.models import LOGIN_VALIDATOR, School

CODE = "federal_list"
HEADER_ROWS = 10
FIRST_YEAR = 2015

#: The procedure columns: header → (grade, subject code), all ВПР.
MARKED_COLUMNS: dict[str, tuple[int, str]] = {
    "4 РУ": (4, "russian"),
    "4 МА": (4, "math"),
    "5 РУ": (5, "russian"),
    "5 МА": (5, "math"),
}
#: Every column: key → the header as the federal file writes it.
COLUMNS: dict[str, str] = {
    "year": "Год",
    "login": "Логин",
    "municipality": "Муниципалитет",
    "school": "ОО",
    **{title: title for title in MARKED_COLUMNS},
    "count": "Количество маркеров",
}
HEADER_SYNONYMS: dict[str, str] = {
    "логиноо": "login",
    "логинфисоко": "login",
    "наименованиеоо": "school",
    "названиеоо": "school",
    "кол-вомаркеров": "count",
    "количествомаркеров": "count",
    "числомаркеров": "count",
}
# Latin letters that look like Cyrillic ones in «РУ», «МА» (a header typed in the wrong layout).
_LOOKALIKE = str.maketrans({"p": "р", "y": "у", "m": "м", "a": "а", "e": "е", "o": "о"})
YES = frozenset({"да", "+", "х", "x", "v", "✓", "✔", "есть", "yes", "маркер"})
NO = frozenset({"нет", "-", "—", "–", "0", "no"})
_YEAR = re.compile(r"^(\d{4})(?:\s*г\.?|\s*год)?$")
ACCEPTED = (
    "1 (или другое число больше 0), «да», «+», «х», «v»; пусто, «0», «нет» или «-» — маркера нет"
)


def _header_key(text: str) -> str | None:
    compact = "".join(clean_text(text).lower().translate(_LOOKALIKE).split())
    for key, title in COLUMNS.items():
        if compact == "".join(title.lower().split()):
            return key
    return HEADER_SYNONYMS.get(compact)


def cell_marked(value: Any) -> bool | None:
    """Whether a procedure cell marks the procedure: True, False, or None when unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    text = clean_text(value).lower()
    if not text or text in NO:
        return False
    if text in YES:
        return True
    try:
        return Decimal(text.replace(",", ".")) > 0
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class ListedSchool:
    """One row of the list: a school of the portal and the columns marked for it."""

    row: int  # as Excel shows it
    year: int
    school_id: int
    municipality_id: int
    login: str
    name: str
    columns: tuple[str, ...]
    cells: dict[str, str]


@dataclass
class FederalListFile:
    """A checked federal list: its rows, problems and the municipality it belongs to."""

    rows: list[ListedSchool] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    municipality_id: int | None = None
    sheet: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows})


def _find_header(sheet: Any) -> tuple[int, dict[str, int]] | None:
    best: tuple[int, dict[str, int]] | None = None
    for index in range(min(HEADER_ROWS, len(sheet.rows))):
        found: dict[str, int] = {}
        for col, value in enumerate(sheet.rows[index]):
            key = _header_key(value)
            if key is not None and key not in found:
                found[key] = col
        if len(found) >= 3 and (best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


def _year(value: Any) -> int | None:
    if isinstance(value, int | float) and float(value).is_integer():
        number = int(value)
    else:
        match = _YEAR.match(clean_text(value).lower())
        if not match:
            return None
        number = int(match.group(1))
    return number if FIRST_YEAR <= number <= timezone.localdate().year + 1 else None


def federal_list_check(
    *, filename: str, data: bytes, user: User | None, limits: Limits | None = None
) -> FederalListFile:
    """Read and check a federal list; writes nothing (see the module for what is an error)."""
    parsed = FederalListFile()
    try:
        sheets = read_table_file(filename, data, limits)
    except FileRejected as exc:
        parsed.problems.append(Problem(message=str(exc)))
        return parsed
    sheet = sheets[0] if sheets else None
    found = _find_header(sheet) if sheet is not None else None
    if sheet is None or found is None:
        parsed.problems.append(
            Problem(message="не найдена строка заголовка «" + " | ".join(COLUMNS.values()) + "»")
        )
        return parsed
    parsed.sheet = sheet.name
    header, columns = found
    missing = [title for key, title in COLUMNS.items() if key not in columns]
    if missing:
        parsed.problems.append(
            Problem(
                sheet=sheet.name,
                row=header + 1,
                message="нет столбцов: " + ", ".join(f"«{m}»" for m in missing),
            )
        )
        return parsed

    def problem(row: int, key: str, message: str, severity: Severity = "error") -> None:
        parsed.problems.append(
            Problem(
                sheet=sheet.name,
                row=row,
                column=column_letter(columns[key]),
                message=message,
                severity=severity,
            )
        )

    raw = []
    for index in range(header + 1, len(sheet.rows)):
        cells = {key: sheet.cell(index, col) for key, col in columns.items()}
        if any(clean_text(value) for value in cells.values()):
            raw.append((index, cells))
    if not raw:
        parsed.problems.append(Problem(sheet=sheet.name, message="в перечне нет ни одной ОО"))
        return parsed
    logins = {clean_text(cells["login"]).lower() for _i, cells in raw}
    schools = {
        s.login: s for s in School.objects.filter(login__in=logins).select_related("municipality")
    }
    visible = (
        set(School.objects.for_user(user).filter(login__in=logins).values_list("pk", flat=True))
        if user is not None
        else {s.pk for s in schools.values()}
    )
    bound = user_municipality_id(user)
    seen: dict[tuple[int, int], int] = {}
    for index, cells in raw:
        row = index + 1
        bad = len(parsed.errors)
        for name in ("year", "login", *MARKED_COLUMNS):
            if sheet.has_formula(index, columns[name]):
                problem(row, name, f"в столбце «{COLUMNS[name]}» формула: нужно само значение")
        year = _year(cells["year"])
        if year is None:
            problem(
                row,
                "year",
                f"год «{clean_text(cells['year'])}» — ожидается год перечня, например 2025",
            )
        login = clean_text(cells["login"]).lower()
        school = schools.get(login)
        if not login:
            problem(row, "login", "не указан логин ОО")
        elif school is None and not _valid_login(login):
            problem(
                row, "login", f"логин «{login}» — ожидается edu и шесть цифр, например edu203389"
            )
        elif school is None:
            problem(row, "login", f"ОО с логином «{login}» нет в реестре портала")
        elif bound and school.municipality_id != bound:
            problem(
                row,
                "login",
                f"ОО «{school.short_name}» ({login}) — другого муниципалитета "
                f"({school.municipality}); загрузите перечень своего муниципалитета",
            )
        elif school.pk not in visible:
            problem(row, "login", f"ОО «{school.short_name}» вам недоступна")
        marked = []
        shown = {}
        for title in MARKED_COLUMNS:
            value = cells[title]
            answer = cell_marked(value)
            shown[title] = clean_text(value)
            if answer is None:
                problem(
                    row,
                    title,
                    f"в столбце «{title}» «{clean_text(value)[:40]}» — ожидается {ACCEPTED}",
                )
            elif answer:
                marked.append(title)
        if len(parsed.errors) > bad or school is None or year is None:
            continue
        listed = (year, school.pk)
        if listed in seen:
            problem(
                row, "login", f"ОО {login} уже есть в перечне {year} г. (строка {seen[listed]})"
            )
            continue
        seen[listed] = row
        _warn(problem, row, cells, school, marked)
        if not marked:
            continue
        parsed.rows.append(
            ListedSchool(
                row=row,
                year=year,
                school_id=school.pk,
                municipality_id=school.municipality_id,
                login=login,
                name=school.short_name,
                columns=tuple(marked),
                cells=shown,
            )
        )
    municipalities = {r.municipality_id for r in parsed.rows}
    if len(municipalities) > 1:
        parsed.problems.append(
            Problem(
                sheet=sheet.name,
                message="в перечне ОО нескольких муниципалитетов — загрузите перечень каждого "
                "муниципалитета отдельным файлом",
            )
        )
    parsed.municipality_id = bound or (min(municipalities) if len(municipalities) == 1 else None)
    if not parsed.errors and not parsed.rows:
        parsed.problems.append(
            Problem(sheet=sheet.name, message="ни у одной ОО перечня не отмечен ни один столбец")
        )
    return parsed


def _valid_login(login: str) -> bool:
    try:
        LOGIN_VALIDATOR(login)
    except ValidationError:
        return False
    return True


def _warn(problem: Any, row: int, cells: dict[str, Any], school: School, marked: list[str]) -> None:
    """What does not stop the import: a count that differs, another municipality's name."""
    count = clean_text(cells["count"])
    if not marked:
        problem(
            row, "login", f"у ОО {school.login} не отмечен ни один столбец: пропущена", "warning"
        )
    if count:
        try:
            number = Decimal(count.replace(",", "."))
        except InvalidOperation:
            problem(row, "count", f"«Количество маркеров» «{count[:20]}» — не число", "warning")
        else:
            if number != len(marked):
                problem(
                    row,
                    "count",
                    f"«Количество маркеров» {count}, а отмечено столбцов {len(marked)} "
                    "(загружаются отмеченные столбцы)",
                    "warning",
                )
    named = clean_text(cells["municipality"]).lower()
    known = {
        clean_text(school.municipality.name).lower(),
        clean_text(school.municipality.short_name).lower(),
    }
    if named and not any(name and (named in name or name in named) for name in known):
        problem(
            row,
            "municipality",
            f"муниципалитет «{clean_text(cells['municipality'])}», а ОО {school.login} в реестре "
            f"— «{school.municipality}» (ОО определяется по логину)",
            "warning",
        )


def federal_list_report(parsed: FederalListFile) -> dict[str, Any]:
    """The dry run as JSON for FederalListUpload.report: the schools, columns and replacements."""
    existing: dict[int, int] = {}
    if parsed.municipality_id is not None:
        for year in parsed.years:
            existing[year] = ObjectivityMarker.objects.filter(
                code=CODE, year=year, municipality_id=parsed.municipality_id
            ).count()
    return {
        **problems_report(parsed.problems),
        "schools": [
            {"year": r.year, "row": r.row, "login": r.login, "name": r.name, "columns": r.columns}
            for r in sorted(parsed.rows, key=lambda r: (r.year, r.name))
        ],
        "markers": sum(len(r.columns) for r in parsed.rows),
        "years": [{"year": year, "replaced": existing.get(year, 0)} for year in parsed.years],
    }


@transaction.atomic
def federal_list_import(
    *, parsed: FederalListFile, upload: FederalListUpload, filename: str = ""
) -> dict[str, int]:
    """Replace, for each year of the list, the federal_list markers of the municipality."""
    if parsed.errors or parsed.municipality_id is None:
        raise ValueError("перечень с ошибками не загружается")
    subjects = {
        s.code: s for s in Subject.objects.filter(code__in={c[1] for c in MARKED_COLUMNS.values()})
    }
    campaigns = {
        (c.year, c.subject.code, c.grade): c
        for c in Campaign.objects.filter(
            procedure__code=ProcedureCode.VPR,
            year__in=parsed.years,
            grade__in={c[0] for c in MARKED_COLUMNS.values()},
        ).select_related("subject")
    }
    replaced = ObjectivityMarker.objects.filter(
        code=CODE, year__in=parsed.years, municipality_id=parsed.municipality_id
    ).delete()[0]
    markers = []
    for row in parsed.rows:
        for title in row.columns:
            grade, subject_code = MARKED_COLUMNS[title]
            subject = subjects.get(subject_code)
            campaign = campaigns.get((row.year, subject_code, grade))
            markers.append(
                ObjectivityMarker(
                    upload=upload,
                    campaign=campaign,
                    municipality_id=row.municipality_id,
                    school_id=row.school_id,
                    year=row.year,
                    procedure=ProcedureCode.VPR,
                    subject=subject,
                    grade=grade,
                    code=CODE,
                    value=Decimal(1),
                    threshold=Decimal(1),
                    raised=True,
                    evidence={
                        "column": title,
                        "cell": row.cells.get(title, ""),
                        "grade": grade,
                        "subject": subject_code,
                        "subject_name": subject.name if subject else "",
                        "markers_in_row": len(row.columns),
                        "row": row.row,
                        "file": filename or upload.filename,
                    },
                    params_version=objectivity.PARAMS_VERSION,
                )
            )
    ObjectivityMarker.objects.bulk_create(markers)
    return {"schools": len(parsed.rows), "markers": len(markers), "replaced": replaced}


class FederalListFlow(WholeFileFlow):
    """A federal list of schools with objectivity markers, applied whole."""

    name = "federal_list"
    model = FederalListUpload
    title = "Загрузка федерального перечня ОО с маркерами необъективности"
    writing = "Запись маркеров…"

    def parse(self, upload: FederalListUpload, data: bytes) -> Any:
        return federal_list_check(filename=upload.filename, data=data, user=upload.uploaded_by)

    def report(self, parsed: Any) -> dict[str, Any]:
        return federal_list_report(parsed)

    def apply(self, parsed: Any, upload: FederalListUpload) -> dict[str, Any]:
        return federal_list_import(parsed=parsed, upload=upload)

    def message(self, counts: dict[str, Any], parsed: Any, upload: FederalListUpload) -> str:
        years = ", ".join(str(y) for y in parsed.years)
        return (
            f"Федеральный перечень {years} г. загружен: ОО {counts['schools']}, "
            f"маркеров {counts['markers']} (заменено прежних: {counts['replaced']})."
        )


FEDERAL_LIST = flow_register(FederalListFlow())
