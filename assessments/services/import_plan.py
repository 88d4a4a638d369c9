"""The dry run of a result import: read, detect, check against the database, plan.

`results_plan` reads the file safely (msoko/spreadsheets.py), detects its format
(assessments/parsing), checks it against the database — campaign, task list, scale,
schools, the user's reach — and says what would be created or replaced. It writes nothing;
assessments/services/imports.py stores the upload and commits the plan.

Speed: a municipal ВПР file (100,000 pupils × 20 tasks) is checked with dictionary lookups
per row and no query per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count

from assessments import parsing
from assessments.choices import OlympiadStage, OlympiadStatus, ProcedureCode
from assessments.models import (
    Campaign,
    MappingProfile,
    OlympiadResult,
    Procedure,
    ReferenceValue,
    Result,
    Subject,
)
from assessments.parsing import ParsedFile, ParsedRow, TaskSpec
from assessments.parsing.base import fmt_number
from assessments.scales import Scale
from msoko.choices import Role
from msoko.formatting import integer
from msoko.jobs import JobError
from msoko.models import User
from msoko.problems import Problem
from msoko.spreadsheets import FileRejected, Limits, read_table_file
from msoko.uploads import problems_report
from schools.models import School

INDIVIDUAL_FORMATS = frozenset(
    {parsing.FORMAT_F1, parsing.FORMAT_COLLECTION, parsing.FORMAT_EGE, parsing.FORMAT_OGE}
)
AGGREGATE_FORMATS = frozenset({parsing.FORMAT_F3_MARKS, parsing.FORMAT_F3_JOURNAL})
AGGREGATE_KIND = {parsing.FORMAT_F3_MARKS: "marks", parsing.FORMAT_F3_JOURNAL: "journal"}
STAGE_CODES = {label: code for code, label in OlympiadStage.choices}
STATUS_CODES = {label: code for code, label in OlympiadStatus.choices}
PROCEDURE_CODES = {label.upper(): code for code, label in ProcedureCode.choices}
DEFAULT_GRADE = {"oge": 9, "gve9": 9, "ege": 11, "gve11": 11}

EPS = 1e-9
_DIGITS = re.compile(r"\d+")
_VARIANT_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
_VARIANT_SPLIT = re.compile(r"[,;]+|\s{2,}")
# «семью новыми»: small numbers in words, in the instrumental case.
_INSTRUMENTAL = {
    1: "одним",
    2: "двумя",
    3: "тремя",
    4: "четырьмя",
    5: "пятью",
    6: "шестью",
    7: "семью",
    8: "восемью",
    9: "девятью",
    10: "десятью",
}


class ImportRejected(JobError):
    """The file cannot be imported (now); `messages` say why, in Russian."""


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose in the upload form (or on the command line)."""

    campaign_id: int | None = None
    school_id: int | None = None
    create_campaign: bool = False
    olympiad_year: int | None = None
    olympiad_stage: str = ""  # OlympiadStage code

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportOptions:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class SchoolPlan:
    """What the import does for one school: rows of the file, rows it replaces."""

    school_id: int
    login: str
    name: str
    rows: int = 0
    absent: int = 0
    existing: int = 0


