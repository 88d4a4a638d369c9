"""Road maps (дорожные карты): tasks with deadlines, responsibles, indicators and evidence.

A road map is approved by an act and covers a period of years; it is split into sections
by direction (DOMAIN §8). Each task has a deadline as written and its parsed schedule
(roadmaps/deadlines.py); the schedule gives the task's *occurrences*, one per period (and
per responsible school), each with its own status and evidence. Directors see the tasks
where their school is responsible and update only their school's occurrences.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from msoko import formatting
from msoko.models import UploadedFile
from msoko.querysets import ScopedQuerySet, is_signed_in
from roadmaps.choices import (
    CLOSED_STATUSES,
    OVERDUE_LABEL,
    ActKind,
    Comparison,
    CycleElement,
    DocumentKind,
    IndicatorKind,
    OccurrenceStatus,
    ReminderKind,
    RoadmapStatus,
    Score,
)
from roadmaps.deadlines import Schedule

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Direction(models.Model):
    """A direction of work of the МСОКО (DOMAIN §8): the ФИОКО list plus custom ones."""

    code = models.CharField("код", max_length=32, unique=True)
    title = models.CharField("наименование", max_length=300)
    order = models.PositiveSmallIntegerField("порядок", default=100)
    is_custom = models.BooleanField("добавлено пользователем", default=False)

    class Meta:
        verbose_name = "направление"
        verbose_name_plural = "направления"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if not self.is_custom else self.title


class RoadmapQuerySet(ScopedQuerySet):
    """Wide roles see every road map; a director those with a task of his school."""

    school_lookup = "tasks__responsible_schools"
    school_lookup_many = True
    municipality_lookup = "municipality"
    unbound_rows_shared = True


class Roadmap(models.Model):
    """A road map approved by an act (приказ / постановление) for a period of years."""

    title = models.CharField("наименование", max_length=500)
    municipality = models.ForeignKey(
        "schools.Municipality",
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roadmaps",
    )
    act_kind = models.CharField(
        "вид акта", max_length=16, choices=ActKind.choices, default=ActKind.ORDER
    )
    act_number = models.CharField("номер акта", max_length=64, blank=True)
    act_date = models.DateField("дата акта", null=True, blank=True)
    act_issuer = models.CharField("кем утверждена", max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField("первый год", validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField("последний год", validators=YEAR_VALIDATORS)
    status = models.CharField(
        "состояние", max_length=16, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный специалист",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_roadmaps",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    history = HistoricalRecords(verbose_name="история дорожной карты")
    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="roadmap_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:roadmap_detail", args=[self.pk])

    @property
    def period(self) -> str:
        return (
            str(self.start_year)
            if self.start_year == self.end_year
            else f"{self.start_year}–{self.end_year}"
        )

    @property
    def act(self) -> str:
        """«приказ от 25.12.2019 № 341»."""
        parts = [self.get_act_kind_display()]
        if self.act_date:
            parts.append(f"от {self.act_date:%d.%m.%Y}")
        if self.act_number:
            parts.append(f"№ {self.act_number}")
        return " ".join(parts)


class Section(models.Model):
    """A part of a road map devoted to one direction («1. Система оценки качества …»)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="sections")
    direction = models.ForeignKey(
        Direction,
        verbose_name="направление",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sections",
    )
    title = models.CharField("заголовок раздела", max_length=500)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "раздел дорожной карты"
        verbose_name_plural = "разделы дорожной карты"
        ordering = ["roadmap", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class TaskQuerySet(ScopedQuerySet):
    """Wide roles see every task; a director the tasks where his school is responsible."""

    school_lookup = "responsible_schools"
    school_lookup_many = True
    municipality_lookup = "roadmap__municipality"
    unbound_rows_shared = True


def sort_key(number: str) -> str:
    """«1.10.2» → «0001.0010.0002», so that tasks sort by their number as text."""
    parts = [part for part in number.split(".") if part]
    return ".".join(f"{int(part):04d}" if part.isdigit() else part for part in parts)


class Task(models.Model):
    """A numbered task of a road map (1, 1.1, 1.1.2) with its deadline and indicator.

    ``deadline_text`` is kept verbatim; ``schedule`` is its parse (Schedule.to_dict). A
    phrase the parser cannot read stays as written with ``needs_review`` set, and the
    task gets no occurrences until a specialist adds them by hand or rewrites the phrase.
    Responsibles are of three kinds, often several: department units (free text, one per
    line), named users, and schools.
    """

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, verbose_name="раздел", on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="входит в",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField("№ п/п", max_length=32)
    sort_key = models.CharField(max_length=64, editable=False, db_index=True)
    title = models.TextField("мероприятие")
    description = models.TextField("описание", blank=True)
    deadline_text = models.CharField("сроки (как в документе)", max_length=500, blank=True)
    schedule = models.JSONField("расписание", default=dict, blank=True, editable=False)
    needs_review = models.BooleanField(
        "срок не распознан",
        default=False,
        help_text="Фраза срока сохранена как есть; специалист должен задать сроки вручную.",
    )
    responsible_units = models.TextField(
        "ответственные подразделения", blank=True, help_text="По одному на строке."
    )
    responsible_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственные сотрудники",
        blank=True,
        related_name="roadmap_tasks",
    )
    responsible_schools = models.ManyToManyField(
        "schools.School",
        verbose_name="ответственные ОО",
        blank=True,
        related_name="roadmap_tasks",
    )
    indicator_kind = models.CharField(
        "вид показателя",
        max_length=16,
        choices=IndicatorKind.choices,
        default=IndicatorKind.DOCUMENT,
    )
    indicator_text = models.TextField("индикативный показатель", blank=True)
    comparison = models.CharField(
        "сравнение", max_length=8, choices=Comparison.choices, default=Comparison.GTE
    )
    target_value = models.DecimalField(
        "целевое значение", max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField("единица", max_length=64, blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    cycle_element = models.CharField(
        "элемент управленческого цикла", max_length=32, choices=CycleElement.choices, blank=True
    )
    report_kind = models.CharField(
        "документ портала",
        max_length=32,
        choices=DocumentKind.choices,
        blank=True,
        help_text="Если показатель задачи — аналитический документ, который пишет портал: "
        "документ за год прикрепляется к сроку исполнения этого года.",
    )

    history = HistoricalRecords(
        verbose_name="история задачи", excluded_fields=["schedule", "sort_key"]
    )
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "задача дорожной карты"
        verbose_name_plural = "задачи дорожной карты"
        ordering = ["roadmap", "section__order", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "number"], name="task_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = sort_key(self.number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:task_detail", args=[self.pk])

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @property
    def parsed_schedule(self) -> Schedule:
        if not self.schedule:
            return Schedule(kind="unparsed", text=self.deadline_text)
        return Schedule.from_dict(self.schedule)

    @property
    def schedule_description(self) -> str:
        return self.parsed_schedule.describe() if self.deadline_text else "срок не указан"

    @property
    def units(self) -> list[str]:
        return [line.strip() for line in self.responsible_units.splitlines() if line.strip()]

    @property
    def indicator_display(self) -> str:
        if self.indicator_kind == IndicatorKind.NUMBER and self.target_value is not None:
            value = formatting.trimmed(self.target_value)
            target = f"{self.get_comparison_display()} {value} {self.target_unit}".strip()
            return f"{self.indicator_text} ({target})" if self.indicator_text else target
        return self.indicator_text


class OccurrenceQuerySet(ScopedQuerySet):
    school_lookup = "school"
    # A school's occurrence is its municipality's even on a shared road map.
    municipality_lookup = ("school__municipality", "task__roadmap__municipality")
    unbound_rows_shared = True

    def overdue(self, today: datetime.date | None = None) -> OccurrenceQuerySet:
        today = today or timezone.localdate()
        return self.filter(due__lt=today).exclude(status__in=CLOSED_STATUSES)

    def open(self) -> OccurrenceQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)


