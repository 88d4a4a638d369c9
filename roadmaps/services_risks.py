"""Writes of the federal project «500+» (DOMAIN §7): the reference of risk directions and
their template measures, a school's risk profile (by hand and from a survey workbook),
the anti-risk programme made from the selected risks, and the school's curator.

Every service is keyword-only, typed and atomic, and checks before it saves (STYLE §3).

Decisions:

* A school's risk profile is edited by the department's specialists and by that school's
  director; officials only read it.
* A re-import of a year replaces, for each school in the file, the values and levels that
  came from a file before: a risk in the new file gets the new value and level, a risk
  imported earlier and absent now loses them. What a person set by hand — «выбран» and the
  evidence — stays, unless the file's optional columns «Выбран» / «Обоснование» say
  otherwise in that row. Schools not in the file are not touched.
* The anti-risk programme of a school and year is one road map (years year…year + 1)
  with one section per selected risk, whose tasks are copied from that risk's template
  measures with the school responsible; it goes through the road-map services, so its
  deadlines, occurrences and reminders work as in any road map. Creating it again adds the
  sections of risks selected since and duplicates nothing; a risk unselected later keeps
  its section (work done is never thrown away). Occurrences whose due date had passed
  before the programme's task was created are cancelled with a note: nobody can do last
  quarter's work now, and they would show as overdue from the first day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from msoko.choices import Role
from msoko.models import User
from msoko.problems import Problem
from msoko.querysets import user_municipality_id
from msoko.uploads import WholeFileFlow, flow_register, problems_report
from roadmaps import services
from roadmaps.choices import (
    ActKind,
    Comparison,
    CycleElement,
    IndicatorKind,
    OccurrenceStatus,
    RoadmapStatus,
)
from roadmaps.deadlines import parse_deadline
from roadmaps.importing_risks import RiskLine, RiskSheet, normalized, read_risk_file
from roadmaps.models import (
    Direction,
    MeasureTemplate,
    RiskDirection,
    RiskLevel,
    RiskProgramme,
    RiskSource,
    RiskUpload,
    Roadmap,
    SchoolCurator,
    SchoolRisk,
    Section,
    Task,
)
from schools.models import School

# The road-map direction the anti-risk programmes' sections belong to (DOMAIN §8, 1.2:
# работа со ШНОР / ШНСУ).
PROGRAMME_DIRECTION = "1.2"
PROGRAMME_YEARS = 2  # year … year + 1
PAST_DUE_NOTE = "Срок прошёл до включения мероприятия в программу."
# Who may be a curator: a person of the education department (not a director, not IT).
CURATOR_ROLES = (Role.SPECIALIST, Role.OFFICIAL)


# ------------------------------------------------------------------ access


def can_edit_profile(user: User, school: School) -> bool:
    """Specialists edit every profile they see; a director only his own school's."""
    if user.can_edit:
        return True
    return bool(user.is_director and school.pk in user.visible_school_ids())


def _require_profile_editor(user: User, school: School) -> None:
    if not can_edit_profile(user, school):
        raise PermissionDenied(
            "Риск-профиль изменяют специалисты управления и руководитель этой ОО."
        )


def _require_editor(user: User) -> None:
    if not user.can_edit:
        raise PermissionDenied("Справочник изменяют специалисты управления образования.")


# ------------------------------------------------------------------ reference


@transaction.atomic
def risk_direction_save(*, direction: RiskDirection, user: User) -> RiskDirection:
    """Save a risk direction of the profile with the years it is valid (history is kept)."""
    _require_editor(user)
    direction.title = " ".join(direction.title.split())
    if not direction.title:
        raise ValidationError({"title": "Укажите наименование риска."})
    if direction.valid_to is not None and direction.valid_to < direction.valid_from:
        raise ValidationError({"valid_to": "Год окончания раньше года начала."})
    same_title = RiskDirection.objects.exclude(pk=direction.pk).filter(
        title__iexact=direction.title
    )
    if same_title.exists():
        raise ValidationError({"title": "Риск с таким наименованием уже есть."})
    if direction.pk:
        before = RiskDirection.objects.get(pk=direction.pk)
        if before.code != direction.code and before.school_risks.exists():
            raise ValidationError(
                {"code": "Код риска, который уже есть в риск-профилях, не меняется."}
            )
    direction.full_clean()
    direction.save()
    return direction


