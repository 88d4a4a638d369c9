"""The end of the management cycle (DOMAIN §1): адресные рекомендации and управленческие решения.

A recommendation goes to a school or a group of schools on a basis (a finding: an
objectivity marker, a criterion of an identification rule, an indicator value), with a due
date and the school's response and evidence. A decision is an act (number and date) with
measures that become road-map tasks, and an indicator whose stored value before (the
decision's year) and after (the next year) shows its effect.

The basis is kept as a snapshot (kind, code, year, the value as shown, a sentence) with a
link to the finding where it is stored: findings are recomputed and replaced, a register
is not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from msoko.querysets import ScopedQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class AddresseeGroup(models.TextChoices):
    """Groups a recommendation can address instead of one school."""

    SCHOOL = "", "одна ОО"
    ALL = "all", "все ОО муниципалитета"
    SHNOR = "shnor", "ШНОР"
    SHNSU = "shnsu", "ШНСУ"
    SHNOR_SHNSU = "shnor_shnsu", "ШНОР и ШНСУ"
    SHNOR_ONLY = "shnor_favourable", "ШНОР в благоприятных условиях"
    MARKERS = "markers", "ОО с маркерами необъективности"


class BasisKind(models.TextChoices):
    MARKER = "marker", "маркер необъективности"
    CRITERION = "criterion", "критерий правила отбора"
    INDICATOR = "indicator", "значение показателя"
    OTHER = "other", "иное"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", "направлена"
    ANSWERED = "answered", "получен ответ"
    ACCEPTED = "accepted", "исполнена"
    REJECTED = "rejected", "ответ не принят"


class RecommendationQuerySet(ScopedQuerySet):
    municipality_lookup = "municipality"
    school_lookup = "school"


class Recommendation(models.Model):
    """An адресная рекомендация: addressee, basis, due date and the school's response."""

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    number = models.CharField("№", max_length=32, blank=True)
    school = models.ForeignKey(
        "schools.School",
        verbose_name="адресат (ОО)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    group = models.CharField(
        "адресат (группа)", max_length=32, choices=AddresseeGroup.choices, blank=True
    )
    text = models.TextField("рекомендация")
    basis_kind = models.CharField(
        "основание", max_length=16, choices=BasisKind.choices, default=BasisKind.OTHER
    )
    basis_code = models.CharField("код основания", max_length=64, blank=True)
    basis_year = models.PositiveSmallIntegerField(
        "год основания", null=True, blank=True, validators=YEAR_VALIDATORS
    )
    basis_value = models.CharField("значение основания", max_length=200, blank=True)
    basis_text = models.TextField("основание словами", blank=True)
    basis_url = models.CharField("ссылка на основание", max_length=500, blank=True)
    due_date = models.DateField("срок исполнения", null=True, blank=True)
    status = models.CharField(
        "состояние",
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    response = models.TextField("ответ ОО", blank=True)
    response_links = models.TextField("ссылки на подтверждения", blank=True)
    response_file = models.FileField(
        "файл подтверждения", upload_to="roadmaps/recommendations/%Y/", blank=True
    )
    response_file_name = models.CharField(max_length=255, blank=True)
    responded_at = models.DateTimeField("ответ получен", null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    history = HistoricalRecords(verbose_name="история рекомендации")
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = "адресная рекомендация"
        verbose_name_plural = "адресные рекомендации"
        ordering = ["-year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Рекомендация {self.number or self.pk}: {self.addressee}"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:recommendation_detail", args=[self.pk])

    @property
    def addressee(self) -> str:
        if self.school_id:
            return str(self.school)
        return self.get_group_display()


class DecisionQuerySet(ScopedQuerySet):
    municipality_lookup = "municipality"
    school_lookup = "school"


class Decision(models.Model):
    """An управленческое решение: an act with measures (road-map tasks) and its effect.

    The effect: the stored value of `indicator_code` (with its procedure / subject / grade
    filter, for `school` or the municipality) in `year` and in `year` + 1.
    """

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    act_number = models.CharField("номер акта", max_length=64)
    act_date = models.DateField("дата акта")
    title = models.CharField("наименование", max_length=500)
    text = models.TextField("содержание решения", blank=True)
    school = models.ForeignKey(
        "schools.School",
        verbose_name="ОО (если решение касается одной ОО)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name="по рекомендациям", blank=True, related_name="decisions"
    )
    indicator_code = models.CharField("показатель эффекта", max_length=64, blank=True)
    procedure = models.CharField("процедура", max_length=16, blank=True)
    subject = models.CharField("предмет", max_length=100, blank=True)
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    roadmap = models.ForeignKey(
        "roadmaps.Roadmap",
        verbose_name="дорожная карта мер",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    tasks = models.ManyToManyField(
        "roadmaps.Task", verbose_name="меры (задачи)", blank=True, related_name="decisions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)

    history = HistoricalRecords(verbose_name="история решения")
    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "управленческое решение"
        verbose_name_plural = "управленческие решения"
        ordering = ["-act_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} (№ {self.act_number})"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:decision_detail", args=[self.pk])