@dataclass
class ImportPlan:
    """The dry run of one file: what would be written, and every problem found.

    The parsed rows stay in memory for the commit and never go into the stored report.
    """

    filename: str
    format: str = parsing.FORMAT_UNKNOWN
    parsed: ParsedFile | None = None
    problems: list[Problem] = field(default_factory=list)
    campaign: Campaign | None = None
    new_campaign: dict[str, Any] | None = None  # when the import will create the campaign
    tasks_from_file: bool = False
    tasks: list[TaskSpec] = field(default_factory=list)
    schools: dict[str, SchoolPlan] = field(default_factory=dict)  # key → plan
    row_school: dict[str | None, int] = field(default_factory=dict)  # file key → school id
    default_school: School | None = None
    subjects: dict[str, Subject] = field(default_factory=dict)
    olympiad_year: int | None = None
    olympiad_groups: dict[tuple[str, int, int], int] = field(default_factory=dict)
    reference_existing: int = 0
    reference_schools: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        parsed = self.parsed
        if parsed is None:
            return 0
        return len(parsed.rows) + len(parsed.olympiad_rows) + len(parsed.reference_rows)

    @property
    def shrinking(self) -> list[SchoolPlan]:
        """Schools whose stored results the file replaces with fewer rows."""
        return sorted(
            (s for s in self.schools.values() if s.existing > s.rows), key=lambda s: s.login
        )

    @property
    def replacement(self) -> str:
        """What a shrinking import does, in words («Файл заменит 88 … семью новыми»), or ""."""
        shrinking = self.shrinking
        if not shrinking:
            return ""
        message = replacement_text(
            sum(s.existing for s in shrinking), sum(s.rows for s in shrinking)
        )
        if len(self.schools) > 1:
            message += " в ОО: " + "; ".join(
                f"{s.name} ({integer(s.existing)} → {integer(s.rows)})" for s in shrinking
            )
        return message

    def error(self, message: str, place: ParsedRow | None = None) -> None:
        if place is None:
            self.problems.append(Problem(message=message))
        else:
            self.problems.append(Problem(place.sheet, place.row, None, message))

    def report(self, options: ImportOptions) -> dict[str, Any]:
        """The JSON kept on the upload and shown on its page."""
        parsed = self.parsed
        schools = sorted(self.schools.values(), key=lambda s: s.login)
        report: dict[str, Any] = {
            "format": self.format,
            "format_label": parsing.FORMAT_LABELS.get(self.format, "формат не определён"),
            "profile": parsed.profile if parsed else "",
            "hints": {
                "procedure": parsed.procedure if parsed else "",
                "year": parsed.year if parsed else None,
                "subject": parsed.subject if parsed else "",
                "grade": parsed.grade if parsed else None,
            },
            "campaign": None,
            "tasks": [
                {"number": t.number, "max": t.max_score, "level": t.level} for t in self.tasks
            ],
            "tasks_from_file": self.tasks_from_file,
            "schools": [asdict(s) for s in schools],
            "totals": {
                "rows": sum(s.rows for s in schools),
                "absent": sum(s.absent for s in schools),
                "existing": sum(s.existing for s in schools),
            },
            # Set when the file replaces results with fewer rows: confirming needs a tick.
            "replacement": self.replacement,
            **problems_report(sorted(self.problems, key=_problem_order)),
            "options": options.to_dict(),
        }
        if self.campaign is not None:
            report["campaign"] = {
                "id": self.campaign.pk,
                "label": str(self.campaign),
                "create": False,
                "locked": self.campaign.is_locked,
            }
        elif self.new_campaign is not None:
            report["campaign"] = {
                "id": None,
                "label": self.new_campaign["label"],
                "create": True,
                "locked": False,
            }
        if parsed is not None and self.format in AGGREGATE_FORMATS:
            report["references"] = {
                "kind": AGGREGATE_KIND[self.format],
                "rows": len(parsed.reference_rows),
                "existing": self.reference_existing,
                "schools_linked": len(self.reference_schools),
            }
        if parsed is not None and self.format == parsing.FORMAT_VSOSH:
            report["olympiad"] = {
                "year": self.olympiad_year,
                "rows": len(parsed.olympiad_rows),
                "subjects": sorted({s.name for s in self.subjects.values()}),
                "existing": sum(self.olympiad_groups.values()),
            }
        return report


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for a count: 1 результат, 2 результата, 5 результатов, 21 результат."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def replacement_text(existing: int, rows: int) -> str:
    """«Файл заменит 88 прежних результатов семью новыми»."""
    old = f"{integer(existing)} " + plural(
        existing, "прежний результат", "прежних результата", "прежних результатов"
    )
    if rows == 0:
        return f"Файл удалит {old} и не загрузит новых"
    new = plural(rows, "новым", "новыми", "новыми")
    return f"Файл заменит {old} {_INSTRUMENTAL.get(rows) or integer(rows)} {new}"


def _problem_order(problem: Problem) -> tuple[int, str, int]:
    # Errors first, then warnings and notices; within them, by place in the file.
    rank = {"error": 0, "warning": 1, "notice": 2}.get(problem.severity, 3)
    return rank, problem.sheet or "", problem.row or 0


# --- reference lookups -----------------------------------------------------------------


