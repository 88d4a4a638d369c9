"""Writes of the road-map app: loading road maps, occurrences, workflow, evidence, reminders.

Every service is keyword-only, typed and atomic, and validates before saving (STYLE §3).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from msoko.choices import Role
from msoko.jobs import JobError
from msoko.models import User
from msoko.problems import Problem
from msoko.spreadsheets import FileRejected, Limits, check_zip
from msoko.uploads import ImportFlow, Progress, flow_register, problems_report
from roadmaps.choices import (
    CLOSED_STATUSES,
    ActKind,
    CycleElement,
    IndicatorKind,
    OccurrenceStatus,
    ReminderKind,
    RoadmapStatus,
)
from roadmaps.deadlines import occurrences, parse_deadline
from roadmaps.importing import ParsedRoadmap, parse_roadmap_file
from roadmaps.indicators import meets_target, parse_indicator
from roadmaps.models import (
    CalendarFeed,
    CycleAssessment,
    Direction,
    ElementScore,
    Evidence,
    Notification,
    Occurrence,
    Reminder,
    Roadmap,
    RoadmapImport,
    RoadmapPdf,
    Section,
    Task,
    TaskComment,
    new_token,
)
from schools.models import Municipality, School

logger = logging.getLogger(__name__)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures" / "roadmaps"
ACT_KINDS = {label: value for value, label in ActKind.choices}

# Evidence files: allowed kinds, checked by content (the extension must agree).
EVIDENCE_MAX_MB = 20
EVIDENCE_KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
EXTENSION_ALIASES = {"jpeg": "jpg"}

# Status changes a user may make; cancelling (and undoing it) is the department's decision.
TRANSITIONS: dict[str, set[str]] = {
    OccurrenceStatus.NOT_STARTED: {
        OccurrenceStatus.IN_PROGRESS,
        OccurrenceStatus.DONE,
        OccurrenceStatus.CANCELLED,
    },
    OccurrenceStatus.IN_PROGRESS: {
        OccurrenceStatus.NOT_STARTED,
        OccurrenceStatus.DONE,
        OccurrenceStatus.CANCELLED,
    },
    OccurrenceStatus.DONE: {OccurrenceStatus.IN_PROGRESS},
    OccurrenceStatus.CANCELLED: {OccurrenceStatus.NOT_STARTED},
}


# ------------------------------------------------------------------ reference data


def directions_load() -> int:
    """Load the ФИОКО directions (fixtures/roadmaps/directions.json); idempotent."""
    import json

    rows = json.loads((FIXTURES_DIR / "directions.json").read_text(encoding="utf-8"))
    created = 0
    for row in rows:
        _, was_created = Direction.objects.update_or_create(
            code=row["code"], defaults={"title": row["title"], "order": row["order"]}
        )
        created += was_created
    return created


@transaction.atomic
def direction_create(*, title: str) -> Direction:
    """A custom direction («Работа с родителями»): code derived from its position."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError("Укажите наименование направления.")
    if Direction.objects.filter(title__iexact=title).exists():
        raise ValidationError("Такое направление уже есть.")
    count = Direction.objects.filter(is_custom=True).count() + 1
    code = f"custom-{count}"
    while Direction.objects.filter(code=code).exists():
        count += 1
        code = f"custom-{count}"
    return Direction.objects.create(code=code, title=title, order=100 + count, is_custom=True)


# ------------------------------------------------------------------ road maps


def _apply_deadline(task: Task) -> None:
    schedule = parse_deadline(task.deadline_text)
    task.schedule = schedule.to_dict()
    task.needs_review = bool(task.deadline_text.strip()) and schedule.kind == "unparsed"


def _apply_indicator(task: Task, text: str) -> None:
    indicator = parse_indicator(text)
    task.indicator_text = text
    task.indicator_kind = indicator.kind
    task.comparison = indicator.comparison
    task.target_value = indicator.value
    task.target_unit = indicator.unit[:64]


