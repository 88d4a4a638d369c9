"""ЕГЭ per graduate and medalists: the year computation «ege», and the writes of medalists.

`ege_year_figures` (registered in the figures registry) reads one municipality's ЕГЭ
results of a year, the year's university minimums, its medalists and the medal rules, and
gives `year_figures_compute` the values of `assessments.graduates` per school and for the
municipality: ege.graduates, ege.graduates_220, ege.above_min_3, ege.medalists,
ege.medalists_unconfirmed. Its sources are the result and medalist uploads, the rule years
used, and each medal's outcome (confirmed or not, with the reasons), so the medalists page
reads the stored outcome and never re-reads the results. Graduates are joined across
subjects by (school, participant code) within the year.

It runs after every ЕГЭ campaign's figures (`figures_request` queues it), after a medalist
is added or deleted and after a medalist list is imported, in `compute_indicators --year Y`
and in the demo.

Medalists are written by `medalist_create`, `medalist_delete` and the import flow
`MEDALISTS` (Год | Логин ОО | Код участника | Медаль), all or nothing; a re-import of a
year and school replaces that school's list of the year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.choices import MedalKind, ProcedureCode, ThresholdKind, UploadStatus
from assessments.graduates import (
    EgeRecord,
    GraduateFigures,
    MedalCondition,
    MedalEntry,
    MedalFigures,
    MedalOutcome,
    conditions_for_year,
    graduate_figures,
    medal_figures,
    medal_outcomes,
)
from assessments.models import (
    EgeThreshold,
    Medalist,
    MedalistUpload,
    MedalRule,
    Result,
    ResultUpload,
)
from assessments.services.figures import YearValue, year_figures_register, year_figures_request
from msoko.models import Job, User
from msoko.problems import Problem
from msoko.querysets import user_municipality_id
from msoko.spreadsheets import FileRejected, Limits, clean_text, column_letter, read_table_file
from msoko.uploads import WholeFileFlow, flow_register, problems_report
from schools.models import School

EGE = ProcedureCode.EGE.value
MEDAL_OUTCOME = "medal"  # the `kind` of a medal's outcome among a year run's sources


# --- the year computation -----------------------------------------------------------------


def year_records(year: int, municipality_id: int) -> list[EgeRecord]:
    """The ЕГЭ results of the year in the municipality (absent participants left out)."""
    return [
        EgeRecord(school_id, code, subject, score, mark)
        for school_id, code, subject, score, mark in Result.objects.filter(
            campaign__procedure__code=EGE,
            campaign__year=year,
            school__municipality_id=municipality_id,
            absent=False,
        )
        .values_list(
            "school_id", "participant_code", "campaign__subject__code", "test_score", "mark"
        )
        .order_by("school_id", "participant_code", "campaign__subject__code")
    ]


def year_rules(year: int) -> tuple[dict[str, list[MedalCondition]], dict[str, int]]:
    """Each medal's conditions for the year and the rule year they come from."""
    rows = [
        (
            rule.year,
            rule.medal,
            MedalCondition(
                group=rule.group,
                subject=rule.subject.code,
                subject_name=rule.subject.name,
                min_test_score=rule.min_test_score,
                min_mark=rule.min_mark,
            ),
        )
        for rule in MedalRule.objects.filter(year__lte=year).select_related("subject")
    ]
    conditions = conditions_for_year(year, rows)
    used = {
        medal: max(rule_year for rule_year, m, _c in rows if m == medal) for medal in conditions
    }
    return conditions, used


def university_minimums(year: int) -> dict[str, Any]:
    return {
        code: value
        for code, value in EgeThreshold.objects.filter(
            year=year, kind=ThresholdKind.UNIVERSITY
        ).values_list("subject__code", "value")
    }


def medal_entries(year: int, municipality_id: int) -> list[MedalEntry]:
    return [
        MedalEntry(*row)
        for row in Medalist.objects.filter(
            year=year, school__municipality_id=municipality_id
        ).values_list("school_id", "participant_code", "medal")
    ]