def deadline_problem(text: str) -> str:
    """Why a template's deadline phrase will not schedule a task ("" when it will)."""
    schedule = parse_deadline(text)
    if schedule.kind == "unparsed":
        return (
            f"Срок «{text}» не распознан. Пишите, как в дорожных картах: «ежеквартально», "
            "«до 1 июня», «ежегодно, сентябрь», «в течение учебного года»."
        )
    if schedule.kind == "conditional":
        return (
            f"Срок «{text}» не даёт дат, а мероприятие программы отслеживается по срокам. "
            "Укажите периодичность: «ежеквартально», «до 1 октября»…"
        )
    if schedule.windows or schedule.first_year or schedule.last_year or schedule.since:
        return (
            "Шаблон не должен называть конкретный год: он копируется в программы разных "
            "лет. Напишите, например, «до 1 июня» или «ежегодно, май»."
        )
    return ""


@transaction.atomic
def measure_template_save(*, template: MeasureTemplate, user: User) -> MeasureTemplate:
    """Save a template measure: its deadline must be one the road maps can schedule."""
    _require_editor(user)
    template.deadline_text = " ".join(template.deadline_text.split())
    errors: dict[str, str] = {}
    problem = deadline_problem(template.deadline_text)
    if problem:
        errors["deadline_text"] = problem
    if template.indicator_kind == IndicatorKind.NUMBER:
        if template.target_value is None:
            errors["target_value"] = "Для числового показателя укажите целевое значение."
        if not template.comparison:
            template.comparison = Comparison.GTE
    if errors:
        raise ValidationError(errors)
    if not template.pk and not template.order:
        template.order = template.risk.measures.count() + 1
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def measure_template_delete(*, template: MeasureTemplate, user: User) -> None:
    """Remove a template; programmes made from it keep their copies (tasks)."""
    _require_editor(user)
    template.delete()


def risks_valid_in(year: int) -> QuerySet[RiskDirection]:
    return RiskDirection.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year)).filter(
        valid_from__lte=year
    )


# ------------------------------------------------------------------ the profile by hand


@dataclass(frozen=True)
class RiskEntry:
    """One risk of a profile as a person entered it on the page."""

    risk_id: int
    value: Decimal | None
    level: str
    selected: bool
    evidence: str


@transaction.atomic
def risk_profile_save(
    *, school: School, year: int, user: User, entries: Iterable[RiskEntry]
) -> int:
    """Save a school's risk profile of a year as edited on its page; returns rows changed.

    A changed value or level becomes the person's (source «введено вручную»); a risk left
    wholly empty is not stored (one stored before is removed unless a programme section
    hangs on it).
    """
    _require_profile_editor(user, school)
    valid = {risk.pk: risk for risk in risks_valid_in(year)}
    existing = {row.risk_id: row for row in SchoolRisk.objects.filter(school=school, year=year)}
    changed = 0
    for entry in entries:
        if entry.risk_id not in valid:
            raise ValidationError(f"Риск № {entry.risk_id} не действует в {year} году.")
        if entry.level and entry.level not in RiskLevel.values:
            raise ValidationError(f"Неизвестный уровень риска «{entry.level}».")
        evidence = entry.evidence.strip()
        row = existing.get(entry.risk_id)
        empty = entry.value is None and not entry.level and not entry.selected and not evidence
        if row is None:
            if empty:
                continue
            row = SchoolRisk(school=school, year=year, risk_id=entry.risk_id)
        elif empty and row.section_id is None:
            row.delete()
            changed += 1
            continue
        before = (row.value, row.level, row.selected, row.evidence)
        if (row.value, row.level) != (entry.value, entry.level):
            row.source = RiskSource.HAND
            row.upload = None
        row.value, row.level, row.selected, row.evidence = (
            entry.value,
            entry.level,
            entry.selected,
            evidence,
        )
        if row.pk and before == (row.value, row.level, row.selected, row.evidence):
            continue
        row.updated_by = user
        row._history_user = user  # type: ignore[attr-defined]
        row.full_clean()
        row.save()
        changed += 1
    return changed


