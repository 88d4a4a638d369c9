"""Identification of ШНОР and ШНСУ as data (DOMAIN §7): rules, versions, runs, lists.

A rule (e.g. «ШНОР — базовое правило») has numbered versions; a version's definition is the
criteria and their combination (reports/identification.py). A version that a run has used
is never edited: a change makes the next version. A run applies one version to a year's
stored indicators of one municipality, in a Celery job, and keeps its protocol (the inputs
with the computation ids of their figures, and per school and criterion the value, the
threshold and whether it was met) with a hash of it, and the protocol's PDF and XLSX. Each
run makes a draft list; a specialist adds or removes schools with a written reason and
confirms it, with the act's number and date, as the year's published list. A confirmed list
is never recomputed in place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from msoko.querysets import ScopedQuerySet, is_signed_in
from reports.choices import EntryOrigin, ListStatus, RuleKind, RunStatus

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class IdentificationRule(models.Model):
    """A named identification rule; its content lives in its versions."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("наименование", max_length=200)
    kind = models.CharField("что отбирает", max_length=8, choices=RuleKind.choices)
    description = models.TextField("описание", blank=True)

    class Meta:
        verbose_name = "правило отбора"
        verbose_name_plural = "правила отбора ШНОР и ШНСУ"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:rule_detail", args=[self.code])