@year_figures_register(EGE)
def ege_year_figures(
    year: int, municipality_id: int
) -> tuple[list[YearValue], list[dict[str, Any]]]:
    """The per-graduate and medalist values of one year in one municipality, and their sources.

    Every school with an ЕГЭ result or a medalist of the year gets all five values (a count
    of 0 is a figure; a share of nobody is None).
    """
    records = year_records(year, municipality_id)
    graduates = graduate_figures(records, university_minimums(year))
    conditions, rule_years = year_rules(year)
    outcomes = medal_outcomes(medal_entries(year, municipality_id), records, conditions)
    medals = medal_figures(outcomes)
    if not records and not outcomes:
        return [], _sources(year, municipality_id, outcomes, rule_years)
    values = []
    for school_id in sorted(set(graduates) | set(medals), key=lambda k: (k is None, k or 0)):
        figures = graduates.get(school_id, GraduateFigures())
        medal = medals.get(school_id, MedalFigures())
        values += [
            YearValue("ege.graduates", figures.graduates, figures.graduates, school_id),
            YearValue("ege.graduates_220", figures.share_220, figures.graduates, school_id),
            YearValue("ege.above_min_3", figures.share_above_min_3, figures.graduates, school_id),
            YearValue("ege.medalists", medal.medalists, medal.medalists, school_id),
            YearValue(
                "ege.medalists_unconfirmed", medal.unconfirmed_share, medal.medalists, school_id
            ),
        ]
    return values, _sources(year, municipality_id, outcomes, rule_years)


def _sources(
    year: int, municipality_id: int, outcomes: list[MedalOutcome], rule_years: dict[str, int]
) -> list[dict[str, Any]]:
    """The imported uploads (results and medalist lists), the rule years, each medal's outcome."""
    uploads: list[dict[str, Any]] = [
        {
            "kind": "results",
            "upload": pk,
            "sha256": sha,
            "file": name,
            "imported_at": at.isoformat() if at else None,
        }
        for pk, sha, name, at in ResultUpload.objects.filter(
            campaign__procedure__code=EGE,
            campaign__year=year,
            status=UploadStatus.IMPORTED,
            municipality_id=municipality_id,
        )
        .order_by("pk")
        .values_list("pk", "sha256", "filename", "imported_at")
    ]
    medalist_uploads = set(
        Medalist.objects.filter(
            year=year, school__municipality_id=municipality_id, upload__isnull=False
        ).values_list("upload_id", flat=True)
    )
    uploads += [
        {
            "kind": "medalists",
            "upload": pk,
            "sha256": sha,
            "file": name,
            "imported_at": at.isoformat() if at else None,
        }
        for pk, sha, name, at in MedalistUpload.objects.filter(pk__in=medalist_uploads)
        .order_by("pk")
        .values_list("pk", "sha256", "filename", "imported_at")
    ]
    uploads += [
        {"kind": "medal_rules", "medal": medal, "year": rule_year}
        for medal, rule_year in sorted(rule_years.items())
    ]
    uploads += [
        {
            "kind": MEDAL_OUTCOME,
            "school": o.school_id,
            "participant_code": o.participant_code,
            "medal": o.medal,
            "confirmed": o.confirmed,
            "reasons": list(o.reasons),
        }
        for o in outcomes
    ]
    return uploads


def ege_figures_request(*, year: int, municipality_ids: Any, user: User | None) -> list[Job]:
    """Queue the «ege» year figures after medalists change (a job per municipality)."""
    return year_figures_request(
        procedure=EGE, year=year, municipality_ids=municipality_ids, user=user
    )


# --- medalists, one by one ----------------------------------------------------------------


def _require_editor(user: User) -> None:
    if not user.can_edit:
        raise PermissionDenied("Изменять список медалистов может только специалист управления.")