def _match_schools(names: Iterable[str], municipality: Municipality | None) -> list[School]:
    """Responsibles written as a school's ФИС ОКО login or exact short name."""
    schools = School.objects.all()
    if municipality is not None:
        schools = schools.filter(municipality=municipality)
    found = []
    for name in names:
        school = schools.filter(Q(login__iexact=name) | Q(short_name__iexact=name)).first()
        if school is not None:
            found.append(school)
    return found


@transaction.atomic
def roadmap_load(
    *,
    data: dict[str, Any],
    owner: User | None,
    municipality: Municipality | None = None,
    status: str = RoadmapStatus.APPROVED,
) -> Roadmap:
    """Create a road map from the fixture format (fixtures/roadmaps/*.json or an import).

    Responsibles that name a school (login or short name) become responsible schools;
    the others are department units. Occurrences are generated for every task.
    """
    act = data.get("act") or {}
    start_year, end_year = (int(year) for year in data["period"])
    roadmap = Roadmap(
        title=str(data["title"]).strip()[:500],
        municipality=municipality,
        act_kind=_act_kind(str(act.get("kind", ""))),
        act_number=str(act.get("number") or "")[:64],
        act_date=datetime.date.fromisoformat(act["date"]) if act.get("date") else None,
        act_issuer=str(act.get("issuer") or "")[:300],
        start_year=start_year,
        end_year=end_year,
        status=status,
        owner=owner,
    )
    roadmap.full_clean()
    roadmap.save()
    directions = {d.code: d for d in Direction.objects.all()}
    for order, section_data in enumerate(data["sections"], start=1):
        section = Section.objects.create(
            roadmap=roadmap,
            direction=directions.get(section_data.get("direction") or ""),
            title=str(section_data["title"])[:500],
            order=order,
        )
        _load_tasks(roadmap, section, section_data["tasks"], None, municipality)
    return roadmap


def _act_kind(text: str) -> str:
    text = text.strip().lower()
    if text in ActKind.values:
        return text
    return ACT_KINDS.get(text, ActKind.ORDER)


def _load_tasks(
    roadmap: Roadmap,
    section: Section,
    tasks: list[dict[str, Any]],
    parent: Task | None,
    municipality: Municipality | None,
) -> None:
    for item in tasks:
        responsible = [str(r).strip() for r in item.get("responsible", []) if str(r).strip()]
        schools = _match_schools(responsible, municipality)
        school_names = {s.login.lower() for s in schools} | {s.short_name.lower() for s in schools}
        task = Task(
            roadmap=roadmap,
            section=section,
            parent=parent,
            number=str(item["number"]),
            title=str(item["title"]).strip(),
            deadline_text=" ".join(str(item.get("deadline") or "").split())[:500],
            responsible_units="\n".join(r for r in responsible if r.lower() not in school_names),
            expected_result=str(item.get("expected_result") or ""),
        )
        _apply_deadline(task)
        _apply_indicator(task, str(item.get("indicator") or ""))
        task.save()
        if schools:
            task.responsible_schools.set(schools)
        occurrences_sync(task=task)
        _load_tasks(roadmap, section, item.get("children", []), task, municipality)


@transaction.atomic
def roadmap_save(*, roadmap: Roadmap, user: User) -> Roadmap:
    """Save a road map's card; a changed period regenerates every task's occurrences."""
    period_changed = False
    if roadmap.pk:
        before = Roadmap.objects.get(pk=roadmap.pk)
        period_changed = (before.start_year, before.end_year) != (
            roadmap.start_year,
            roadmap.end_year,
        )
    elif roadmap.owner_id is None:
        roadmap.owner = user
    if roadmap.start_year > roadmap.end_year:
        raise ValidationError({"end_year": "Последний год периода раньше первого."})
    roadmap.save()
    if period_changed:
        for task in roadmap.tasks.all():
            occurrences_sync(task=task)
    return roadmap


@transaction.atomic
def section_save(*, section: Section) -> Section:
    if not section.pk and not section.order:
        section.order = section.roadmap.sections.count() + 1
    section.save()
    return section