def mapping_profiles() -> list[parsing.MappingProfile]:
    """The active РЦОИ column profiles of the database, then the built-in ones."""
    profiles: list[parsing.MappingProfile] = []
    for row in MappingProfile.objects.filter(is_active=True).order_by("pk"):
        columns = {
            str(name): [str(s) for s in synonyms]
            for name, synonyms in (row.columns or {}).items()
            if isinstance(synonyms, list) and synonyms
        }
        if "participant_code" not in columns:
            continue
        last = "test_score" if row.kind == "ege" else "mark"
        required = ("participant_code", last) if last in columns else ("participant_code",)
        profiles.append(
            parsing.MappingProfile(
                name=row.name,
                region=row.region,
                kind="ege" if row.kind == "ege" else "oge",
                columns=columns,
                required=required,
                distinctive=(last,),
            )
        )
    return [*profiles, *parsing.DEFAULT_PROFILES]


def _norm(value: str) -> str:
    return " ".join(value.replace("ё", "е").replace("Ё", "Е").lower().split())


def subject_index() -> dict[str, Subject]:
    """Subjects by every way files name them: name, code, synonyms, РЦОИ code."""
    index: dict[str, Subject] = {}
    for subject in Subject.objects.all():
        for key in (subject.name, subject.code, *subject.synonyms):
            index.setdefault(_norm(str(key)), subject)
        if subject.rcoi_code:
            index.setdefault(f"#{subject.rcoi_code}", subject)
    return index


def campaign_label(procedure: Procedure, year: int, subject: Subject, grade: int) -> str:
    return f"{procedure} {year}, {subject.name.lower()}, {grade} класс"


def _user_may_create_campaigns(user: User | None) -> bool:
    return user is None or user.can_edit


def _reach(user: User | None) -> tuple[set[int] | None, int | None]:
    """The schools the user may upload for: (ids or None for any, municipality or None)."""
    if user is None or user.is_superuser:
        return None, None
    if user.role == Role.DIRECTOR:
        return set(user.visible_school_ids()), None
    if user.can_edit:
        return None, user.municipality_id
    return set(), None


# --- the dry run -----------------------------------------------------------------------


def results_plan(
    *,
    user: User | None,
    filename: str,
    data: bytes,
    options: ImportOptions | None = None,
) -> ImportPlan:
    """Read, detect and check a result file against the database; write nothing.

    `user` None is the command line: the rights of a specialist without a municipality.
    """
    options = options or ImportOptions()
    plan = ImportPlan(filename=filename)
    if user is not None and not (user.can_edit or user.role == Role.DIRECTOR):
        plan.error("загружать результаты могут специалисты отдела образования и руководители ОО")
        return plan
    limits = Limits(max_bytes=settings.UPLOAD_MAX_MB * 1024 * 1024)
    try:
        sheets = read_table_file(filename, data, limits)
    except FileRejected as exc:
        plan.error(str(exc))
        return plan
    stage_label = dict(OlympiadStage.choices).get(options.olympiad_stage, "")
    parsed = parsing.parse_sheets(sheets, profiles=mapping_profiles(), olympiad_stage=stage_label)
    del sheets  # the grids are the largest object of an import; let them go
    plan.parsed = parsed
    plan.format = parsed.format
    plan.problems.extend(parsed.problems)
    if parsed.format == parsing.FORMAT_UNKNOWN or parsed.refused:
        return plan  # the layout is refused: there is nothing to check against the database
    if parsed.format == parsing.FORMAT_VSOSH:
        _plan_olympiad(plan, parsed, user, options)
        return plan
    if user is not None and user.role == Role.DIRECTOR and parsed.format in AGGREGATE_FORMATS:
        plan.error(
            f"файл «{parsed.format_label}» содержит показатели муниципалитета и региона; "
            "его загружает специалист отдела образования"
        )
        return plan
    _resolve_campaign(plan, parsed, user, options)
    if parsed.format in AGGREGATE_FORMATS:
        _plan_references(plan, parsed)
    else:
        _plan_individual(plan, parsed, user, options)
    return plan


