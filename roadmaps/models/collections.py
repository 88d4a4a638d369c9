"""Data collections from schools: the monitoring indicators that are not assessment results.

A specialist opens a collection — a set of collected indicators (assessments.collected) ×
a year × the schools × a deadline — answering a task of the road map, whose occurrences
then stand in each school's «Мои задачи» with the road map's reminders. Schools fill in a
web form or upload the collection's template; the tracker shows who has submitted, who is
missing and who was returned for correction. Approval locks the collection (as DHIS2's
data approval does) and puts its values into the indicator store beside the assessment
indicators; unlocking is recorded. Every value keeps its history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from msoko.models import UploadedFile
from msoko.querysets import ScopedQuerySet, is_signed_in

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class CollectionStatus(models.TextChoices):
    OPEN = "open", "Идёт сбор"
    APPROVED = "approved", "Утверждён, закрыт"


class SubmissionStatus(models.TextChoices):
    MISSING = "missing", "Не начато"
    DRAFT = "draft", "Черновик"
    SUBMITTED = "submitted", "Сдано"
    RETURNED = "returned", "Возвращено на доработку"


class CollectionAction(models.TextChoices):
    OPENED = "opened", "Сбор открыт"
    SUBMITTED = "submitted", "Данные сданы"
    RETURNED = "returned", "Возвращено на доработку"
    APPROVED = "approved", "Утверждён и закрыт"
    UNLOCKED = "unlocked", "Утверждение снято"
    SCHOOLS = "schools", "Изменён состав ОО"
    DEADLINE = "deadline", "Изменён срок сдачи"


class CollectionQuerySet(ScopedQuerySet):
    """Department staff see their municipality's collections; a director those his school
    is in."""

    school_lookup = "submissions__school"
    school_lookup_many = True
    municipality_lookup = "municipality"


class Collection(models.Model):
    """A data collection: an indicator set × year × schools × deadline.

    ``indicators`` is the snapshot of the codes collected (a set, or part of one, with
    the counts of each derived share); ``rotation`` 1 asks every school every year, N asks
    each school once in N years (its turn is kept in RotationSlot).
    """

    municipality = models.ForeignKey(
        "schools.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE
    )
    set_code = models.CharField("набор показателей", max_length=64)
    title = models.CharField("название", max_length=300)
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    indicators = models.JSONField("показатели", default=list)
    deadline = models.DateField("срок сдачи")
    rotation = models.PositiveSmallIntegerField(
        "периодичность, лет",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 — каждая ОО ежегодно; 3 — «1 раз в 3 года для каждой ОО».",
    )
    task = models.ForeignKey(
        "roadmaps.Task",
        verbose_name="задача дорожной карты",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collections",
    )
    status = models.CharField(
        "статус", max_length=16, choices=CollectionStatus.choices, default=CollectionStatus.OPEN
    )
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создан", default=timezone.now)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        verbose_name = "сбор данных"
        verbose_name_plural = "сборы данных"
        ordering = ["-year", "deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:collection_detail", args=[self.pk])

    @property
    def locked(self) -> bool:
        return self.status == CollectionStatus.APPROVED

    @property
    def source_key(self) -> str:
        """The key of its values in the indicator store."""
        return f"collection:{self.pk}"


class SubmissionQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "collection__municipality"


class Submission(models.Model):
    """One school's part of a collection (school empty: the municipality's own indicators).

    The tracker's row: missing, draft, submitted or returned for correction, with the
    occurrence of the road-map task that stands in the school's «Мои задачи».
    """

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="submissions")
    school = models.ForeignKey(
        "schools.School",
        verbose_name="ОО",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collection_submissions",
    )
    status = models.CharField(
        "состояние",
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.MISSING,
    )
    submitted_at = models.DateTimeField("сдано", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_reason = models.TextField("что исправить", blank=True)
    occurrence = models.ForeignKey(
        "roadmaps.Occurrence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "сдача данных ОО"
        verbose_name_plural = "сдача данных ОО"
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "school"], name="submission_once_per_school"
            ),
            models.UniqueConstraint(
                fields=["collection"],
                condition=models.Q(school__isnull=True),
                name="submission_once_for_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.school or 'муниципалитет'}"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:submission_form", args=[self.pk])


class CollectedValueQuerySet(ScopedQuerySet):
    school_lookup = "submission__school"
    municipality_lookup = "submission__collection__municipality"


class CollectedValue(models.Model):
    """One indicator's value in a submission, as typed or uploaded; its history is kept.

    ``value`` holds a number (a count; 1 / 0 for yes / no and for a document), ``text``
    a text or a document's reference. Derived shares are not stored here: they are
    computed from their counts when the collection is approved.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    code = models.CharField("показатель", max_length=64)
    value = models.DecimalField("значение", max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.TextField("текст", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = CollectedValueQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="история значения")

    class Meta:
        verbose_name = "собранное значение"
        verbose_name_plural = "собранные значения"
        constraints = [
            models.UniqueConstraint(fields=["submission", "code"], name="collected_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.value if self.value is not None else self.text}"


class CollectionEventQuerySet(ScopedQuerySet):
    school_lookup = "collection__submissions__school"
    school_lookup_many = True
    municipality_lookup = "collection__municipality"


class CollectionEvent(models.Model):
    """What happened to a collection: opened, submitted, returned, approved, unlocked."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("действие", max_length=16, choices=CollectionAction.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("причина", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("когда", default=timezone.now)

    objects = CollectionEventQuerySet.as_manager()

    class Meta:
        verbose_name = "событие сбора"
        verbose_name_plural = "события сбора"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.collection}: {self.get_action_display()}"


class RotationSlotQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "municipality"


class RotationSlot(models.Model):
    """Which year of a rotation a school's turn falls in, kept once given.

    A school is asked in year Y when ``slot == Y % period``; a new school takes the least
    filled slot, so the schools stay spread evenly and nobody's turn moves.
    """

    municipality = models.ForeignKey("schools.Municipality", on_delete=models.CASCADE)
    set_code = models.CharField("набор показателей", max_length=64)
    period = models.PositiveSmallIntegerField("период, лет")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField("очередь")

    objects = RotationSlotQuerySet.as_manager()

    class Meta:
        verbose_name = "очередь ОО в ротации"
        verbose_name_plural = "очереди ОО в ротации"
        constraints = [
            models.UniqueConstraint(
                fields=["set_code", "period", "school"], name="rotation_slot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.slot} из {self.period}"


class CollectionUploadQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> CollectionUploadQuerySet:
        return super().for_user(user) if is_signed_in(user) else self.none()


class CollectionUpload(UploadedFile):
    """A filled template of a collection, checked whole and applied all or nothing."""

    UPLOAD_DIR = "collections"

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="uploads")
    # The director's school (his uploads are his school's only); empty for the department.
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CollectionUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка шаблона сбора"
        verbose_name_plural = "загрузки шаблонов сбора"


class SurveyUploadQuerySet(ScopedQuerySet):
    school_lookup = "municipality__schools"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> SurveyUploadQuerySet:
        if is_signed_in(user) and user.can_edit:
            return super().for_user(user)
        return self.none()


class SurveyUpload(UploadedFile):
    """Survey aggregates (анкетирование, diagnostics of professional deficits) per school:
    Логин ОО | Показатель | Значение | Респондентов. No personal data."""

    UPLOAD_DIR = "surveys"

    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)

    objects = SurveyUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка результатов анкетирования"
        verbose_name_plural = "загрузки результатов анкетирования"