@transaction.atomic
def task_save(
    *,
    task: Task,
    user: User,
    schools: Iterable[School] | None = None,
    users: Iterable[User] | None = None,
) -> Task:
    """Save a task: check its number, parse the deadline and regenerate its occurrences.

    The indicator's kind and target are taken as the form gives them; when the form left
    them empty they are read from the indicator text.
    """
    number = task.number.strip().rstrip(".")
    parent_number = number.rpartition(".")[0]
    siblings = Task.objects.filter(roadmap=task.roadmap).exclude(pk=task.pk)
    if siblings.filter(number=number).exists():
        raise ValidationError({"number": f"Пункт {number} уже есть в этой дорожной карте."})
    if parent_number:
        parent = siblings.filter(number=parent_number).first()
        if parent is None:
            raise ValidationError(
                {"number": f"Нумерация пропускает уровень: нет пункта {parent_number}."}
            )
        task.parent = parent
        task.section = parent.section
    else:
        task.parent = None
    task.number = number
    _apply_deadline(task)
    if task.indicator_kind == IndicatorKind.NUMBER and task.target_value is None:
        _apply_indicator(task, task.indicator_text)
    for window in task.parsed_schedule.windows:
        if not task.roadmap.start_year <= window.due.year <= task.roadmap.end_year:
            raise ValidationError(
                {
                    "deadline_text": f"Срок {window.due:%d.%m.%Y} вне периода дорожной карты "
                    f"({task.roadmap.period})."
                }
            )
    task.save()
    if schools is not None:
        task.responsible_schools.set(schools)
    if users is not None:
        task.responsible_users.set(users)
    occurrences_sync(task=task)
    return task


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: int = 0


def _has_work(occurrence: Occurrence, with_evidence: set[int]) -> bool:
    return (
        occurrence.status != OccurrenceStatus.NOT_STARTED
        or occurrence.pk in with_evidence
        or occurrence.achieved_value is not None
        or bool(occurrence.comment)
    )


@transaction.atomic
def occurrences_sync(*, task: Task) -> SyncResult:
    """Make the task's occurrences match its schedule, period and responsible schools.

    Occurrences that still match (same period label and school) are kept with their
    status and evidence; only their dates follow the schedule. Ones that no longer match
    are deleted when nothing was recorded on them, and kept otherwise (work done is never
    thrown away). Occurrences added by hand are never touched.
    """
    roadmap = task.roadmap
    schedule = task.parsed_schedule
    school_ids: list[int | None] = list(
        task.responsible_schools.order_by("short_name").values_list("pk", flat=True)
    ) or [None]
    wanted: dict[tuple[str, int | None], Any] = {}
    for found in occurrences(schedule, roadmap.start_year, roadmap.end_year):
        for school_id in school_ids:
            wanted.setdefault((found.label[:120], school_id), found)
    existing = {(o.label, o.school_id): o for o in task.occurrences.all()}
    result = SyncResult()
    with_evidence = set(
        Evidence.objects.filter(occurrence__task=task).values_list("occurrence_id", flat=True)
    )
    for key, occurrence in existing.items():
        if occurrence.manual:
            continue
        target = wanted.get(key)
        if target is None:
            if _has_work(occurrence, with_evidence):
                result.kept += 1
            else:
                occurrence.delete()
                result.deleted += 1
        elif (occurrence.due, occurrence.starts) != (target.due, target.starts):
            occurrence.due, occurrence.starts = target.due, target.starts
            occurrence.save(update_fields=["due", "starts", "updated_at"])
            result.updated += 1
    new = [
        Occurrence(task=task, school_id=school_id, label=label, due=found.due, starts=found.starts)
        for (label, school_id), found in wanted.items()
        if (label, school_id) not in existing
    ]
    if new:
        bulk_create_with_history(new, Occurrence)
        result.created = len(new)
    return result