def _school_in_scope(user: User, school: School) -> None:
    if not School.objects.for_user(user).filter(pk=school.pk).exists():
        raise PermissionDenied("Эта ОО вам недоступна.")


@transaction.atomic
def medalist_create(
    *, user: User, year: int, school: School, participant_code: str, medal: str
) -> Medalist:
    """Add a medalist of a year (by participant code, no names) and queue the year figures."""
    _require_editor(user)
    _school_in_scope(user, school)
    code = clean_text(participant_code)
    if not code:
        raise ValidationError({"participant_code": "Укажите код участника."})
    if medal not in MedalKind.values:
        raise ValidationError({"medal": "Медаль: «I степени» или «II степени»."})
    if Medalist.objects.filter(year=year, school=school, participant_code=code).exists():
        raise ValidationError(
            {"participant_code": f"Код участника {code} уже есть в списке медалистов {year} г."}
        )
    medalist = Medalist(year=year, school=school, participant_code=code, medal=medal)
    medalist.full_clean()
    medalist.save()
    ege_figures_request(year=year, municipality_ids=[school.municipality_id], user=user)
    return medalist


@transaction.atomic
def medalist_delete(*, user: User, medalist: Medalist) -> None:
    """Remove a medalist from the list of his year and queue the year figures."""
    _require_editor(user)
    _school_in_scope(user, medalist.school)
    year, municipality_id = medalist.year, medalist.school.municipality_id
    medalist.delete()
    ege_figures_request(year=year, municipality_ids=[municipality_id], user=user)


# --- the medalist list import -------------------------------------------------------------

COLUMNS = {
    "year": "Год",
    "login": "Логин ОО",
    "code": "Код участника",
    "medal": "Медаль",
}
CODE_LENGTH = 32  # Medalist.participant_code
HEADER_ROWS = 10  # the header is looked for among the first rows (titles may precede it)
MEDAL_WORDS = {
    "iстепени": MedalKind.FIRST,
    "1степени": MedalKind.FIRST,
    "первойстепени": MedalKind.FIRST,
    "золотая": MedalKind.FIRST,
    "золото": MedalKind.FIRST,
    "iiстепени": MedalKind.SECOND,
    "2степени": MedalKind.SECOND,
    "второйстепени": MedalKind.SECOND,
    "серебряная": MedalKind.SECOND,
    "серебро": MedalKind.SECOND,
}


def medal_kind(text: str) -> str | None:
    """«I степени», «II степени» (also «золотая», «серебряная»; Latin or Cyrillic I) → the
    MedalKind value; None when it is not a medal."""
    word = "".join(text.lower().replace("і", "i").replace("ӏ", "i").split())
    word = word.removeprefix("медаль").removesuffix("медаль").replace("«", "").replace("»", "")
    return MEDAL_WORDS.get(word)


@dataclass(frozen=True)
class MedalistRow:
    row: int  # as Excel shows it
    year: int
    school_id: int
    municipality_id: int
    participant_code: str
    medal: str


