"""Assessment procedures, campaigns and results.

Storage of results
------------------
One `Result` row per participant per campaign; the per-task scores of that participant
are one JSON array on the row (`scores`, aligned with the campaign's task order; null = «X»,
not attempted). A year of ВПР in a large municipality is about 100,000 participants × 20
tasks: as a row per score that would be 2,000,000 rows a year with an index per row,
and every figure (DOMAIN §5) reads a whole campaign at once anyway — per task, per
requirement, per mark group — so the array is read in one sequential scan and summed in
Python (assessments/indicators.py, ~0.3 s for such a campaign). No query ever filters on
a single task's score. The array is a JSONField, so SQLite (the embedded default) and
PostgreSQL (jsonb) store it alike, and bulk_create writes 100,000 rows in a few batches.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assessments.choices import (
    CampaignAction,
    IndicatorLevel,
    MedalKind,
    OlympiadStage,
    OlympiadStatus,
    ProcedureCode,
    ReferenceKind,
    ReferenceLevel,
    TaskLevel,
    ThresholdKind,
)
from msoko.choices import Role
from msoko.models import UploadedFile
from msoko.querysets import ScopedQuerySet, is_signed_in

MARK_VALIDATORS = [MinValueValidator(2), MaxValueValidator(5)]


class Procedure(models.Model):
    """An assessment procedure (ВПР, ОГЭ, ЕГЭ …): reference data of DOMAIN §3."""

    code = models.CharField("код", max_length=16, unique=True, choices=ProcedureCode.choices)
    name = models.CharField("наименование", max_length=255)
    grades = models.JSONField("классы", default=list)
    has_marks = models.BooleanField("выставляется отметка", default=True)
    has_test_score = models.BooleanField("есть тестовый балл", default=False)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "оценочная процедура"
        verbose_name_plural = "оценочные процедуры"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.get_code_display()


class Subject(models.Model):
    """A school subject, with the РЦОИ subject code used in ЕГЭ / ОГЭ protocols."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("наименование", max_length=255)
    rcoi_code = models.CharField("код РЦОИ", max_length=4, blank=True)
    synonyms = models.JSONField(
        "другие написания", default=list, blank=True, help_text="Как предмет пишут в файлах."
    )
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "предмет"
        verbose_name_plural = "предметы"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def for_user(self, user: Any) -> CampaignQuerySet:
        """Campaigns are public within the portal; their results are restricted per row."""
        if not is_signed_in(user):
            return self.none()
        return self


