"""Федеральный проект «500+»: risk profiles, anti-risk programmes and curators (DOMAIN §7).

A risk direction (one of the ten of the project, editable reference data with the years it
is valid) is selected for a school in a year with its evidence: a survey aggregate imported
from a workbook or entered by hand. Each selected risk gets an anti-risk programme: a
section of the school's programme road map, whose tasks come from the editable templates of
measures of that risk, so the road-map module tracks them (deadlines, indicators, evidence).
A curator (a user of the department) is assigned to the school.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from msoko.models import UploadedFile
from msoko.querysets import ScopedQuerySet, is_signed_in
from roadmaps.choices import Comparison, IndicatorKind

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class RiskLevel(models.TextChoices):
    LOW = "low", "низкий"
    MEDIUM = "medium", "средний"
    HIGH = "high", "высокий"


class RiskSource(models.TextChoices):
    HAND = "hand", "введено вручную"
    IMPORT = "import", "загружено из файла"


class RiskDirection(models.Model):
    """One of the risk directions of the risk profile (риск-профиль), valid for some years."""

    code = models.SlugField("код", max_length=32, unique=True)
    title = models.CharField("наименование", max_length=300)
    description = models.TextField("описание", blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=100)
    valid_from = models.PositiveSmallIntegerField(
        "действует с года", validators=YEAR_VALIDATORS, default=2021
    )
    valid_to = models.PositiveSmallIntegerField(
        "действует по год", validators=YEAR_VALIDATORS, null=True, blank=True
    )

    history = HistoricalRecords(verbose_name="история направления риска")

    class Meta:
        verbose_name = "направление риска"
        verbose_name_plural = "направления рисков (риск-профиль)"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


class MeasureTemplate(models.Model):
    """A measure of the anti-risk programme of a risk, copied into the road map as a task."""

    risk = models.ForeignKey(RiskDirection, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField("порядок", default=0)
    title = models.TextField("мероприятие")
    deadline_text = models.CharField(
        "сроки", max_length=500, help_text="Как в дорожной карте: «ежеквартально», «до 1 июня»…"
    )
    indicator_kind = models.CharField(
        "вид показателя", max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.NONE
    )
    indicator_text = models.TextField("индикативный показатель", blank=True)
    comparison = models.CharField("сравнение", max_length=8, choices=Comparison.choices, blank=True)
    target_value = models.DecimalField(
        "целевое значение", max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField("единица", max_length=64, blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)

    history = HistoricalRecords(verbose_name="история шаблона мероприятия")

    class Meta:
        verbose_name = "шаблон мероприятия антирисковой программы"
        verbose_name_plural = "шаблоны мероприятий антирисковых программ"
        ordering = ["risk", "order", "pk"]

    def __str__(self) -> str:
        return self.title[:80]


class RiskUploadQuerySet(ScopedQuerySet):
    school_lookup = "municipality__schools"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> RiskUploadQuerySet:
        if is_signed_in(user) and user.can_edit:
            return super().for_user(user)
        return self.none()


class RiskUpload(UploadedFile):
    """A workbook of survey aggregates per school and risk (ОО | Риск | Значение | Уровень)."""

    UPLOAD_DIR = "risks"

    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)

    objects = RiskUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка риск-профилей"
        verbose_name_plural = "загрузки риск-профилей"


class SchoolRiskQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class SchoolRisk(models.Model):
    """A risk of a school's profile in a year: its survey value or level and its evidence.

    Imported rows are the survey's; `selected` marks the risks the school works on (each
    gets an anti-risk programme section).
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="risks")
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    risk = models.ForeignKey(RiskDirection, on_delete=models.PROTECT, related_name="school_risks")
    value = models.DecimalField("значение", max_digits=8, decimal_places=2, null=True, blank=True)
    level = models.CharField("уровень", max_length=8, choices=RiskLevel.choices, blank=True)
    selected = models.BooleanField("риск выбран для работы", default=False)
    evidence = models.TextField("обоснование (данные анкетирования и др.)", blank=True)
    source = models.CharField(
        "источник", max_length=8, choices=RiskSource.choices, default=RiskSource.HAND
    )
    upload = models.ForeignKey(
        RiskUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="rows"
    )
    section = models.ForeignKey(
        "roadmaps.Section",
        verbose_name="раздел антирисковой программы",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    history = HistoricalRecords(verbose_name="история риск-профиля")
    objects = SchoolRiskQuerySet.as_manager()

    class Meta:
        verbose_name = "риск ОО"
        verbose_name_plural = "риск-профили ОО"
        ordering = ["school", "-year", "risk__order"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "risk"], name="school_risk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.year}: {self.risk}"


class ProgrammeQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class RiskProgramme(models.Model):
    """The anti-risk programme of a school for a year: a road map with one section per risk."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="risk_programmes"
    )
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    roadmap = models.OneToOneField(
        "roadmaps.Roadmap", on_delete=models.CASCADE, related_name="risk_programme"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "антирисковая программа"
        verbose_name_plural = "антирисковые программы"
        ordering = ["-year", "school"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="risk_programme_unique")
        ]

    def __str__(self) -> str:
        return f"Антирисковая программа: {self.school}, {self.year}"


class CuratorQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class SchoolCurator(models.Model):
    """The curator of a school in the «500+» project; one at a time, its history is kept."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="curator"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="куратор",
        on_delete=models.PROTECT,
        related_name="curated_schools",
    )
    since = models.DateField("назначен с", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(verbose_name="история назначения куратора")
    objects = CuratorQuerySet.as_manager()

    class Meta:
        verbose_name = "куратор ОО"
        verbose_name_plural = "кураторы ОО"

    def __str__(self) -> str:
        return f"{self.school}: {self.user}"


__all__ = [
    "MeasureTemplate",
    "RiskDirection",
    "RiskLevel",
    "RiskProgramme",
    "RiskSource",
    "RiskUpload",
    "SchoolCurator",
    "SchoolRisk",
]