@dataclass
class MedalistFile:
    """A checked medalist list: its rows, problems, and the (year, school) lists it replaces."""

    rows: list[MedalistRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    municipality_id: int | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def lists(self) -> dict[tuple[int, int], list[MedalistRow]]:
        found: dict[tuple[int, int], list[MedalistRow]] = defaultdict(list)
        for row in self.rows:
            found[(row.year, row.school_id)].append(row)
        return dict(found)


def _header(sheet: Any) -> tuple[int, dict[str, int]] | None:
    wanted = {title.lower(): key for key, title in COLUMNS.items()}
    for index in range(min(HEADER_ROWS, len(sheet.rows))):
        found = {
            wanted[clean_text(value).lower()]: col
            for col, value in enumerate(sheet.rows[index])
            if clean_text(value).lower() in wanted
        }
        if len(found) >= 2:
            return index, found
    return None


def medalists_check(
    *, filename: str, data: bytes, user: User | None, limits: Limits | None = None
) -> MedalistFile:
    """Read and check a medalist list; writes nothing.

    Errors (nothing is then imported): a missing column, a bad year, an unknown school
    login, a school of another municipality (or, for a deployment-wide specialist, a file
    of several municipalities), a bad medal, a participant code twice for one year and
    school. A code not among the year's ЕГЭ results is a warning: the medal then shows as
    not confirmed (no results).
    """
    parsed = MedalistFile()
    try:
        sheets = read_table_file(filename, data, limits)
    except FileRejected as exc:
        parsed.problems.append(Problem(message=str(exc)))
        return parsed
    sheet = sheets[0] if sheets else None
    found = _header(sheet) if sheet is not None else None
    if sheet is None or found is None:
        parsed.problems.append(
            Problem(message="не найдена строка заголовка «Год | Логин ОО | Код участника | Медаль»")
        )
        return parsed
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
    raw = []
    for index in range(header + 1, len(sheet.rows)):
        cells = {key: clean_text(sheet.cell(index, col)) for key, col in columns.items()}
        if any(cells.values()):
            raw.append((index + 1, cells))
    if not raw:
        parsed.problems.append(Problem(sheet=sheet.name, message="в файле нет ни одного медалиста"))
        return parsed
    logins = {cells["login"] for _row, cells in raw}
    schools = {s.login: s for s in School.objects.filter(login__in=logins)}
    visible = (
        set(School.objects.for_user(user).filter(login__in=logins).values_list("pk", flat=True))
        if user is not None
        else {s.pk for s in schools.values()}
    )
    bound = user_municipality_id(user)
    this_year = timezone.localdate().year
    seen: dict[tuple[int, int, str], int] = {}

    def problem(row: int, key: str, message: str, severity: Any = "error") -> None:
        parsed.problems.append(
            Problem(
                sheet=sheet.name,
                row=row,
                column=column_letter(columns[key]),
                message=message,
                severity=severity,
            )
        )

    for row, cells in raw:
        bad = len(parsed.errors)
        year = int(cells["year"]) if cells["year"].isdigit() else None
        if year is None or not 2000 <= year <= this_year + 1:
            problem(row, "year", f"год выпуска «{cells['year']}» — ожидается год, например 2026")
        school = schools.get(cells["login"])
        if not cells["login"]:
            problem(row, "login", "не указан логин ОО")
        elif school is None:
            problem(row, "login", f"ОО с логином «{cells['login']}» нет в реестре")
        elif bound and school.municipality_id != bound:
            problem(row, "login", f"ОО «{school.short_name}» — другого муниципалитета")
        elif school.pk not in visible:
            problem(row, "login", f"ОО «{school.short_name}» вам недоступна")
        code = cells["code"]
        if not code:
            problem(row, "code", "не указан код участника")
        elif len(code) > CODE_LENGTH:
            problem(row, "code", f"код участника «{code[:40]}…» слишком длинный")
        medal = medal_kind(cells["medal"])
        if medal is None:
            problem(
                row,
                "medal",
                f"медаль «{cells['medal']}» — ожидается «I степени» или «II степени»",
            )
        if len(parsed.errors) > bad or school is None or year is None or medal is None:
            continue
        key = (year, school.pk, code)
        if key in seen:
            problem(row, "code", f"код участника {code} уже есть в строке {seen[key]}")
            continue
        seen[key] = row
        parsed.rows.append(MedalistRow(row, year, school.pk, school.municipality_id, code, medal))
    municipalities = {r.municipality_id for r in parsed.rows}
    if len(municipalities) > 1:
        parsed.problems.append(
            Problem(
                sheet=sheet.name,
                message="в файле ОО нескольких муниципалитетов — загрузите список каждого "
                "муниципалитета отдельным файлом",
            )
        )
    parsed.municipality_id = bound or (min(municipalities) if len(municipalities) == 1 else None)
    if not parsed.errors:
        _warn_without_results(parsed, sheet.name, column_letter(columns["code"]))
    return parsed


def _warn_without_results(parsed: MedalistFile, sheet: str, column: str) -> None:
    """A code not among the year's ЕГЭ results of its school: a warning, not an error."""
    for (year, school_id), rows in sorted(parsed.lists().items()):
        known = set(
            Result.objects.filter(
                campaign__procedure__code=EGE,
                campaign__year=year,
                school_id=school_id,
                participant_code__in=[r.participant_code for r in rows],
                absent=False,
            ).values_list("participant_code", flat=True)
        )
        for row in rows:
            if row.participant_code not in known:
                parsed.problems.append(
                    Problem(
                        sheet=sheet,
                        row=row.row,
                        column=column,
                        message=f"кода участника {row.participant_code} нет среди результатов "
                        f"ЕГЭ {year} г. этой ОО: медаль будет показана как не подтверждённая",
                        severity="warning",
                    )
                )


def medalists_report(parsed: MedalistFile) -> dict[str, Any]:
    """The dry run as JSON for MedalistUpload.report: the problems and the lists it replaces."""
    names = dict(
        School.objects.filter(pk__in={r.school_id for r in parsed.rows}).values_list(
            "pk", "short_name"
        )
    )
    existing: dict[tuple[int, int], int] = defaultdict(int)
    for year, school_id in Medalist.objects.filter(
        school_id__in=names, year__in={r.year for r in parsed.rows}
    ).values_list("year", "school_id"):
        existing[(year, school_id)] += 1
    lists = [
        {
            "year": year,
            "school": names.get(school_id, ""),
            "first": sum(1 for r in rows if r.medal == MedalKind.FIRST),
            "second": sum(1 for r in rows if r.medal == MedalKind.SECOND),
            "replaced": existing.get((year, school_id), 0),
        }
        for (year, school_id), rows in sorted(
            parsed.lists().items(), key=lambda item: (item[0][0], names.get(item[0][1], ""))
        )
    ]
    return {**problems_report(parsed.problems), "medalists": len(parsed.rows), "lists": lists}


@transaction.atomic
def medalists_import(
    *, parsed: MedalistFile, upload: MedalistUpload | None, user: User | None
) -> dict[str, int]:
    """Replace, for each year and school of the file, that school's medalists of the year."""
    replaced = 0
    for (year, school_id), rows in sorted(parsed.lists().items()):
        replaced += Medalist.objects.filter(year=year, school_id=school_id).delete()[0]
        Medalist.objects.bulk_create(
            Medalist(
                year=year,
                school_id=school_id,
                participant_code=r.participant_code,
                medal=r.medal,
                upload=upload,
            )
            for r in rows
        )
    years: dict[int, set[int]] = defaultdict(set)
    for r in parsed.rows:
        years[r.year].add(r.municipality_id)
    for year, municipality_ids in sorted(years.items()):
        ege_figures_request(year=year, municipality_ids=municipality_ids, user=user)
    return {"medalists": len(parsed.rows), "replaced": replaced}


class MedalistsFlow(WholeFileFlow):
    """A list of medalists (Год | Логин ОО | Код участника | Медаль), applied whole."""

    name = "medalists"
    model = MedalistUpload
    title = "Загрузка списка медалистов"
    writing = "Запись списка медалистов…"

    def parse(self, upload: MedalistUpload, data: bytes) -> Any:
        return medalists_check(filename=upload.filename, data=data, user=upload.uploaded_by)

    def report(self, parsed: Any) -> dict[str, Any]:
        return medalists_report(parsed)

    def apply(self, parsed: Any, upload: MedalistUpload) -> dict[str, Any]:
        return medalists_import(parsed=parsed, upload=upload, user=upload.uploaded_by)

    def message(self, counts: dict[str, Any], parsed: Any, upload: MedalistUpload) -> str:
        return (
            f"Список медалистов загружен: {counts['medalists']} "
            f"(заменено прежних записей: {counts['replaced']})."
        )


MEDALISTS = flow_register(MedalistsFlow())