@transaction.atomic
def occurrence_add(
    *, task: Task, label: str, due: datetime.date, school: School | None, user: User
) -> Occurrence:
    """Add an occurrence by hand (for a deadline the parser could not read, or «по потребности»)."""
    label = " ".join(label.split()) or f"{due:%d.%m.%Y}"
    if not task.roadmap.start_year <= due.year <= task.roadmap.end_year + 1:
        raise ValidationError({"due": f"Срок вне периода дорожной карты ({task.roadmap.period})."})
    if task.occurrences.filter(label=label, school=school).exists():
        raise ValidationError({"label": "Такой период уже есть у этой задачи."})
    return Occurrence.objects.create(task=task, label=label, due=due, school=school, manual=True)


# ------------------------------------------------------------------ workflow


def can_update_occurrence(user: User, occurrence: Occurrence) -> bool:
    """Specialists update every occurrence; a director only his school's."""
    if user.can_edit:
        return True
    return bool(
        user.is_director
        and occurrence.school_id is not None
        and occurrence.school_id in user.visible_school_ids()
    )


@transaction.atomic
def occurrence_update(
    *,
    occurrence: Occurrence,
    user: User,
    status: str,
    achieved_value: Decimal | None = None,
    comment: str = "",
) -> Occurrence:
    """Change the status of an occurrence and its completion mark.

    «Выполнено» needs evidence (a file or a link) and a comment when the indicator is a
    document, and the achieved value when it is a number. Only specialists cancel.
    """
    occurrence = Occurrence.objects.select_for_update().select_related("task").get(pk=occurrence.pk)
    if not can_update_occurrence(user, occurrence):
        raise ValidationError("Эту задачу может отмечать только ответственная организация.")
    task = occurrence.task
    errors: list[str] = []
    if status not in OccurrenceStatus.values:
        raise ValidationError("Неизвестный статус.")
    if status != occurrence.status:
        if status not in TRANSITIONS[occurrence.status]:
            errors.append(
                f"Нельзя перевести из «{occurrence.get_status_display()}» "
                f"в «{OccurrenceStatus(status).label}»."
            )
        if OccurrenceStatus.CANCELLED in (status, occurrence.status) and not user.can_edit:
            errors.append("Отменять мероприятие (и снимать отмену) может только специалист отдела.")
    comment = comment.strip()
    if status == OccurrenceStatus.DONE:
        if task.indicator_kind == IndicatorKind.NUMBER and achieved_value is None:
            errors.append(
                f"Укажите достигнутое значение показателя ({task.indicator_display or 'число'})."
            )
        if task.indicator_kind == IndicatorKind.DOCUMENT:
            evidence = list(occurrence.evidence.all())
            if not any(item.file or item.link for item in evidence):
                errors.append("Приложите подтверждающий документ (файл или ссылку).")
            if not comment and not any(item.comment.strip() for item in evidence):
                errors.append("Напишите комментарий: что сделано и где это подтверждается.")
    if errors:
        raise ValidationError(errors)
    if status == OccurrenceStatus.DONE and occurrence.status != OccurrenceStatus.DONE:
        occurrence.completed_at = timezone.now()
        occurrence.completed_by = user
    elif status != OccurrenceStatus.DONE:
        occurrence.completed_at = None
        occurrence.completed_by = None
    occurrence.status = status
    occurrence.achieved_value = achieved_value
    occurrence.comment = comment
    occurrence.is_overdue = occurrence.overdue_on()
    occurrence._history_user = user  # type: ignore[attr-defined]
    occurrence.save()
    return occurrence


def target_met(occurrence: Occurrence) -> bool | None:
    """Whether the achieved value meets the task's numeric target (None: not applicable)."""
    task = occurrence.task
    if task.indicator_kind != IndicatorKind.NUMBER or occurrence.achieved_value is None:
        return None
    return meets_target(occurrence.achieved_value, task.comparison, task.target_value)