# ------------------------------------------------------------------ import


@dataclass(frozen=True)
class ResolvedLine:
    line: RiskLine
    school_id: int
    municipality_id: int
    risk_id: int


@dataclass
class CheckedRiskFile:
    """A checked workbook: its rows matched to schools and risks, and every problem."""

    year: int
    sheet: RiskSheet
    lines: list[ResolvedLine] = field(default_factory=list)
    municipality_id: int | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.sheet.problems

    @property
    def errors(self) -> list[Problem]:
        return self.sheet.errors

    def by_school(self) -> dict[int, list[ResolvedLine]]:
        found: dict[int, list[ResolvedLine]] = defaultdict(list)
        for item in self.lines:
            found[item.school_id].append(item)
        return dict(found)


def _risk_keys(year: int) -> tuple[dict[str, RiskDirection], set[str]]:
    """Code and title (normalized) → the risk; and the keys of risks not valid in `year`."""
    keys: dict[str, RiskDirection] = {}
    invalid: set[str] = set()
    for risk in RiskDirection.objects.all():
        for key in (normalized(risk.code), normalized(risk.title)):
            keys[key] = risk
            if not risk.valid_in(year):
                invalid.add(key)
    return keys, invalid


def risk_import_check(
    *, filename: str, data: bytes, year: int, user: User | None
) -> CheckedRiskFile:
    """Read and check a workbook of survey aggregates for `year`; writes nothing.

    Errors (nothing is then imported): a missing column, a value that is not a number, a
    level not in the list, an unknown school login, a school of another municipality or
    out of the user's reach, an unknown risk or one not valid in the year, a school and
    risk twice, a file of several municipalities (for a deployment-wide specialist).
    """
    sheet = read_risk_file(filename, data)
    checked = CheckedRiskFile(year=year, sheet=sheet)
    if not 2000 <= year <= 2100:
        sheet.problem(f"год {year} — вне допустимых (2000–2100)")
        return checked
    if not sheet.lines:
        return checked
    logins = {line.login for line in sheet.lines}
    schools = {s.login.lower(): s for s in School.objects.filter(login__in=logins)}
    visible = (
        set(
            School.objects.for_user(user)
            .filter(pk__in=[s.pk for s in schools.values()])
            .values_list("pk", flat=True)
        )
        if user is not None
        else {s.pk for s in schools.values()}
    )
    bound = user_municipality_id(user)
    keys, invalid = _risk_keys(year)
    seen: dict[tuple[int, int], int] = {}
    for line in sheet.lines:
        bad = len(sheet.errors)
        school = schools.get(line.login)
        if school is None:
            sheet.problem(f"ОО с логином «{line.login}» нет в реестре", row=line.row, key="login")
        elif bound and school.municipality_id != bound:
            sheet.problem(
                f"ОО «{school.short_name}» — другого муниципалитета", row=line.row, key="login"
            )
        elif school.pk not in visible:
            sheet.problem(f"ОО «{school.short_name}» вам недоступна", row=line.row, key="login")
        key = normalized(line.risk)
        risk = keys.get(key)
        if risk is None:
            sheet.problem(
                f"риск «{line.risk[:60]}» не найден: укажите код или наименование из "
                "справочника рисков (лист «Справочник» шаблона)",
                row=line.row,
                key="risk",
            )
        elif key in invalid:
            sheet.problem(
                f"риск «{risk.title}» не действует в {year} году", row=line.row, key="risk"
            )
        if len(sheet.errors) > bad or school is None or risk is None:
            continue
        pair = (school.pk, risk.pk)
        if pair in seen:
            sheet.problem(
                f"риск «{risk.title}» для ОО «{school.short_name}» уже есть в строке {seen[pair]}",
                row=line.row,
                key="risk",
            )
            continue
        seen[pair] = line.row
        checked.lines.append(ResolvedLine(line, school.pk, school.municipality_id, risk.pk))
    municipalities = {item.municipality_id for item in checked.lines}
    if len(municipalities) > 1:
        sheet.problem(
            "в файле ОО нескольких муниципалитетов — загрузите риск-профили каждого "
            "муниципалитета отдельным файлом"
        )
    checked.municipality_id = bound or (min(municipalities) if len(municipalities) == 1 else None)
    return checked