class Occurrence(models.Model):
    """One dated instance of a task: one per period, and per responsible school.

    A task with responsible schools gets one occurrence per period for each school (so
    each director reports for his own school); a task with only department responsibles
    gets one with ``school`` empty. «Просрочено» is not stored as a status: it is computed
    from the due date (``display_status``); ``is_overdue`` is a copy the daily job keeps
    for fast filtering. ``manual`` marks occurrences a specialist added by hand (for a
    deadline without dates), which regeneration never removes.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences")
    school = models.ForeignKey(
        "schools.School",
        verbose_name="ОО",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roadmap_occurrences",
    )
    label = models.CharField("период", max_length=120)
    starts = models.DateField("начало", null=True, blank=True)
    due = models.DateField("срок")
    status = models.CharField(
        "статус",
        max_length=16,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.NOT_STARTED,
    )
    is_overdue = models.BooleanField("просрочено (отметка)", default=False, db_index=True)
    achieved_value = models.DecimalField(
        "достигнутое значение", max_digits=12, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField("отметка о выполнении", blank=True)
    completed_at = models.DateTimeField("выполнено", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто отметил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    manual = models.BooleanField("добавлено вручную", default=False)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    history = HistoricalRecords(verbose_name="история исполнения", excluded_fields=["is_overdue"])
    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = "исполнение задачи"
        verbose_name_plural = "исполнение задач"
        ordering = ["due", "task__sort_key", "school__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "label", "school"],
                condition=Q(school__isnull=False),
                name="occurrence_unique_school_period",
            ),
            models.UniqueConstraint(
                fields=["task", "label"],
                condition=Q(school__isnull=True),
                name="occurrence_unique_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        where = f", {self.school}" if self.school_id else ""
        return f"{self.task.number} — {self.label}{where}"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:occurrence_detail", args=[self.pk])

    def overdue_on(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due < today and self.status not in CLOSED_STATUSES

    @property
    def overdue(self) -> bool:
        return self.overdue_on()

    @property
    def display_status(self) -> str:
        return OVERDUE_LABEL if self.overdue else self.get_status_display()

    @property
    def status_css(self) -> str:
        if self.overdue:
            return "danger"
        return {
            OccurrenceStatus.DONE: "success",
            OccurrenceStatus.IN_PROGRESS: "primary",
            OccurrenceStatus.CANCELLED: "secondary",
        }.get(OccurrenceStatus(self.status), "light")


class EvidenceQuerySet(ScopedQuerySet):
    school_lookup = "occurrence__school"
    municipality_lookup = (
        "occurrence__school__municipality",
        "occurrence__task__roadmap__municipality",
    )
    unbound_rows_shared = True


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is the content hash: user file names never reach the file system.
    today = timezone.localdate()
    return f"roadmaps/evidence/{today:%Y/%m}/{instance.sha256[:32]}{instance.extension}"


class Evidence(models.Model):
    """Proof that an occurrence is done: an uploaded file or a link, with a comment.

    Files live under MEDIA_ROOT and are served only by a view that checks access.
    """

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("файл", upload_to=evidence_path, blank=True)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    extension = models.CharField(max_length=8, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField("размер, байт", default=0)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    link = models.URLField("ссылка", max_length=1000, blank=True)
    comment = models.TextField("комментарий", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("добавлено", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "подтверждение выполнения"
        verbose_name_plural = "подтверждения выполнения"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name or self.link

    def get_absolute_url(self) -> str:
        if self.file:
            return reverse("roadmaps:evidence_download", args=[self.pk])
        return self.link


class CommentQuerySet(ScopedQuerySet):
    municipality_lookup = ("school__municipality", "task__roadmap__municipality")
    unbound_rows_shared = True

    def for_user(self, user: Any) -> CommentQuerySet:
        """A director sees the task-wide comments and those about his own school."""
        if not is_signed_in(user):
            return self.none()
        tasks = Task.objects.for_user(user).values("pk")
        queryset = self.filter(task__in=tasks)
        if user.sees_all_schools:
            return super(CommentQuerySet, queryset).for_user(user)
        return queryset.filter(Q(school__isnull=True) | Q(school__in=user.visible_school_ids()))


class TaskComment(models.Model):
    """A comment on a task; a director's comment is tied to his school."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("комментарий")
    created_at = models.DateTimeField("написан", auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "комментарий к задаче"
        verbose_name_plural = "комментарии к задачам"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> NotificationQuerySet:
        return self.filter(user=user) if is_signed_in(user) else self.none()

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message inside the portal (a reminder about a deadline), read or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roadmap_notifications"
    )
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField("текст", max_length=500)
    url = models.CharField("ссылка", max_length=300, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class Reminder(models.Model):
    """A reminder sent about an occurrence to one user; unique, so each is sent once."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("вид", max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField("отправлено", default=timezone.now)
    emailed = models.BooleanField("отправлено письмо", default=False)

    class Meta:
        verbose_name = "напоминание"
        verbose_name_plural = "напоминания"
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user", "kind"], name="reminder_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.occurrence} → {self.user}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a user's ICS feed; resetting the token revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roadmap_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField("создан", default=timezone.now)

    class Meta:
        verbose_name = "календарь (ICS)"
        verbose_name_plural = "календари (ICS)"

    def __str__(self) -> str:
        return f"ICS: {self.user}"


class RoadmapPdfQuerySet(ScopedQuerySet):
    municipality_lookup = "roadmap__municipality"
    unbound_rows_shared = True

    def for_user(self, user: Any) -> RoadmapPdfQuerySet:
        return self.filter(roadmap__in=Roadmap.objects.for_user(user).values("pk"))


def pdf_path(instance: RoadmapPdf, filename: str) -> str:
    return f"roadmaps/pdf/{instance.roadmap_id}/{filename}"


class RoadmapPdf(models.Model):
    """The PDF of a road map for approval, rendered by a Celery task behind a Job row."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="pdfs")
    job = models.OneToOneField("msoko.Job", on_delete=models.CASCADE, related_name="roadmap_pdf")
    file = models.FileField(upload_to=pdf_path, blank=True)
    pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RoadmapPdfQuerySet.as_manager()

    class Meta:
        verbose_name = "PDF дорожной карты"
        verbose_name_plural = "PDF дорожных карт"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"PDF: {self.roadmap}"


class RoadmapImportQuerySet(ScopedQuerySet):
    """Road-map imports are the department's: editors of the import's municipality."""

    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> RoadmapImportQuerySet:
        return super().for_user(user) if is_signed_in(user) and user.can_edit else self.none()


class RoadmapImport(UploadedFile):
    """An uploaded road-map table: checked at once (dry run), committed on confirmation."""

    UPLOAD_DIR = "roadmaps/imports"

    params = models.JSONField("реквизиты", default=dict)
    roadmap = models.ForeignKey(
        Roadmap, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoadmapImportQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка дорожной карты"
        verbose_name_plural = "загрузки дорожных карт"


class CycleAssessmentQuerySet(ScopedQuerySet):
    municipality_lookup = "municipality"
    unbound_rows_shared = True

    def for_user(self, user: Any) -> CycleAssessmentQuerySet:
        """Municipal-level data: specialists, officials and admins; not directors."""
        if not is_signed_in(user) or not user.sees_all_schools:
            return self.none()
        return super().for_user(user)


# Levels of a direction from the total of its nine scores (max 18). Thresholds follow the
# usual ФИОКО-style reading: most elements fully in place → high; about half → medium.
LEVEL_HIGH = 14
LEVEL_MEDIUM = 9
MAX_TOTAL = 2 * len(CycleElement.choices)


def level_for(total: int) -> str:
    if total >= LEVEL_HIGH:
        return "высокий"
    if total >= LEVEL_MEDIUM:
        return "средний"
    return "низкий"


class CycleAssessment(models.Model):
    """The self-assessment of the management cycle of one direction for one year.

    Nine rows (ElementScore), one per cycle element of DOMAIN §1, each 0 / 1 / 2. The
    level: ≥ 14 of 18 — высокий, 9–13 — средний, below 9 — низкий (``level_for``).
    """

    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    municipality = models.ForeignKey(
        "schools.Municipality",
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField("вывод", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    history = HistoricalRecords(verbose_name="история самооценки")
    objects = CycleAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "самооценка управленческого цикла"
        verbose_name_plural = "самооценка управленческого цикла"
        ordering = ["-year", "direction__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "year", "municipality"],
                condition=Q(municipality__isnull=False),
                name="cycle_unique_direction_year_mun",
            ),
            models.UniqueConstraint(
                fields=["direction", "year"],
                condition=Q(municipality__isnull=True),
                name="cycle_unique_direction_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} — {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:cycle_detail", args=[self.pk])

    @property
    def total(self) -> int:
        return sum(score.score for score in self.scores.all())

    @property
    def level(self) -> str:
        return level_for(self.total)


class ElementScore(models.Model):
    """One cycle element of a self-assessment: score, comment and its evidence."""

    assessment = models.ForeignKey(CycleAssessment, on_delete=models.CASCADE, related_name="scores")
    element = models.CharField("элемент цикла", max_length=32, choices=CycleElement.choices)
    score = models.PositiveSmallIntegerField("оценка", choices=Score.choices, default=Score.NONE)
    comment = models.TextField("комментарий", blank=True)
    links = models.TextField("ссылки на документы", blank=True, help_text="По одной на строке.")
    tasks = models.ManyToManyField(
        Task, verbose_name="задачи дорожной карты", blank=True, related_name="+"
    )
    recommendations = models.ManyToManyField(
        "roadmaps.Recommendation",
        verbose_name="адресные рекомендации",
        blank=True,
        related_name="+",
    )
    decisions = models.ManyToManyField(
        "roadmaps.Decision", verbose_name="управленческие решения", blank=True, related_name="+"
    )
    document = models.FileField("документ", upload_to="roadmaps/cycle/%Y/", blank=True)
    document_name = models.CharField(max_length=255, blank=True)

    history = HistoricalRecords(verbose_name="история оценки элемента")

    class Meta:
        verbose_name = "оценка элемента цикла"
        verbose_name_plural = "оценки элементов цикла"
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "element"], name="score_unique_element")
        ]

    def __str__(self) -> str:
        return f"{self.get_element_display()}: {self.score}"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


def decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value).replace(",", ".").replace(" ", ""))