def _hint_subject(parsed: ParsedFile, subjects: dict[str, Subject]) -> Subject | None:
    if parsed.subject:
        found = subjects.get(_norm(parsed.subject))
        if found is not None:
            return found
    codes = {row.subject_code for row in parsed.rows if row.subject_code}
    if len(codes) == 1:
        return subjects.get(f"#{codes.pop()}")
    return None


def _resolve_campaign(
    plan: ImportPlan, parsed: ParsedFile, user: User | None, options: ImportOptions
) -> None:
    """Find the campaign (chosen, or from the file's title), or plan to create it."""
    subjects = subject_index()
    hint_subject = _hint_subject(parsed, subjects)
    hint_procedure = PROCEDURE_CODES.get(parsed.procedure.upper()) if parsed.procedure else None
    if options.campaign_id is not None:
        campaign = (
            Campaign.objects.select_related("procedure", "subject")
            .filter(pk=options.campaign_id)
            .first()
        )
        if campaign is None:
            plan.error("выбранная кампания не найдена")
            return
        contradictions = []
        if hint_procedure and hint_procedure != campaign.procedure.code:
            contradictions.append(
                f"процедура в файле — {parsed.procedure}, в кампании — {campaign.procedure}"
            )
        if parsed.year and parsed.year != campaign.year:
            contradictions.append(f"год в файле — {parsed.year}, в кампании — {campaign.year}")
        if hint_subject is not None and hint_subject.pk != campaign.subject_id:
            contradictions.append(
                f"предмет в файле — «{hint_subject.name}», в кампании — «{campaign.subject.name}»"
            )
        elif hint_subject is None and parsed.subject:
            plan.problems.append(
                Problem(
                    message=f"предмет «{parsed.subject}» из файла не найден в справочнике; "
                    f"результаты будут загружены в кампанию «{campaign}»",
                    severity="warning",
                )
            )
        if parsed.grade and parsed.grade != campaign.grade:
            contradictions.append(f"класс в файле — {parsed.grade}, в кампании — {campaign.grade}")
        if contradictions:
            plan.error(
                f"файл не относится к выбранной кампании «{campaign}»: " + "; ".join(contradictions)
            )
            return
        plan.campaign = campaign
    else:
        grade = parsed.grade or (DEFAULT_GRADE.get(hint_procedure) if hint_procedure else None)
        missing = [
            name
            for name, value in (
                ("процедура", hint_procedure),
                ("год", parsed.year),
                ("предмет", hint_subject),
                ("класс", grade),
            )
            if not value
        ]
        if missing:
            detail = (
                f"; предмет «{parsed.subject}» не найден в справочнике"
                if parsed.subject and hint_subject is None
                else ""
            )
            plan.error(
                "выберите кампанию: по заголовку файла её не определить (не указаны: "
                + ", ".join(missing)
                + ")"
                + detail
            )
            return
        assert hint_procedure and parsed.year and hint_subject and grade
        procedure = Procedure.objects.filter(code=hint_procedure).first()
        if procedure is None:
            plan.error(f"процедуры «{parsed.procedure}» нет в справочнике")
            return
        campaign = (
            Campaign.objects.select_related("procedure", "subject")
            .filter(procedure=procedure, year=parsed.year, subject=hint_subject, grade=grade)
            .first()
        )
        label = campaign_label(procedure, parsed.year, hint_subject, grade)
        if campaign is None:
            if not _user_may_create_campaigns(user):
                plan.error(
                    f"кампании «{label}» нет в портале; её открывает специалист отдела образования"
                )
                return
            if not options.create_campaign:
                plan.error(
                    f"кампании «{label}» нет в портале: выберите кампанию или разрешите "
                    "создать её при загрузке"
                )
                return
            plan.new_campaign = {
                "label": label,
                "procedure_id": procedure.pk,
                "year": parsed.year,
                "subject_id": hint_subject.pk,
                "grade": grade,
            }
            plan.problems.append(
                Problem(message=f"будет создана кампания «{label}»", severity="notice")
            )
        else:
            plan.campaign = campaign
    if plan.campaign is not None and plan.campaign.is_locked:
        plan.error(
            f"приём результатов кампании «{plan.campaign}» закрыт; обратитесь к специалисту "
            "отдела образования"
        )