def risk_import_report(checked: CheckedRiskFile) -> dict[str, Any]:
    """The dry run as JSON for RiskUpload.report: the problems and what each school gets."""
    by_school = checked.by_school()
    names = dict(School.objects.filter(pk__in=by_school).values_list("pk", "short_name"))
    replaced: dict[int, int] = defaultdict(int)
    for school_id in SchoolRisk.objects.filter(
        school_id__in=by_school, year=checked.year, source=RiskSource.IMPORT
    ).values_list("school_id", flat=True):
        replaced[school_id] += 1
    schools = [
        {
            "school": names.get(school_id, ""),
            "risks": len(lines),
            "high": sum(1 for item in lines if item.line.level == RiskLevel.HIGH),
            "selected": sum(1 for item in lines if item.line.selected),
            "replaced": replaced.get(school_id, 0),
        }
        for school_id, lines in sorted(by_school.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    return {
        **problems_report(checked.problems),
        "year": checked.year,
        "rows": len(checked.lines),
        "schools": schools,
    }


@transaction.atomic
def risk_import_apply(
    *, checked: CheckedRiskFile, upload: RiskUpload | None, user: User | None
) -> dict[str, int]:
    """Write a checked file: for each of its schools, the year's imported values are
    replaced (see the module's decisions); returns the counts."""
    if checked.errors:
        raise ValidationError([str(p) for p in checked.errors])
    created = updated = cleared = 0
    for school_id, lines in sorted(checked.by_school().items()):
        existing = {
            row.risk_id: row
            for row in SchoolRisk.objects.select_for_update().filter(
                school_id=school_id, year=checked.year
            )
        }
        for item in lines:
            line = item.line
            row = existing.pop(item.risk_id, None)
            if row is None:
                row = SchoolRisk(school_id=school_id, year=checked.year, risk_id=item.risk_id)
                created += 1
            else:
                updated += 1
            row.value, row.level = line.value, line.level
            row.source, row.upload = RiskSource.IMPORT, upload
            if line.selected is not None:
                row.selected = line.selected
            if line.evidence is not None:
                row.evidence = line.evidence
            row.updated_by = user
            row._history_user = user  # type: ignore[attr-defined]
            row.save()
        for row in existing.values():
            if row.source != RiskSource.IMPORT:
                continue  # entered by hand: the file does not speak for it
            cleared += 1
            if not row.selected and not row.evidence and row.section_id is None:
                row._history_user = user  # type: ignore[attr-defined]
                row.delete()
                continue
            row.value, row.level = None, ""
            row.source, row.upload = RiskSource.HAND, None
            row.updated_by = user
            row._history_user = user  # type: ignore[attr-defined]
            row.save()
    return {
        "rows": len(checked.lines),
        "created": created,
        "updated": updated,
        "cleared": cleared,
        "schools": len(checked.by_school()),
    }


class RiskImportFlow(WholeFileFlow):
    """Survey aggregates per school and risk (Логин ОО | Риск | Значение | Уровень), whole."""

    name = "risks"
    model = RiskUpload
    title = "Загрузка риск-профилей"
    writing = "Запись риск-профилей…"

    def parse(self, upload: RiskUpload, data: bytes) -> Any:
        return risk_import_check(
            filename=upload.filename, data=data, year=upload.year, user=upload.uploaded_by
        )

    def report(self, parsed: Any) -> dict[str, Any]:
        return risk_import_report(parsed)

    def apply(self, parsed: Any, upload: RiskUpload) -> dict[str, Any]:
        return risk_import_apply(checked=parsed, upload=upload, user=upload.uploaded_by)

    def message(self, counts: dict[str, Any], parsed: Any, upload: RiskUpload) -> str:
        return (
            f"Риск-профили {upload.year} г. загружены: строк {counts['rows']}, "
            f"ОО {counts['schools']} (новых {counts['created']}, обновлено "
            f"{counts['updated']}, снято прежних значений {counts['cleared']})."
        )


RISKS = flow_register(RiskImportFlow())


# ------------------------------------------------------------------ the programme


def programme_title(school: School, year: int) -> str:
    return f"Антирисковая программа {school.short_name} на {year}–{year + PROGRAMME_YEARS - 1} гг."


@transaction.atomic
def risk_programme_create(
    *, school: School, year: int, user: User, today: datetime.date | None = None
) -> RiskProgramme:
    """Create (or bring up to date) the anti-risk programme of a school for a year.

    One road map per school and year; one section per selected risk, its tasks copied from
    the risk's template measures with the school responsible. Idempotent: a risk whose
    section exists gets nothing new; a risk selected since gets its section.
    """
    _require_profile_editor(user, school)
    today = today or timezone.localdate()
    School.objects.select_for_update().filter(pk=school.pk).first()  # one creator at a time
    risks = list(
        SchoolRisk.objects.filter(school=school, year=year, selected=True)
        .select_related("risk")
        .order_by("risk__order", "risk__code")
    )
    if not risks:
        raise ValidationError(
            "Не выбран ни один риск: отметьте «выбран» у рисков, с которыми школа будет работать."
        )
    programme = (
        RiskProgramme.objects.filter(school=school, year=year).select_related("roadmap").first()
    )
    if programme is None:
        programme = _programme_start(school=school, year=year, user=user)
    roadmap = programme.roadmap
    direction = Direction.objects.filter(code=PROGRAMME_DIRECTION).first()
    sections = {s.pk: s for s in roadmap.sections.all()}
    by_title = {normalized(s.title): s for s in sections.values()}
    for row in risks:
        section = sections.get(row.section_id) if row.section_id else None
        if section is None:
            section = by_title.get(normalized(row.risk.title))
        if section is None:
            section = services.section_save(
                section=Section(roadmap=roadmap, direction=direction, title=row.risk.title[:500])
            )
            sections[section.pk] = section
            by_title[normalized(section.title)] = section
        if not section.tasks.exists():
            _copy_measures(section=section, risk=row.risk, school=school, user=user, today=today)
        if row.section_id != section.pk:
            row.section = section
            row._history_user = user  # type: ignore[attr-defined]
            row.save(update_fields=["section", "updated_at"])
    return programme


def _programme_start(*, school: School, year: int, user: User) -> RiskProgramme:
    """The programme's road map: the school's municipality, years year … year + 1.

    Its owner (the specialist reminded of department tasks) is the specialist who made it,
    or the school's curator when the director made it.
    """
    owner: User | None = user
    if not user.can_edit:
        curator = SchoolCurator.objects.filter(school=school).select_related("user").first()
        owner = curator.user if curator is not None else None
    roadmap = Roadmap(
        title=programme_title(school, year)[:500],
        municipality=school.municipality,
        act_kind=ActKind.ORDER,
        act_issuer=school.short_name[:300],
        start_year=year,
        end_year=year + PROGRAMME_YEARS - 1,
        status=RoadmapStatus.APPROVED,
        owner=owner,
    )
    roadmap.full_clean()
    if owner is None:
        roadmap.save()  # roadmap_save would make the director its owner
    else:
        services.roadmap_save(roadmap=roadmap, user=owner)
    return RiskProgramme.objects.create(school=school, year=year, roadmap=roadmap, created_by=user)


def _copy_measures(
    *, section: Section, risk: RiskDirection, school: School, user: User, today: datetime.date
) -> None:
    """The risk's template measures as tasks of the section (numbered on after the last
    task of the programme), the school responsible; occurrences already past are cancelled."""
    roadmap = section.roadmap
    numbers = [int(n) for n in roadmap.tasks.values_list("number", flat=True) if n.isdigit()]
    number = max(numbers, default=0)
    for template in risk.measures.order_by("order", "pk"):
        number += 1
        task = Task(
            roadmap=roadmap,
            section=section,
            number=str(number),
            title=template.title,
            deadline_text=template.deadline_text[:500],
            indicator_kind=template.indicator_kind,
            indicator_text=template.indicator_text,
            comparison=template.comparison or Comparison.GTE,
            target_value=template.target_value,
            target_unit=template.target_unit,
            expected_result=template.expected_result,
            cycle_element=CycleElement.MEASURES,
        )
        try:
            services.task_save(task=task, user=user, schools=[school], users=[])
        except ValidationError as exc:
            raise ValidationError(
                f"Мероприятие «{template.title[:80]}» риска «{risk.title}»: "
                + " ".join(exc.messages)
            ) from exc
        for occurrence in task.occurrences.filter(
            due__lt=today, status=OccurrenceStatus.NOT_STARTED
        ):
            occurrence.status = OccurrenceStatus.CANCELLED
            occurrence.comment = PAST_DUE_NOTE
            occurrence.is_overdue = False
            occurrence._history_user = user  # type: ignore[attr-defined]
            occurrence.save(update_fields=["status", "comment", "is_overdue", "updated_at"])


# ------------------------------------------------------------------ curators


def curator_candidates(school: School) -> QuerySet[User]:
    """People of the education department who may curate the school: specialists and
    officials of its municipality, or of the whole deployment."""
    return (
        User.objects.filter(is_active=True, role__in=CURATOR_ROLES)
        .filter(Q(municipality=school.municipality_id) | Q(municipality__isnull=True))
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def curator_assign(
    *,
    school: School,
    curator: User,
    user: User,
    since: datetime.date | None = None,
) -> SchoolCurator:
    """Make `curator` the school's curator from `since` (today); the former one stays in
    the history."""
    if not user.can_edit:
        raise PermissionDenied("Куратора назначают специалисты управления образования.")
    if not curator_candidates(school).filter(pk=curator.pk).exists():
        raise ValidationError(
            {"user": "Куратор — сотрудник управления образования муниципалитета этой ОО."}
        )
    since = since or timezone.localdate()
    record = SchoolCurator.objects.select_for_update().filter(school=school).first()
    if record is None:
        record = SchoolCurator(school=school)
    elif record.user_id == curator.pk and record.since == since:
        return record
    record.user = curator
    record.since = since
    record.assigned_by = user
    record._history_user = user  # type: ignore[attr-defined]
    record.save()
    return record


@transaction.atomic
def curator_remove(*, school: School, user: User) -> bool:
    """The school has no curator any more (the history keeps who it was)."""
    if not user.can_edit:
        raise PermissionDenied("Куратора снимают специалисты управления образования.")
    record = SchoolCurator.objects.filter(school=school).first()
    if record is None:
        return False
    record._history_user = user  # type: ignore[attr-defined]
    record.delete()
    return True