def evidence_kind(filename: str, data: bytes, max_mb: int | None = None) -> str:
    """The kind of an evidence file judged by its content; ValidationError when refused."""
    max_mb = max_mb or int(getattr(settings, "ROADMAP_EVIDENCE_MAX_MB", EVIDENCE_MAX_MB))
    if len(data) > max_mb * 1024 * 1024:
        raise ValidationError(
            f"Файл «{filename}» слишком большой: {len(data) / (1024 * 1024):.1f} МБ "
            f"при допустимых {max_mb} МБ."
        )
    if not data:
        raise ValidationError(f"Файл «{filename}» пуст.")
    extension = Path(filename).suffix.lower().lstrip(".")
    extension = EXTENSION_ALIASES.get(extension, extension)
    allowed = ", ".join(EVIDENCE_KINDS)
    if extension not in EVIDENCE_KINDS:
        raise ValidationError(
            f"Файл «{filename}»: недопустимый тип. Можно загрузить файлы: {allowed}."
        )
    kind = ""
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(filename, data, max_mb)
    if kind != extension:
        raise ValidationError(
            f"Содержимое файла «{filename}» не соответствует расширению .{extension} "
            f"или тип не разрешён. Можно загрузить файлы: {allowed}."
        )
    return kind


def _zip_kind(filename: str, data: bytes, max_mb: int) -> str:
    try:
        check_zip(filename, data, Limits(max_bytes=max_mb * 1024 * 1024))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
            )
    except FileRejected as exc:
        raise ValidationError(str(exc)) from exc
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"Файл «{filename}» повреждён.") from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype == EVIDENCE_KINDS["odt"]:
        return "odt"
    if mimetype == EVIDENCE_KINDS["ods"]:
        return "ods"
    return ""


@transaction.atomic
def evidence_add(
    *,
    occurrence: Occurrence,
    user: User,
    filename: str = "",
    data: bytes | None = None,
    link: str = "",
    comment: str = "",
) -> Evidence:
    """Attach a file or a link (with a comment) to an occurrence; files are checked by content."""
    if not can_update_occurrence(user, occurrence):
        raise ValidationError("Подтверждения прикладывает ответственная организация.")
    link = link.strip()
    if not data and not link:
        raise ValidationError("Приложите файл или укажите ссылку.")
    evidence = Evidence(occurrence=occurrence, link=link, comment=comment.strip(), added_by=user)
    if data:
        kind = evidence_kind(filename, data)
        evidence.extension = f".{kind}"
        evidence.content_type = EVIDENCE_KINDS[kind]
        evidence.original_name = Path(filename).name[:255]
        evidence.size = len(data)
        evidence.sha256 = hashlib.sha256(data).hexdigest()
        evidence.file.save(evidence.original_name, ContentFile(data), save=False)
    evidence.full_clean(exclude=["file"])
    evidence.save()
    if occurrence.status == OccurrenceStatus.NOT_STARTED:
        occurrence.status = OccurrenceStatus.IN_PROGRESS
        occurrence._history_user = user  # type: ignore[attr-defined]
        occurrence.save(update_fields=["status", "updated_at"])
    return evidence


def evidence_file_document(
    *,
    kind: str,
    year: int,
    municipality_id: int,
    filename: str,
    data: bytes,
    comment: str,
    content_key: str,
    user: User | None,
) -> list[Evidence]:
    """File a document the portal wrote (a report of `kind` for `year`) as the evidence of
    every task linked to that kind: on the task's occurrence of that year (the department's
    one, or each school's), in the road maps of the municipality and the shared ones. An
    occurrence that already holds a version with the same content (`content_key`, written
    into the evidence's comment) gets nothing new."""
    sha = hashlib.sha256(data).hexdigest()
    comment = f"{comment} (содержание {content_key})"
    occurrences = Occurrence.objects.filter(
        task__report_kind=kind,
        due__year=year,
    ).filter(
        Q(task__roadmap__municipality_id=municipality_id) | Q(task__roadmap__municipality=None)
    )
    filed = []
    for occurrence in occurrences.select_related("task"):
        if occurrence.evidence.filter(comment__contains=f"(содержание {content_key})").exists():
            continue
        evidence = Evidence(
            occurrence=occurrence,
            original_name=Path(filename).name[:255],
            extension=Path(filename).suffix[:8],
            content_type="application/pdf",
            size=len(data),
            sha256=sha,
            comment=comment[:2000],
            added_by=user,
        )
        evidence.file.save(evidence.original_name, ContentFile(data), save=False)
        evidence.save()
        if occurrence.status == OccurrenceStatus.NOT_STARTED:
            occurrence.status = OccurrenceStatus.IN_PROGRESS
            occurrence.save(update_fields=["status", "updated_at"])
        filed.append(evidence)
    return filed