def _task_text(tasks: Iterable[TaskSpec]) -> str:
    return ", ".join(f"{t.number} ({fmt_number(t.max_score)}б)" for t in tasks)


def _check_tasks(plan: ImportPlan, parsed: ParsedFile) -> list[TaskSpec] | None:
    """The campaign's task list, or the file's when the campaign has none yet."""
    campaign = plan.campaign
    file_tasks = parsed.tasks
    campaign_tasks = (
        [
            TaskSpec(t.number, float(t.max_score), t.level, t.requirement)
            for t in campaign.tasks.order_by("order")
        ]
        if campaign is not None
        else []
    )
    if not campaign_tasks:
        plan.tasks_from_file = bool(file_tasks)
        if file_tasks and plan.campaign is not None:
            plan.problems.append(
                Problem(
                    message=f"у кампании ещё нет перечня заданий: он будет взят из файла "
                    f"({len(file_tasks)} заданий)",
                    severity="notice",
                )
            )
        return list(file_tasks)
    if not file_tasks:
        return campaign_tasks
    if parsed.format in (parsing.FORMAT_EGE, parsing.FORMAT_OGE):
        # РЦОИ protocols carry no task maxima for short answers: only the count must agree.
        if len(file_tasks) != len(campaign_tasks):
            plan.error(
                f"в протоколе {len(file_tasks)} заданий, а в кампании «{campaign}» — "
                f"{len(campaign_tasks)}"
            )
            return None
        return campaign_tasks
    file_numbers = [t.number for t in file_tasks]
    own_numbers = [t.number for t in campaign_tasks]
    differences = []
    if file_numbers != own_numbers:
        extra = [n for n in file_numbers if n not in own_numbers]
        lacking = [n for n in own_numbers if n not in file_numbers]
        if extra:
            differences.append("в файле есть задания, которых нет в кампании: " + ", ".join(extra))
        if lacking:
            differences.append("в файле нет заданий кампании: " + ", ".join(lacking))
        if not extra and not lacking:
            differences.append("задания идут в другом порядке")
    else:
        for mine, theirs in zip(campaign_tasks, file_tasks, strict=True):
            if abs(mine.max_score - theirs.max_score) > EPS:
                differences.append(
                    f"максимум задания {mine.number}: в файле {fmt_number(theirs.max_score)}, "
                    f"в кампании {fmt_number(mine.max_score)}"
                )
    if differences:
        plan.error(
            f"задания файла не совпадают с заданиями кампании «{campaign}»: "
            + "; ".join(differences)
            + f". В кампании: {_task_text(campaign_tasks)}"
        )
        return None
    return campaign_tasks


def _school_key_index(keys: Iterable[str]) -> dict[str, School]:
    """Schools for logins (edu203389) or РЦОИ codes given as the login's digits (203389)."""
    wanted: set[str] = set()
    for key in keys:
        lowered = key.strip().lower()
        wanted.add(lowered)
        if lowered.isdigit():
            wanted.add(f"edu{lowered.zfill(6)}")
    found = {s.login.lower(): s for s in School.objects.filter(login__in=wanted)}
    index: dict[str, School] = {}
    for key in keys:
        lowered = key.strip().lower()
        school = found.get(lowered)
        if school is None and lowered.isdigit():
            school = found.get(f"edu{lowered.zfill(6)}")
        if school is not None:
            index[key] = school
    return index


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" и ещё {len(rows) - 10}" if len(rows) > 10 else "")


def _check_reach(plan: ImportPlan, user: User | None, schools: Iterable[School]) -> None:
    """A director uploads for his school only; a specialist within his municipality."""
    allowed, municipality_id = _reach(user)
    outside = [
        s
        for s in schools
        if (allowed is not None and s.pk not in allowed)
        or (municipality_id is not None and s.municipality_id != municipality_id)
    ]
    if not outside:
        return
    names = ", ".join(f"{s.login} «{s.short_name}»" for s in sorted(outside, key=lambda s: s.login))
    if user is not None and user.role == Role.DIRECTOR:
        plan.error(
            f"в файле есть результаты других ОО: {names}. Вы можете загружать результаты "
            "только своей организации — оставьте в файле только её участников"
        )
    else:
        plan.error(f"в файле есть результаты ОО другого муниципалитета: {names}")