class RuleVersion(models.Model):
    """One version of a rule: the definition as data (see reports.identification)."""

    rule = models.ForeignKey(IdentificationRule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField("версия")
    definition = models.JSONField("определение")
    note = models.TextField("что изменено", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    class Meta:
        verbose_name = "версия правила отбора"
        verbose_name_plural = "версии правил отбора"
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule.name}, версия {self.version}"

    @property
    def used(self) -> bool:
        return self.runs.exists()


class MunicipalRowsQuerySet(ScopedQuerySet):
    """Rows of a municipality as a whole (a run, a list): the department and the officials
    see them; a director opens those of his school's municipality, and the views show him
    only his own school's lines in them."""

    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> Any:
        if not is_signed_in(user):
            return self.none()
        if user.sees_all_schools:
            return super().for_user(user)
        school = getattr(user, "school", None) if getattr(user, "school_id", None) else None
        if school is None:
            return self.none()
        return self.filter(municipality_id=school.municipality_id)


class RunQuerySet(MunicipalRowsQuerySet):
    school_lookup = "municipality__schools"


class IdentificationRun(models.Model):
    """One application of a rule version to a year of one municipality, with its protocol."""

    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="runs")
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    status = models.CharField(
        "состояние", max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    job = models.OneToOneField(
        "msoko.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    protocol = models.JSONField("протокол", default=dict, blank=True)
    protocol_sha256 = models.CharField("SHA-256 протокола", max_length=64, blank=True)
    listed = models.PositiveIntegerField("отобрано ОО", default=0)
    pdf = models.FileField("протокол PDF", upload_to="reports/protocols/%Y/", blank=True)
    xlsx = models.FileField("протокол XLSX", upload_to="reports/protocols/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("запущен", auto_now_add=True)
    finished_at = models.DateTimeField("завершён", null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = "запуск правила отбора"
        verbose_name_plural = "запуски правил отбора"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} — {self.year} (запуск {self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("reports:run_detail", args=[self.pk])


class ListQuerySet(MunicipalRowsQuerySet):
    school_lookup = "entries__school"
    school_lookup_many = True


class SchoolList(models.Model):
    """The list of a year (ШНОР or ШНСУ) made by a run: a draft, then the confirmed one."""

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    kind = models.CharField("вид", max_length=8, choices=RuleKind.choices)
    run = models.OneToOneField(
        IdentificationRun, on_delete=models.PROTECT, related_name="school_list"
    )
    status = models.CharField(
        "состояние", max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    act_number = models.CharField("номер акта", max_length=64, blank=True)
    act_date = models.DateField("дата акта", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("утверждён", null=True, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)

    objects = ListQuerySet.as_manager()

    class Meta:
        verbose_name = "перечень ОО"
        verbose_name_plural = "перечни ШНОР и ШНСУ"
        ordering = ["-year", "kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "kind"],
                condition=Q(status=ListStatus.CONFIRMED),
                name="school_list_one_confirmed",
            )
        ]

    def __str__(self) -> str:
        return f"Перечень {self.kind_short} {self.year} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:list_detail", args=[self.pk])

    @property
    def kind_short(self) -> str:
        return self.get_kind_display().split(" —")[0]


class EntryQuerySet(ScopedQuerySet):
    municipality_lookup = "school_list__municipality"
    school_lookup = "school"


class SchoolListEntry(models.Model):
    """A school in a list: by the rule or added by a specialist, in or out, and why."""

    school_list = models.ForeignKey(SchoolList, on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(
        "основание", max_length=8, choices=EntryOrigin.choices, default=EntryOrigin.RULE
    )
    included = models.BooleanField("в перечне", default=True)
    outcome = models.CharField("итог правила", max_length=16, blank=True)
    criteria = models.JSONField("выполненные критерии", default=list, blank=True)
    flags = models.JSONField("отметки", default=list, blank=True)
    reason = models.TextField("причина изменения", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField("изменено", null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "ОО в перечне"
        verbose_name_plural = "ОО в перечнях"
        ordering = ["school_list", "school__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["school_list", "school"], name="list_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.school_list}"


# --- annual analytic documents (reports/documents) -----------------------------------------


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "в очереди"
    DONE = "done", "готов"
    FAILED = "failed", "ошибка"


class DocumentQuerySet(MunicipalRowsQuerySet):
    """The department and officials see every document of their municipality; a director
    only the cards of his own school."""

    school_lookup = "school"

    def for_user(self, user: Any) -> Any:
        if is_signed_in(user) and not user.sees_all_schools:
            school_id = getattr(user, "school_id", None)
            if not school_id:
                return self.none()
            return self.filter(school_id__in=user.visible_school_ids())
        return super().for_user(user)


def document_path(instance: ReportDocument, filename: str) -> str:
    return f"reports/documents/{instance.year}/{instance.kind}/{filename}"


class ReportDocument(models.Model):
    """One generated version of an analytic document (kind × year × school), kept for good.

    Regenerating makes the next version; each keeps its parameters, the computation ids of
    the figures it was written from and the hash of its content (without the date of
    rendering), and both shapes: PDF and DOCX.
    """

    kind = models.CharField("вид", max_length=32)
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField("версия", default=1)
    title = models.CharField("наименование", max_length=300)
    status = models.CharField(
        "состояние", max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    params = models.JSONField("параметры", default=dict)
    inputs = models.JSONField("расчёты показателей", default=list)
    content_sha256 = models.CharField("SHA-256 содержания", max_length=64, blank=True)
    pdf = models.FileField("PDF", upload_to=document_path, blank=True)
    docx = models.FileField("DOCX", upload_to=document_path, blank=True)
    pages = models.PositiveIntegerField("страниц", default=0)
    message = models.CharField("сообщение", max_length=500, blank=True)
    job = models.OneToOneField(
        "msoko.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    finished_at = models.DateTimeField("готов", null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "аналитический документ"
        verbose_name_plural = "аналитические документы"
        ordering = ["-year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "municipality", "school", "version"],
                condition=Q(school__isnull=False),
                name="report_document_school_version_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "municipality", "version"],
                condition=Q(school__isnull=True),
                name="report_document_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.year} (версия {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reports:document_detail", args=[self.pk])


class CommentQuerySet(MunicipalRowsQuerySet):
    school_lookup = "school"


class ReportComment(models.Model):
    """A specialist's commentary block of a document kind and year, kept across regenerations."""

    kind = models.CharField("вид", max_length=32)
    year = models.PositiveSmallIntegerField("год", validators=YEAR_VALIDATORS)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("блок", max_length=100)
    text = models.TextField("текст", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "комментарий к документу"
        verbose_name_plural = "комментарии к документам"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "municipality", "school", "key"],
                condition=Q(school__isnull=False),
                name="report_comment_school_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "municipality", "key"],
                condition=Q(school__isnull=True),
                name="report_comment_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.key}"
