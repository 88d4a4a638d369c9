"""Municipalities, educational organisations and their social passports."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from msoko.models import UploadedFile
from msoko.querysets import ScopedQuerySet, is_signed_in
from schools.choices import ORG_TYPE_FAMILY, Locality, OrgFamily, OrgType, ShnsuRule
from schools.wellbeing import DEFAULT_WEIGHTS

LOGIN_VALIDATOR = RegexValidator(
    r"^edu\d{6}$", "Логин ФИС ОКО имеет вид edu и шесть цифр, например edu203389."
)
INN_VALIDATOR = RegexValidator(r"^\d{10}$", "ИНН организации — 10 цифр.")
OKTMO_VALIDATOR = RegexValidator(r"^\d{8}(\d{3})?$", "ОКТМО — 8 или 11 цифр.")
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
FIRST_YEAR = 2015
LAST_YEAR = 2100


class MunicipalityQuerySet(ScopedQuerySet):
    school_lookup = "schools"
    municipality_lookup = "pk"

    def for_user(self, user: Any) -> MunicipalityQuerySet:
        if is_signed_in(user) and user.is_director:
            school = user.school
            return self.filter(pk=school.municipality_id) if school else self.none()
        return super().for_user(user)


class Municipality(models.Model):
    """A municipal district or city district whose education department runs the МСОКО."""

    name = models.CharField("наименование", max_length=255)
    short_name = models.CharField("краткое наименование", max_length=100, blank=True)
    oktmo = models.CharField("ОКТМО", max_length=11, unique=True, validators=[OKTMO_VALIDATOR])
    region = models.CharField("субъект РФ", max_length=255)
    fisoko_code = models.CharField(
        "код в ФИС ОКО", max_length=32, blank=True, help_text="Например, reg20_m012."
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class SchoolQuerySet(ScopedQuerySet):
    school_lookup = "pk"
    municipality_lookup = "municipality"

    def general(self) -> SchoolQuerySet:
        return self.filter(
            org_type__in=[t for t, f in ORG_TYPE_FAMILY.items() if f == OrgFamily.GENERAL]
        )


LEGAL_FORM = re.compile(r"^[МГЧН][БАК]?ОУ\s+")


class School(models.Model):
    """An educational organisation (ОО): a school, a kindergarten or an УДО.

    Identified across federal systems by its ФИС ОКО login. When schools merge, the
    absorbed one points to its successor, so results history survives the merger.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="schools"
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    org_type = models.CharField("тип", max_length=16, choices=OrgType.choices)
    login = models.CharField(
        "логин ФИС ОКО", max_length=9, unique=True, validators=[LOGIN_VALIDATOR]
    )
    inn = models.CharField("ИНН", max_length=10, blank=True, validators=[INN_VALIDATOR])
    address = models.CharField("адрес", max_length=500, blank=True)
    locality = models.CharField(
        "местность", max_length=8, choices=Locality.choices, default=Locality.URBAN
    )
    director_name = models.CharField("руководитель", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=64, blank=True)
    email = models.EmailField("e-mail", blank=True)
    is_active = models.BooleanField("действует", default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="правопреемник",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="Организация, в которую вошла эта при реорганизации.",
    )

    history = HistoricalRecords(verbose_name="история изменений ОО")
    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "образовательная организация"
        verbose_name_plural = "образовательные организации"
        ordering = ["short_name"]
        indexes = [models.Index(fields=["municipality", "org_type"])]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("schools:school_detail", args=[self.pk])

    @property
    def family(self) -> str:
        return ORG_TYPE_FAMILY[OrgType(self.org_type)]

    @property
    def is_general(self) -> bool:
        return self.family == OrgFamily.GENERAL

    @property
    def bar_label(self) -> str:
        """The name beside its bar in a chart: the legal form says nothing there (every
        school has one) — «МБОУ СОШ № 1» → «СОШ № 1»; the rest is kept whole."""
        return LEGAL_FORM.sub("", self.short_name)


class SocialPassportQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class SocialPassport(models.Model):
    """The social passport of a school for one year, and the well-being index derived from it.

    `wellbeing_index` and `is_shnsu` are derived (schools/wellbeing.py) and recomputed by a
    service whenever a passport or the weights change; they are kept out of the history.
    """

    school = models.ForeignKey(
        School, verbose_name="ОО", on_delete=models.CASCADE, related_name="passports"
    )
    year = models.PositiveSmallIntegerField(
        "год", validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    pupils_total = models.PositiveIntegerField("обучающихся, чел.")
    pupils_ovz = models.PositiveIntegerField("обучающихся с ОВЗ, чел.", null=True, blank=True)
    share_low_income = models.DecimalField(
        "доля малоимущих семей, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    share_large_families = models.DecimalField(
        "доля многодетных семей, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    share_non_native = models.DecimalField(
        "доля обучающихся с неродным русским языком, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    share_pdn = models.DecimalField(
        "доля состоящих на учёте в ПДН/КДН, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    share_single_parent = models.DecimalField(
        "доля неполных семей, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    share_parents_no_higher = models.DecimalField(
        "доля родителей без высшего образования, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    teachers_total = models.PositiveIntegerField("педагогов, чел.", null=True, blank=True)
    teacher_vacancies = models.PositiveIntegerField("вакансий учителей", null=True, blank=True)
    share_teachers_pension = models.DecimalField(
        "доля педагогов пенсионного возраста, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    share_teachers_category = models.DecimalField(
        "доля педагогов с квалификационной категорией, %",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    distance_km = models.DecimalField(
        "удалённость от районного центра, км",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    wellbeing_index = models.DecimalField(
        "индекс социального благополучия",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
    )
    is_shnsu = models.BooleanField("ШНСУ", default=False, editable=False)

    history = HistoricalRecords(
        verbose_name="история изменений паспорта", excluded_fields=["wellbeing_index", "is_shnsu"]
    )
    objects = SocialPassportQuerySet.as_manager()

    class Meta:
        verbose_name = "социальный паспорт"
        verbose_name_plural = "социальные паспорта"
        ordering = ["school__short_name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="passport_unique_school_year"),
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.year}"

    def values(self) -> dict[str, Any]:
        """The fields the index is computed from, by name."""
        return {name: getattr(self, name) for name in PASSPORT_FIELDS}


PASSPORT_FIELDS = (
    "pupils_total",
    "pupils_ovz",
    "share_low_income",
    "share_large_families",
    "share_non_native",
    "share_pdn",
    "share_single_parent",
    "share_parents_no_higher",
    "teachers_total",
    "teacher_vacancies",
    "share_teachers_pension",
    "share_teachers_category",
    "distance_km",
)


def default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


class WellbeingSettingsQuerySet(ScopedQuerySet):
    school_lookup = "municipality__schools"
    municipality_lookup = "municipality"


class WellbeingSettings(models.Model):
    """Weights of the well-being index and the ШНСУ rule of one municipality."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="wellbeing_settings"
    )
    weights = models.JSONField("веса факторов", default=default_weights)
    shnsu_rule = models.CharField(
        "правило ШНСУ", max_length=16, choices=ShnsuRule.choices, default=ShnsuRule.SHARE
    )
    shnsu_value = models.DecimalField(
        "порог ШНСУ",
        max_digits=5,
        decimal_places=1,
        default=25,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Доля школ в процентах или значение индекса — по выбранному правилу.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    history = HistoricalRecords(verbose_name="история весов индекса")
    objects = WellbeingSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "настройки индекса благополучия"
        verbose_name_plural = "настройки индекса благополучия"

    def __str__(self) -> str:
        return f"Индекс благополучия: {self.municipality}"


class RegistryUploadQuerySet(ScopedQuerySet):
    """Registry uploads are the department's: editors of the upload's municipality."""

    school_lookup = "municipality__schools"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> RegistryUploadQuerySet:
        if is_signed_in(user) and user.can_edit:
            return super().for_user(user)
        return self.none()


class RegistryUpload(UploadedFile):
    """An uploaded registry workbook: kept for the dry run, the commit and the upload history."""

    UPLOAD_DIR = "registry"

    objects = RegistryUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка реестра"
        verbose_name_plural = "загрузки реестра"