def _plan_individual(
    plan: ImportPlan, parsed: ParsedFile, user: User | None, options: ImportOptions
) -> None:
    """Schools, tasks and marks of a file with one row per participant."""
    tasks = _check_tasks(plan, parsed)
    if tasks is None:
        return
    plan.tasks = tasks
    rows = parsed.rows
    # Which school each row belongs to: the row's login / code, or the chosen school.
    keyed = parsed.format in (parsing.FORMAT_F1, parsing.FORMAT_EGE, parsing.FORMAT_OGE)
    chosen: School | None = None
    if user is not None and user.role == Role.DIRECTOR:
        chosen = user.school
        if options.school_id and options.school_id not in set(user.visible_school_ids()):
            plan.error("вы можете загружать результаты только своей организации")
            return
        if options.school_id:
            chosen = School.objects.filter(pk=options.school_id).first()
    elif options.school_id:
        chosen = School.objects.filter(pk=options.school_id).first()
        if chosen is None:
            plan.error("выбранная ОО не найдена")
            return
    plan.default_school = chosen
    row_keys: dict[str | None, list[int]] = {}
    for row in rows:
        key = row.school_login if parsed.format == parsing.FORMAT_F1 else row.school_code
        bucket = row_keys.get(key)
        if bucket is None:
            bucket = row_keys[key] = []
        bucket.append(row.row)
    keys = [k for k in row_keys if k]
    index = _school_key_index(keys) if keyed and keys else {}
    for key, excel_rows in row_keys.items():
        if key and key in index:
            plan.row_school[key] = index[key].pk
            continue
        if key:
            what = "логином" if parsed.format == parsing.FORMAT_F1 else "кодом"
            plan.problems.append(
                Problem(
                    rows[0].sheet if rows else None,
                    excel_rows[0],
                    None,
                    f"ОО с {what} {key} нет в реестре (строки {_rows_text(excel_rows)}); "
                    "добавьте её в реестр или исправьте файл",
                )
            )
            continue
        if parsed.format == parsing.FORMAT_F1:
            continue  # the parser has reported rows without a school
        if chosen is None:
            plan.error(
                "в файле не указана ОО: выберите организацию, для которой загружаются результаты"
            )
            return
        plan.row_school[key] = chosen.pk
    used = set(plan.row_school.values())
    schools = {s.pk: s for s in School.objects.filter(pk__in=used)}
    _check_reach(plan, user, schools.values())
    counts: dict[int, SchoolPlan] = {
        pk: SchoolPlan(pk, s.login, s.short_name) for pk, s in schools.items()
    }
    campaign = plan.campaign
    if campaign is not None and counts:
        existing = (
            Result.objects.filter(campaign=campaign, school_id__in=list(counts))
            .values_list("school_id")
            .annotate(n=Count("pk"))
        )
        for school_id, n in existing:
            counts[school_id].existing = n
    _check_rows(plan, parsed, counts)
    plan.schools = {s.login: s for s in counts.values()}