@transaction.atomic
def comment_add(*, task: Task, user: User, text: str) -> TaskComment:
    """A comment on a task; a director's is tied to his school (others' directors don't see it)."""
    text = text.strip()
    if not text:
        raise ValidationError("Комментарий пуст.")
    school = user.school if user.is_director else None
    return TaskComment.objects.create(task=task, author=user, text=text[:5000], school=school)


# ------------------------------------------------------------------ daily job


def overdue_mark(*, today: datetime.date | None = None) -> int:
    """Keep the stored «просрочено» flag in step with the dates; returns rows changed."""
    today = today or timezone.localdate()
    overdue = Q(due__lt=today) & ~Q(status__in=CLOSED_STATUSES)
    marked = Occurrence.objects.filter(overdue, is_overdue=False).update(is_overdue=True)
    cleared = Occurrence.objects.filter(~overdue, is_overdue=True).update(is_overdue=False)
    return marked + cleared


def recipients(occurrence: Occurrence) -> list[User]:
    """Who is reminded: the task's named users, the directors of the occurrence's school,
    and, for a department task without named users, the road map's owner."""
    task = occurrence.task
    people = {u.pk: u for u in task.responsible_users.filter(is_active=True)}
    if occurrence.school_id:
        for user in User.objects.filter(
            role=Role.DIRECTOR, school_id=occurrence.school_id, is_active=True
        ):
            people[user.pk] = user
    elif not people and task.roadmap.owner and task.roadmap.owner.is_active:
        people[task.roadmap.owner.pk] = task.roadmap.owner
    return list(people.values())


@dataclass
class ReminderResult:
    notifications: int = 0
    emails: int = 0
    overdue_changed: int = 0


def reminders_send(
    *, today: datetime.date | None = None, lead_days: int | None = None
) -> ReminderResult:
    """Mark overdue occurrences and remind the responsible users; each reminder once.

    «before»: the due date is within ``lead_days`` (settings.ROADMAP_REMINDER_DAYS);
    «overdue»: the due date has passed. A Reminder row unique on (occurrence, user, kind)
    is inserted before anything is sent, so a second run (or two workers) sends nothing new.
    """
    today = today or timezone.localdate()
    lead_days = lead_days or int(getattr(settings, "ROADMAP_REMINDER_DAYS", 7))
    result = ReminderResult(overdue_changed=overdue_mark(today=today))
    open_items = (
        Occurrence.objects.open()
        .filter(due__lte=today + datetime.timedelta(days=lead_days))
        .filter(task__roadmap__status=RoadmapStatus.APPROVED)
        .select_related("task", "task__roadmap", "task__roadmap__owner", "school")
    )
    for occurrence in open_items.iterator(chunk_size=500):
        kind = ReminderKind.OVERDUE if occurrence.due < today else ReminderKind.BEFORE
        for user in recipients(occurrence):
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(occurrence=occurrence, user=user, kind=kind)
            except IntegrityError:
                continue  # already reminded
            text = _reminder_text(occurrence, kind)
            url = reverse("roadmaps:occurrence_detail", args=[occurrence.pk])
            Notification.objects.create(user=user, occurrence=occurrence, text=text[:500], url=url)
            result.notifications += 1
            if user.email:
                try:
                    send_mail(
                        subject=f"МСОКО: {ReminderKind(kind).label.lower()} — {occurrence.task.number}",
                        message=f"{text}\n\nОткрыть задачу: {url}",
                        from_email=None,
                        recipient_list=[user.email],
                    )
                except OSError:
                    logger.exception("reminder e-mail to %s failed", user.email)
                    continue
                Reminder.objects.filter(pk=reminder.pk).update(emailed=True)
                result.emails += 1
    return result