from roadmaps.models.collections import (  # noqa: E402  (the package's other models)
    CollectedValue,
    Collection,
    CollectionAction,
    CollectionEvent,
    CollectionStatus,
    CollectionUpload,
    RotationSlot,
    Submission,
    SubmissionStatus,
    SurveyUpload,
)
from roadmaps.models.decisions import (  # noqa: E402
    AddresseeGroup,
    BasisKind,
    Decision,
    Recommendation,
    RecommendationStatus,
)
from roadmaps.models.risks import (  # noqa: E402
    MeasureTemplate,
    RiskDirection,
    RiskLevel,
    RiskProgramme,
    RiskSource,
    RiskUpload,
    SchoolCurator,
    SchoolRisk,
)

__all__ = [
    "AddresseeGroup",
    "BasisKind",
    "CollectedValue",
    "Collection",
    "CollectionAction",
    "CollectionEvent",
    "CollectionStatus",
    "CollectionUpload",
    "Decision",
    "MeasureTemplate",
    "Recommendation",
    "RecommendationStatus",
    "RiskDirection",
    "RiskLevel",
    "RiskProgramme",
    "RiskSource",
    "RiskUpload",
    "RotationSlot",
    "SchoolCurator",
    "SchoolRisk",
    "Submission",
    "SubmissionStatus",
    "SurveyUpload",
]