def _check_rows(plan: ImportPlan, parsed: ParsedFile, counts: dict[int, SchoolPlan]) -> None:
    """Per-row checks the parser cannot make: lengths, duplicates across sheets, the scale."""
    campaign = plan.campaign
    scale: Scale | None = None
    if campaign is not None and campaign.scale:
        try:
            scale = Scale.from_dict(campaign.scale)
            scale_errors = scale.validate()
        except ValueError as exc:
            scale_errors = [str(exc)]
        if scale_errors:
            plan.problems.append(
                Problem(
                    message="шкала кампании задана с ошибками, отметки не сверены со шкалой: "
                    + " ".join(scale_errors),
                    severity="warning",
                )
            )
            scale = None
    allowed_variants = campaign_variants(campaign.variants) if campaign is not None else None
    variant_columns = parsed.variant_columns
    variant_known: dict[str, bool] = {"": True}  # memo: variants repeat; empty is not checked
    numbers = [t.number for t in plan.tasks]
    maxima = [t.max_score for t in plan.tasks]
    n_tasks = len(numbers)
    is_rcoi = parsed.format in (parsing.FORMAT_EGE, parsing.FORMAT_OGE)
    expected_subject = (
        campaign.subject.rcoi_code if campaign is not None and is_rcoi else ""
    ) or ""
    marks_by_primary: dict[float, int | str] = {}
    uses_conditions = bool(scale and scale.conditions)
    fills_marks = parsed.format == parsing.FORMAT_COLLECTION
    seen: dict[tuple[int, str], ParsedRow] = {}
    row_school = plan.row_school
    by_login = parsed.format == parsing.FORMAT_F1
    problems = plan.problems
    for row in parsed.rows:
        school_id = row_school.get(row.school_login if by_login else row.school_code)
        if school_id is None:
            continue
        counter = counts[school_id]
        counter.rows += 1
        code = row.participant_code
        if len(code) > 32:
            problems.append(Problem(row.sheet, row.row, None, "код участника длиннее 32 символов"))
        if len(row.class_name) > 16 or len(row.variant) > 16:
            problems.append(
                Problem(row.sheet, row.row, None, "класс или вариант длиннее 16 символов")
            )
        key = (school_id, code)
        first = seen.get(key)
        if first is None:
            seen[key] = row
        elif first.sheet != row.sheet:
            problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    None,
                    f"код участника {code} повторяется (впервые: лист «{first.sheet}», "
                    f"строка {first.row})",
                )
            )
        if expected_subject and row.subject_code and row.subject_code != expected_subject:
            problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    None,
                    f"код предмета {row.subject_code} не совпадает с предметом кампании "
                    f"«{campaign}» (код {expected_subject})",
                )
            )
        if row.absent:
            counter.absent += 1
            continue
        if allowed_variants is not None:
            for part, variant in enumerate((row.variant, row.variant_part2)):
                known = variant_known.get(variant)
                if known is None:
                    known = variant_known[variant] = _variant_key(variant) in allowed_variants
                if not known:
                    letters = variant_columns.get(row.sheet, [])
                    problems.append(
                        Problem(
                            row.sheet,
                            row.row,
                            letters[part] if part < len(letters) else None,
                            f"вариант «{variant}» не входит в варианты кампании «{campaign}»: "
                            f"{campaign.variants if campaign is not None else ''}",
                        )
                    )
        scores = row.scores
        if scores and len(scores) != n_tasks:
            problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    None,
                    f"баллов за задания {len(scores)}, а заданий в кампании {n_tasks}",
                )
            )
            continue
        if is_rcoi and scores:
            for number, score, maximum in zip(numbers, scores, maxima, strict=True):
                if score is not None and score > maximum + EPS:
                    problems.append(
                        Problem(
                            row.sheet,
                            row.row,
                            None,
                            f"балл {fmt_number(score)} больше максимума {fmt_number(maximum)} "
                            f"за задание {number}",
                        )
                    )
        if scale is None or row.primary_score is None:
            continue
        primary = row.primary_score
        if uses_conditions:
            try:
                expected: int | str = scale.mark_for(
                    primary, dict(zip(numbers, scores, strict=True))
                )
            except ValueError as exc:
                expected = str(exc)
        else:
            cached = marks_by_primary.get(primary)
            if cached is None:
                try:
                    cached = scale.mark_for(primary)
                except ValueError as exc:
                    cached = str(exc)
                marks_by_primary[primary] = cached
            expected = cached
        if isinstance(expected, str):
            problems.append(Problem(row.sheet, row.row, None, expected.rstrip(".")))
        elif row.mark is None:
            if fills_marks:
                row.mark = expected
        elif row.mark != expected:
            problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    None,
                    f"отметка «{row.mark}» противоречит шкале кампании: за "
                    f"{fmt_number(primary)} первичных баллов ставится «{expected}»",
                )
            )


def _variant_key(value: str) -> str:
    value = value.strip().lower()
    return str(int(value)) if value.isdigit() else value


def campaign_variants(value: str) -> frozenset[str] | None:
    """The variants a campaign lists («1, 2», «301–304»); None when it lists none, and
    then any variant is accepted."""
    found: set[str] = set()
    for token in _VARIANT_SPLIT.split(value or ""):
        token = token.strip()
        if not token:
            continue
        span = _VARIANT_RANGE.match(token)
        if span and int(span.group(1)) <= int(span.group(2)) <= int(span.group(1)) + 1000:
            found.update(str(n) for n in range(int(span.group(1)), int(span.group(2)) + 1))
        else:
            found.add(_variant_key(token))
    return frozenset(found) or None