def _reminder_text(occurrence: Occurrence, kind: str) -> str:
    task = occurrence.task
    school = f" ({occurrence.school})" if occurrence.school_id else ""
    title = " ".join(task.title.split())[:200]
    if kind == ReminderKind.OVERDUE:
        head = f"Просрочено: срок был {occurrence.due:%d.%m.%Y}"
    else:
        head = f"Срок {occurrence.due:%d.%m.%Y}"
    return f"{head}. Задача {task.number} «{title}», {occurrence.label}{school}."


# ------------------------------------------------------------------ notifications, ICS


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    queryset = Notification.objects.for_user(user).unread()
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    return queryset.update(read_at=timezone.now())


def calendar_feed_get(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_token()
        feed.created_at = timezone.now()
        feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# ------------------------------------------------------------------ self-assessment


@transaction.atomic
def cycle_assessment_create(
    *, direction: Direction, year: int, user: User, municipality: Municipality | None = None
) -> CycleAssessment:
    """Create the self-assessment of a direction for a year, with its nine element rows."""
    municipality = municipality or user.municipality
    if CycleAssessment.objects.filter(
        direction=direction, year=year, municipality=municipality
    ).exists():
        raise ValidationError(f"Самооценка по направлению «{direction}» за {year} год уже есть.")
    assessment = CycleAssessment.objects.create(
        direction=direction, year=year, municipality=municipality, updated_by=user
    )
    ElementScore.objects.bulk_create(
        ElementScore(assessment=assessment, element=element) for element in CycleElement.values
    )
    return assessment


@transaction.atomic
def cycle_assessment_save(
    *,
    assessment: CycleAssessment,
    user: User,
    comment: str,
    scores: dict[str, dict[str, Any]],
) -> CycleAssessment:
    """Save the scores (0 / 1 / 2), comments, links, tasks and documents of the nine elements."""
    rows = {row.element: row for row in assessment.scores.all()}
    for element, values in scores.items():
        row = rows[element]
        score = int(values.get("score", 0))
        if score not in (0, 1, 2):
            raise ValidationError("Оценка элемента цикла — 0, 1 или 2.")
        row.score = score
        row.comment = str(values.get("comment", "")).strip()
        row.links = str(values.get("links", "")).strip()
        upload = values.get("document")
        if upload is not None:
            data = upload.read()
            kind = evidence_kind(upload.name, data)
            row.document_name = Path(upload.name).name[:255]
            row.document.save(
                f"{hashlib.sha256(data).hexdigest()[:32]}.{kind}", ContentFile(data), save=False
            )
        row._history_user = user  # type: ignore[attr-defined]
        row.save()
        if "tasks" in values:
            row.tasks.set(values["tasks"])
    assessment.comment = comment.strip()
    assessment.updated_by = user
    assessment.save()
    return assessment


# ------------------------------------------------------------------ import


def roadmap_import_check(
    *, filename: str, data: bytes, start_year: int, end_year: int
) -> ParsedRoadmap:
    """The dry run of an import: read the table and list every problem by row."""
    if start_year > end_year:
        parsed = ParsedRoadmap()
        parsed.problems.append(Problem(message="Последний год периода раньше первого."))
        return parsed
    return parse_roadmap_file(filename, data, start_year=start_year, end_year=end_year)


@transaction.atomic
def roadmap_import_commit(
    *,
    filename: str,
    data: bytes,
    params: dict[str, Any],
    owner: User | None,
    municipality: Municipality | None = None,
) -> tuple[Roadmap | None, ParsedRoadmap]:
    """Read the file again and create the road map only if there is no error (all or nothing)."""
    start_year, end_year = int(params["start_year"]), int(params["end_year"])
    parsed = roadmap_import_check(
        filename=filename, data=data, start_year=start_year, end_year=end_year
    )
    if parsed.errors:
        return None, parsed
    roadmap = roadmap_load(
        data={
            "title": params["title"],
            "act": {
                "kind": params.get("act_kind", ""),
                "number": params.get("act_number", ""),
                "date": params.get("act_date") or None,
                "issuer": params.get("act_issuer", ""),
            },
            "period": [start_year, end_year],
            "sections": parsed.sections,
        },
        owner=owner,
        municipality=municipality,
        status=params.get("status", RoadmapStatus.DRAFT),
    )
    return roadmap, parsed


class RoadmapImportFlow(ImportFlow):
    """A road-map table from Word or Excel; the commit creates one road map, whole."""

    name = "roadmap"
    model = RoadmapImport
    title = "Загрузка дорожной карты"

    def check(self, upload: RoadmapImport, data: bytes, options: Any = None) -> bool:
        parsed = roadmap_import_check(
            filename=upload.filename,
            data=data,
            start_year=int(upload.params["start_year"]),
            end_year=int(upload.params["end_year"]),
        )
        upload.report = parsed_report(parsed)
        return not parsed.errors

    def commit(
        self,
        upload: RoadmapImport,
        data: bytes,
        progress: Progress,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        progress(20, "Создание дорожной карты…")
        roadmap, parsed = roadmap_import_commit(
            filename=upload.filename,
            data=data,
            params=upload.params,
            owner=upload.uploaded_by,
            municipality=upload.municipality,
        )
        upload.report = parsed_report(parsed)
        if roadmap is None:
            raise JobError([str(p) for p in parsed.errors])
        upload.roadmap = roadmap
        upload.save(update_fields=["report", "roadmap"])
        return {
            "roadmap_id": roadmap.pk,
            "tasks": parsed.task_count,
            "message": f"Дорожная карта загружена: задач — {parsed.task_count}.",
        }


ROADMAP_IMPORT = flow_register(RoadmapImportFlow())


def parsed_report(parsed: ParsedRoadmap) -> dict[str, Any]:
    """The dry-run outcome as JSON for RoadmapImport.report."""
    return {
        **problems_report(parsed.problems),
        "tasks": parsed.task_count,
        "unparsed": parsed.unparsed,
        "sections": [
            {"title": s["title"], "direction": s["direction"], "tasks": _count(s["tasks"])}
            for s in parsed.sections
        ],
    }


def _count(tasks: list[dict[str, Any]]) -> int:
    return sum(1 + _count(t["children"]) for t in tasks)


# ------------------------------------------------------------------ PDF


@transaction.atomic
def roadmap_pdf_request(*, roadmap: Roadmap, user: User) -> RoadmapPdf:
    """Queue the PDF of a road map; the page polls the job and then offers the file."""
    from msoko.jobs import job_create, job_enqueue
    from roadmaps.tasks import roadmap_pdf_task

    job = job_create(
        kind="roadmap_pdf",
        title=f"PDF дорожной карты «{roadmap.title[:200]}»",
        created_by=user,
        params={"roadmap_id": roadmap.pk},
    )
    pdf = RoadmapPdf.objects.create(roadmap=roadmap, job=job)
    job_enqueue(job, roadmap_pdf_task)
    return pdf


def roadmap_pdf_render(*, pdf: RoadmapPdf) -> int:
    """Render and store the PDF (replacing an earlier file of this request); returns pages."""
    from roadmaps.exports import RoadmapPdfExport

    export = RoadmapPdfExport(pdf.roadmap, None)
    filename, _content_type, content = export.render()
    if pdf.file:
        pdf.file.delete(save=False)
    pdf.file.save(filename, ContentFile(content), save=False)
    pdf.pages = export.pages
    pdf.save(update_fields=["file", "pages"])
    return export.pages