class Campaign(models.Model):
    """One assessment: procedure × year × subject × grade (ВПР 2026, русский язык, 4 класс).

    `year` is the calendar year the work is written (ВПР 2026 = spring of 2025/26).
    The task list and the current scale are part of the campaign; earlier scales stay in
    `ScaleVersion`, so figures computed with them can be explained later.
    """

    procedure = models.ForeignKey(Procedure, verbose_name="процедура", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(
        "год", validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    subject = models.ForeignKey(Subject, verbose_name="предмет", on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField(
        "класс", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    date = models.DateField("дата проведения", null=True, blank=True)
    variants = models.CharField(
        "варианты", max_length=255, blank=True, help_text="Через запятую, например: 1, 2"
    )
    max_primary = models.DecimalField(
        "максимальный первичный балл", max_digits=6, decimal_places=1, null=True, blank=True
    )
    scale = models.JSONField(
        "шкала перевода", null=True, blank=True, help_text="Текущая версия шкалы."
    )
    is_locked = models.BooleanField("приём закрыт", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "оценочная кампания"
        verbose_name_plural = "оценочные кампании"
        ordering = ["-year", "procedure__order", "subject__order", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "year", "subject", "grade"], name="campaign_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} {self.year}, {self.subject.name.lower()}, {self.grade} класс"

    def get_absolute_url(self) -> str:
        return reverse("assessments:campaign_detail", args=[self.pk])


class CampaignTask(models.Model):
    """One task or criterion of a campaign (1, 9.1, 4К2): max score, level, requirement."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField("порядок")
    number = models.CharField("номер", max_length=16)
    max_score = models.DecimalField("максимальный балл", max_digits=5, decimal_places=1)
    level = models.CharField(
        "уровень сложности", max_length=1, choices=TaskLevel.choices, blank=True
    )
    requirement = models.TextField("проверяемые требования (умения)", blank=True)

    class Meta:
        verbose_name = "задание"
        verbose_name_plural = "задания"
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="campaign_task_unique_number"
            ),
            models.UniqueConstraint(
                fields=["campaign", "order"], name="campaign_task_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number} ({self.max_score} б.)"


class ScaleVersion(models.Model):
    """A version of a campaign's scale from primary score to mark (kept, never overwritten)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scale_versions")
    version = models.PositiveSmallIntegerField("версия")
    scale = models.JSONField("шкала")
    comment = models.CharField("основание", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    class Meta:
        verbose_name = "версия шкалы"
        verbose_name_plural = "версии шкал"
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="scale_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: шкала, версия {self.version}"


class CampaignEvent(models.Model):
    """A lock or unlock of a campaign's result collection: who, when, why."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("действие", max_length=16, choices=CampaignAction.choices)
    comment = models.CharField("комментарий", max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "событие кампании"
        verbose_name_plural = "события кампаний"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.get_action_display()}"


class EgeThreshold(models.Model):
    """A ЕГЭ minimum score for one year and subject (Рособрнадзор or a ministry)."""

    year = models.PositiveSmallIntegerField("год")
    subject = models.ForeignKey(Subject, verbose_name="предмет", on_delete=models.PROTECT)
    kind = models.CharField("вид порога", max_length=16, choices=ThresholdKind.choices)
    value = models.DecimalField("значение", max_digits=5, decimal_places=1)
    note = models.CharField("примечание", max_length=255, blank=True)

    class Meta:
        verbose_name = "порог ЕГЭ"
        verbose_name_plural = "пороги ЕГЭ"
        ordering = ["-year", "subject__order", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "subject", "kind"], name="threshold_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.year}: {self.value} ({self.get_kind_display()})"


class MappingProfile(models.Model):
    """Column mapping of one region's РЦОИ protocol layout, with header synonyms.

    `columns` maps a field (participant_code, school_code, class_name, variant,
    short_answers, long_answers, primary_score, test_score, mark, subject_code) to the
    header texts that mean it in this region's files.
    """

    name = models.CharField("название", max_length=255)
    region = models.CharField("регион", max_length=255, blank=True)
    kind = models.CharField(
        "протокол",
        max_length=8,
        choices=[("ege", "ЕГЭ"), ("oge", "ОГЭ")],
    )
    columns = models.JSONField("столбцы и их синонимы", default=dict)
    is_active = models.BooleanField("используется", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "профиль протокола РЦОИ"
        verbose_name_plural = "профили протоколов РЦОИ"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ResultUploadQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> ResultUploadQuerySet:
        """A director sees his schools' uploads, and his own that have no school yet (a large
        file gets its school when its check has read it)."""
        scoped = super().for_user(user)
        if is_signed_in(user) and user.role == Role.DIRECTOR:
            return scoped | self.filter(uploaded_by=user, school__isnull=True)
        return scoped


class ResultUpload(UploadedFile):
    """An uploaded result file: the upload history, the dry run's report and the import job.

    `school` is the school a director uploaded for; a specialist's municipal-wide file has
    none. The original file is kept and downloadable by those who may see the upload.
    """

    UPLOAD_DIR = "results"

    format = models.CharField("формат", max_length=32, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="кампания",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name="ОО",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result_uploads",
    )
    rows = models.PositiveIntegerField("строк", default=0)

    objects = ResultUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка результатов"
        verbose_name_plural = "загрузки результатов"


class ResultQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class Result(models.Model):
    """One participant of one campaign: scores per task, primary score, marks.

    Keyed by participant code within the school: pupils' names are never stored.
    """

    # No separate index on campaign: the unique constraint starts with it. No database-level
    # foreign key either: PostgreSQL checks one with a trigger per inserted row, which was
    # two thirds of the time of writing a year of ВПР (bench/import_vpr.py). The import
    # holds the campaign row locked while it writes, and deletions go through the ORM,
    # which cascades itself; the school keeps its database constraint.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="results")
    participant_code = models.CharField("код участника", max_length=32)
    class_name = models.CharField("класс", max_length=16, blank=True)
    variant = models.CharField("вариант", max_length=16, blank=True)
    scores = models.JSONField("баллы за задания", default=list)
    primary_score = models.DecimalField(
        "первичный балл", max_digits=6, decimal_places=1, null=True, blank=True
    )
    mark = models.PositiveSmallIntegerField(
        "отметка", null=True, blank=True, validators=MARK_VALIDATORS
    )
    journal_mark = models.PositiveSmallIntegerField(
        "отметка по журналу", null=True, blank=True, validators=MARK_VALIDATORS
    )
    test_score = models.PositiveSmallIntegerField("тестовый балл", null=True, blank=True)
    absent = models.BooleanField("отсутствовал", default=False)
    upload = models.ForeignKey(
        ResultUpload,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
        # Uploads are kept, never deleted; the link is informative, no lookup goes this way,
        # and a per-row foreign-key check would slow every import (see `campaign`).
        db_index=False,
        db_constraint=False,
    )

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = "результат участника"
        verbose_name_plural = "результаты участников"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "school", "participant_code"], name="result_unique_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_code} ({self.campaign})"


class ReferenceValueQuerySet(ScopedQuerySet):
    # Rows with no school are the published figures of Russia, the region and the
    # municipalities (ФИС ОКО aggregate forms): they are seen everywhere.
    municipality_lookup = "school__municipality"
    unbound_rows_shared = True

    def for_user(self, user: Any) -> ReferenceValueQuerySet:
        """Russia, region and municipality rows are for all; a school's row for its own."""
        if not is_signed_in(user):
            return self.none()
        if user.sees_all_schools:
            return super().for_user(user)
        return self.filter(
            models.Q(school__isnull=True) | models.Q(school__in=user.visible_school_ids())
        )


class ReferenceValue(models.Model):
    """A line of a ФИС ОКО aggregate form: the region's or Russia's figures for a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField("форма", max_length=16, choices=ReferenceKind.choices)
    level = models.CharField("уровень", max_length=16, choices=ReferenceLevel.choices)
    name = models.CharField("группа участников", max_length=500)
    code = models.CharField("код", max_length=64, blank=True)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    schools = models.PositiveIntegerField("кол-во ОО", null=True, blank=True)
    participants = models.PositiveIntegerField("кол-во участников", null=True, blank=True)
    counts = models.JSONField("количество", default=dict)
    percents = models.JSONField("проценты", default=dict)
    upload = models.ForeignKey(
        ResultUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="references"
    )

    objects = ReferenceValueQuerySet.as_manager()

    class Meta:
        verbose_name = "эталонное значение"
        verbose_name_plural = "эталонные значения"
        ordering = ["campaign", "kind", "level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def percent(self, key: str) -> Decimal | None:
        value = self.percents.get(key)
        return None if value is None else Decimal(str(value))


class OlympiadResultQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class OlympiadResult(models.Model):
    """A participant's result at one stage of ВсОШ in one subject and grade."""

    year = models.PositiveSmallIntegerField(
        "учебный год (год окончания)", help_text="2026 — 2025/26 учебный год."
    )
    stage = models.CharField("этап", max_length=16, choices=OlympiadStage.choices)
    subject = models.ForeignKey(Subject, verbose_name="предмет", on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField("класс")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="olympiad_results"
    )
    participant_code = models.CharField("код участника", max_length=32)
    score = models.DecimalField("балл", max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(
        "максимальный балл", max_digits=6, decimal_places=2, null=True, blank=True
    )
    status = models.CharField("статус", max_length=16, choices=OlympiadStatus.choices)
    upload = models.ForeignKey(
        ResultUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OlympiadResultQuerySet.as_manager()

    class Meta:
        verbose_name = "результат ВсОШ"
        verbose_name_plural = "результаты ВсОШ"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "stage", "subject", "grade", "school", "participant_code"],
                name="olympiad_unique_participant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_code}: {self.subject}, {self.get_stage_display()} этап"


class FiguresRunQuerySet(ScopedQuerySet):
    municipality_lookup = "municipality"
    school_lookup = "municipality__schools"


class FiguresRun(models.Model):
    """One computation of a campaign's figures for one municipality: what it was made from.

    The uploads (ids and hashes), the scale version and the code version (FIGURES_VERSION)
    are kept, so a stored figure can be explained and recomputed identically. The latest
    run of a campaign × municipality is the one pages read.
    """

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="figure_runs"
    )
    # A run of a campaign, or of a whole procedure's year (ВсОШ, ЕГЭ per graduate: no campaign).
    year = models.PositiveSmallIntegerField("год")
    procedure = models.CharField("процедура", max_length=16, choices=ProcedureCode.choices)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField("рассчитано", default=timezone.now)
    code_version = models.PositiveSmallIntegerField("версия расчёта")
    scale_version = models.PositiveIntegerField("версия шкалы", null=True, blank=True)
    sources = models.JSONField("исходные загрузки", default=list)
    # Values not computed from results: the collection or survey year they came from
    # («collection:17», «survey:2026»); a new store of the same key replaces the old one.
    source_key = models.CharField("источник", max_length=64, blank=True, default="", db_index=True)
    participants = models.PositiveIntegerField("участников", default=0)
    job = models.ForeignKey(
        "msoko.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FiguresRunQuerySet.as_manager()

    class Meta:
        verbose_name = "расчёт показателей"
        verbose_name_plural = "расчёты показателей"
        ordering = ["-computed_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "municipality", "-computed_at"]),
            models.Index(fields=["procedure", "year", "municipality"]),
        ]

    def __str__(self) -> str:
        what = self.campaign or f"{self.get_procedure_display()} {self.year}"
        return f"{what} — {self.municipality} ({self.computed_at:%d.%m.%Y %H:%M})"


class CampaignFiguresQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "run__municipality"


class CampaignFigures(models.Model):
    """The stored figures of one campaign for one school, or (no school) its municipality.

    `kind` says which figures: «marks» for `CampaignStats` (every campaign), or
    «ege:<threshold kind>» for `EgeStats` at that minimum. `data` is
    `assessments.figures.to_data` of them, read back exactly by `from_data`.
    """

    run = models.ForeignKey(FiguresRun, on_delete=models.CASCADE, related_name="figures")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("вид", max_length=32, default="marks")
    participants = models.PositiveIntegerField("участников", default=0)
    data = models.JSONField("показатели")

    objects = CampaignFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = "показатели кампании"
        verbose_name_plural = "показатели кампаний"
        indexes = [models.Index(fields=["run", "kind"])]

    def __str__(self) -> str:
        return f"{self.run.campaign}: {self.school or 'муниципалитет'} ({self.kind})"


class IndicatorValueQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> IndicatorValueQuerySet:
        """A user's schools' values and, for everyone who sees a municipality, its totals.

        A director sees his school's rows and the municipal, regional and Russian ones
        (school null); nobody sees another school's rows without access to that school.
        """
        if not is_signed_in(user):
            return self.none()
        if user.sees_all_schools:
            return self.in_municipality(user.municipality_id) if user.municipality_id else self
        if user.role != Role.DIRECTOR or not user.school_id:
            return self.none()
        return self.filter(
            models.Q(school_id__in=user.visible_school_ids())
            | models.Q(school__isnull=True, municipality_id=user.school.municipality_id)
        )


class IndicatorValue(models.Model):
    """One indicator of the catalogue for one school, the municipality, the region or Russia.

    The flat store of the stored figures: each figures run writes a row per indicator
    (`assessments.catalogue` code) and level, so dynamics over years, rankings, dashboards,
    exports and (later) identification rules read plain indexed rows, never the figures'
    JSON and never raw results. Written only by `assessments.services.figures`.
    """

    run = models.ForeignKey(FiguresRun, on_delete=models.CASCADE, related_name="values")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField("уровень", max_length=16, choices=IndicatorLevel.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год")
    procedure = models.CharField("процедура", max_length=16, choices=ProcedureCode.choices)
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    # A further cut where the indicator has one (ВсОШ: the stage; level «class»: the class
    # name); empty otherwise.
    part = models.CharField("разрез", max_length=16, blank=True, default="")
    code = models.CharField("показатель", max_length=64)
    value = models.DecimalField("значение", max_digits=14, decimal_places=4, null=True)
    n = models.PositiveIntegerField("n (участников)", default=0)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        indexes = [
            models.Index(fields=["municipality", "code", "year"]),
            models.Index(fields=["school", "code", "year"]),
            models.Index(fields=["campaign", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year}: {self.value}"


class MedalistQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "school__municipality"


class Medalist(models.Model):
    """A graduate awarded a medal «За особые успехи в учении», by participant code (no names).

    Entered by a specialist or imported (`MedalistUpload`); the ЕГЭ results of the same
    participant code and year confirm the medal or not, by the rules of `MedalRule`.
    """

    year = models.PositiveSmallIntegerField("год выпуска")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="medalists")
    participant_code = models.CharField("код участника", max_length=32)
    medal = models.CharField("медаль", max_length=16, choices=MedalKind.choices)
    upload = models.ForeignKey(
        "MedalistUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("внесён", auto_now_add=True)

    objects = MedalistQuerySet.as_manager()

    class Meta:
        verbose_name = "медалист"
        verbose_name_plural = "медалисты"
        ordering = ["year", "school__short_name", "participant_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "school", "participant_code"], name="medalist_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_code} ({self.get_medal_display()}, {self.year})"


class MedalRule(models.Model):
    """One condition a medal's ЕГЭ must meet: data, not code, as the rules change by year.

    Conditions of one `group` are alternatives (математика: профиль ≥ 70 or база «5»);
    every group of the medal and year must hold for the medal to be confirmed. A year
    without rules of its own uses the latest earlier year's.
    """

    year = models.PositiveSmallIntegerField("с года")
    medal = models.CharField("медаль", max_length=16, choices=MedalKind.choices)
    group = models.PositiveSmallIntegerField("группа условий", default=1)
    subject = models.ForeignKey(Subject, verbose_name="предмет ЕГЭ", on_delete=models.PROTECT)
    min_test_score = models.PositiveSmallIntegerField(
        "тестовый балл не ниже", null=True, blank=True
    )
    min_mark = models.PositiveSmallIntegerField(
        "отметка не ниже", null=True, blank=True, validators=MARK_VALIDATORS
    )
    note = models.CharField("основание", max_length=255, blank=True)

    class Meta:
        verbose_name = "правило подтверждения медали"
        verbose_name_plural = "правила подтверждения медалей"
        ordering = ["-year", "medal", "group", "subject__order"]

    def __str__(self) -> str:
        need = f"≥ {self.min_test_score} баллов" if self.min_test_score else f"≥ «{self.min_mark}»"
        return f"{self.get_medal_display()} с {self.year}: {self.subject} {need}"


class MedalistUploadQuerySet(ScopedQuerySet):
    school_lookup = "municipality__schools"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> MedalistUploadQuerySet:
        if is_signed_in(user) and user.can_edit:
            return super().for_user(user)
        return self.none()


class MedalistUpload(UploadedFile):
    """An uploaded list of medalists (Год | Логин ОО | Код участника | Медаль)."""

    UPLOAD_DIR = "medalists"

    objects = MedalistUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка списка медалистов"
        verbose_name_plural = "загрузки списков медалистов"


class ObjectivityRunQuerySet(ScopedQuerySet):
    municipality_lookup = "municipality"
    school_lookup = "municipality__schools"


class ObjectivityRun(models.Model):
    """One computation of the markers across procedures (above_unconfirmed, cohort_drop,
    vpr_over_oge) of a year in one municipality: what it read and when.

    The markers compare stored figures of several campaigns (ВПР with the same school's ОГЭ
    and ЕГЭ, grade 4 of the year before with grade 5), so they belong to no campaign's run:
    `assessments.services.objectivity` writes them under this run after every ВПР, ОГЭ or
    ЕГЭ campaign's figures, and a new run of the year replaces the last one whole. `sources`
    names the campaign figures runs read (id, campaign, computed at).
    """

    year = models.PositiveSmallIntegerField("год")
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField("рассчитано", default=timezone.now)
    params_version = models.PositiveSmallIntegerField("версия параметров")
    sources = models.JSONField("исходные расчёты показателей", default=list)
    job = models.ForeignKey(
        "msoko.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ObjectivityRunQuerySet.as_manager()

    class Meta:
        verbose_name = "расчёт маркеров необъективности"
        verbose_name_plural = "расчёты маркеров необъективности"
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "year"])]

    def __str__(self) -> str:
        return f"Маркеры {self.year} — {self.municipality} ({self.computed_at:%d.%m.%Y %H:%M})"


class FederalListUploadQuerySet(ScopedQuerySet):
    school_lookup = "municipality__schools"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> FederalListUploadQuerySet:
        if is_signed_in(user) and user.can_edit:
            return super().for_user(user)
        return self.none()


class FederalListUpload(UploadedFile):
    """An imported federal list of schools with «маркеры необъективности»
    (Год | Логин | Муниципалитет | ОО | 4 РУ | 4 МА | 5 РУ | 5 МА | Количество маркеров):
    each marked column of a listed school becomes a `federal_list` marker; a new list of a
    year replaces that year's (assessments.services.federal_lists)."""

    UPLOAD_DIR = "federal_lists"

    objects = FederalListUploadQuerySet.as_manager()

    class Meta(UploadedFile.Meta):
        verbose_name = "загрузка федерального перечня ОО с маркерами"
        verbose_name_plural = "загрузки федеральных перечней ОО с маркерами"


class ObjectivityMarkerQuerySet(ScopedQuerySet):
    school_lookup = "school"
    municipality_lookup = "municipality"


class ObjectivityMarker(models.Model):
    """One objectivity marker of one school in one campaign (assessments.objectivity).

    Three sources, exactly one per row:

    * `run` — a campaign's figures run: score_peaks, hard_over_basic, journal_gap, written
      with the campaign's stored figures by the figures job (a new run replaces them);
    * `objectivity_run` — the markers across procedures of a year (above_unconfirmed,
      cohort_drop, vpr_over_oge), computed from the stored indicator values of several
      campaigns (`ObjectivityRun`);
    * `upload` — an imported federal list (`federal_list`), which may name a procedure
      whose campaign is not in the portal (`campaign` is then empty).

    `procedure`, `subject` and `grade` say what the marker is about in every case (the
    campaign's, or the federal list's column). Kept with the value, the threshold, the
    evidence it was decided from and the version of the marker's parameters.
    """

    run = models.ForeignKey(
        FiguresRun, null=True, blank=True, on_delete=models.CASCADE, related_name="markers"
    )
    objectivity_run = models.ForeignKey(
        ObjectivityRun, null=True, blank=True, on_delete=models.CASCADE, related_name="markers"
    )
    upload = models.ForeignKey(
        FederalListUpload,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="markers",
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("год")
    procedure = models.CharField("процедура", max_length=16, choices=ProcedureCode.choices)
    subject = models.ForeignKey(
        Subject,
        verbose_name="предмет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    code = models.CharField("маркер", max_length=32)
    value = models.DecimalField("значение", max_digits=10, decimal_places=2, null=True)
    threshold = models.DecimalField("порог", max_digits=10, decimal_places=2)
    raised = models.BooleanField("выявлен", default=False)
    evidence = models.JSONField("основание", default=dict)
    reason = models.CharField("почему не решено", max_length=255, blank=True)
    params_version = models.PositiveSmallIntegerField("версия параметров")

    objects = ObjectivityMarkerQuerySet.as_manager()

    class Meta:
        verbose_name = "маркер необъективности"
        verbose_name_plural = "маркеры необъективности"
        indexes = [
            models.Index(fields=["municipality", "year", "raised"]),
            models.Index(fields=["school", "year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(run__isnull=False, objectivity_run__isnull=True, upload__isnull=True)
                    | models.Q(run__isnull=True, objectivity_run__isnull=False, upload__isnull=True)
                    | models.Q(run__isnull=True, objectivity_run__isnull=True, upload__isnull=False)
                ),
                name="objectivity_marker_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.school} ({self.campaign or self.year})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:objectivity_detail", args=[self.pk])