def _plan_references(plan: ImportPlan, parsed: ParsedFile) -> None:
    """ФИС ОКО aggregates: replace the campaign's reference rows of that form."""
    kind = AGGREGATE_KIND[plan.format]
    if plan.campaign is not None:
        plan.reference_existing = ReferenceValue.objects.filter(
            campaign=plan.campaign, kind=kind
        ).count()
    codes = [r.code for r in parsed.reference_rows if r.level == "school" and r.code]
    index = _school_key_index(codes) if codes else {}
    plan.reference_schools = {code: school.pk for code, school in index.items()}
    unknown = sorted(set(codes) - set(index))
    if unknown:
        plan.problems.append(
            Problem(
                message="ОО с логинами "
                + ", ".join(unknown)
                + " нет в реестре: их строки сохранятся без привязки к организации",
                severity="warning",
            )
        )


def _plan_olympiad(
    plan: ImportPlan, parsed: ParsedFile, user: User | None, options: ImportOptions
) -> None:
    """ВсОШ: the year, subjects and schools; replace per (year, stage, subject, school)."""
    plan.olympiad_year = options.olympiad_year or parsed.year
    if not plan.olympiad_year:
        plan.error("укажите учебный год олимпиады: в файле он не найден")
    subjects = subject_index()
    logins = {r.school_login for r in parsed.olympiad_rows if r.school_login}
    index = _school_key_index(sorted(logins)) if logins else {}
    unknown: dict[str, list[int]] = {}
    no_login: list[int] = []
    unknown_subjects: dict[str, list[int]] = {}
    for row in parsed.olympiad_rows:
        subject = subjects.get(_norm(row.subject))
        if subject is None and row.subject:
            unknown_subjects.setdefault(row.subject, []).append(row.row)
        elif subject is not None:
            plan.subjects[row.subject] = subject
        if row.school_login is None:
            if row.school_name:
                no_login.append(row.row)
        elif row.school_login not in index:
            unknown.setdefault(row.school_login, []).append(row.row)
    sheet = parsed.olympiad_rows[0].sheet if parsed.olympiad_rows else None
    for login, excel_rows in unknown.items():
        plan.problems.append(
            Problem(
                sheet,
                excel_rows[0],
                None,
                f"ОО с логином {login} нет в реестре (строки {_rows_text(excel_rows)})",
            )
        )
    if no_login:
        plan.problems.append(
            Problem(
                sheet,
                no_login[0],
                None,
                f"не указан логин ОО (edu…) в строках {_rows_text(no_login)}",
            )
        )
    for name, excel_rows in unknown_subjects.items():
        plan.problems.append(
            Problem(
                sheet,
                excel_rows[0],
                None,
                f"предмет «{name}» не найден в справочнике (строки {_rows_text(excel_rows)})",
            )
        )
    plan.row_school = {login: school.pk for login, school in index.items()}
    _check_reach(plan, user, index.values())
    counts: dict[int, SchoolPlan] = {
        s.pk: SchoolPlan(s.pk, s.login, s.short_name) for s in index.values()
    }
    groups: set[tuple[str, int, int]] = set()
    for row in parsed.olympiad_rows:
        school_id = plan.row_school.get(row.school_login or "")
        subject = plan.subjects.get(row.subject)
        if school_id is None or subject is None:
            continue
        counts[school_id].rows += 1
        groups.add((STAGE_CODES.get(row.stage, ""), subject.pk, school_id))
    plan.schools = {s.login: s for s in counts.values() if s.rows}
    if plan.olympiad_year and groups:
        existing = OlympiadResult.objects.filter(
            year=plan.olympiad_year,
            stage__in={g[0] for g in groups},
            subject_id__in={g[1] for g in groups},
            school_id__in={g[2] for g in groups},
        ).values_list("stage", "subject_id", "school_id")
        for key in existing:
            if key in groups:
                plan.olympiad_groups[key] = plan.olympiad_groups.get(key, 0) + 1
                counts[key[2]].existing += 1
