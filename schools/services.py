"""Writes to the registry: schools, passports, index settings, and the registry import."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from msoko.jobs import JobError
from msoko.models import User
from msoko.problems import Problem
from msoko.spreadsheets import FileRejected, Limits, read_table_file
from msoko.uploads import ImportFlow, Progress, flow_register, problems_report
from schools.models import (
    PASSPORT_FIELDS,
    Municipality,
    RegistryUpload,
    School,
    SocialPassport,
    WellbeingSettings,
)
from schools.registry import PASSPORT_SHEET, SCHOOL_SHEET, RegistryData, parse_registry
from schools.wellbeing import DEFAULT_WEIGHTS, FACTORS, shnsu_selection, wellbeing_index

SCHOOL_FIELDS = (
    "full_name",
    "short_name",
    "org_type",
    "inn",
    "address",
    "locality",
    "director_name",
    "phone",
    "email",
    "is_active",
)


def _save_with_history(instance: Any, user: User | None) -> None:
    """Save and record who made the change (outside a request there is no middleware)."""
    if user is not None:
        instance._history_user = user
    instance.full_clean()
    instance.save()


@transaction.atomic
def school_save(*, school: School, user: User | None) -> School:
    """Create or update a school after model validation; history records the user."""
    _save_with_history(school, user)
    return school


def settings_for(municipality: Municipality) -> WellbeingSettings:
    wellbeing_settings, _ = WellbeingSettings.objects.get_or_create(municipality=municipality)
    return wellbeing_settings


@transaction.atomic
def passport_save(*, passport: SocialPassport, user: User | None) -> SocialPassport:
    """Create or update a passport, then recompute the index and ШНСУ flags of its year."""
    _save_with_history(passport, user)
    wellbeing_recompute(municipality_id=passport.school.municipality_id, year=passport.year)
    passport.refresh_from_db()
    return passport


@transaction.atomic
def wellbeing_settings_update(
    *,
    wellbeing_settings: WellbeingSettings,
    weights: dict[str, float],
    shnsu_rule: str,
    shnsu_value: Decimal,
    user: User,
) -> int:
    """Change the weights or the ШНСУ rule and recompute every passport of the municipality."""
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValidationError(f"Неизвестные факторы: {', '.join(sorted(unknown))}.")
    if any(weight < 0 for weight in weights.values()):
        raise ValidationError("Вес фактора не может быть отрицательным.")
    if not any(weight > 0 for weight in weights.values()):
        raise ValidationError("Хотя бы один фактор должен иметь положительный вес.")
    wellbeing_settings.weights = {
        factor.key: float(weights.get(factor.key, 0)) for factor in FACTORS
    }
    wellbeing_settings.shnsu_rule = shnsu_rule
    wellbeing_settings.shnsu_value = shnsu_value
    wellbeing_settings.updated_by = user
    _save_with_history(wellbeing_settings, user)
    return wellbeing_recompute(municipality_id=wellbeing_settings.municipality_id)


@transaction.atomic
def wellbeing_recompute(*, municipality_id: int | None = None, year: int | None = None) -> int:
    """Recompute the index and the ШНСУ flag of passports; returns how many rows changed.

    Derived columns are written with bulk_update so that they leave no history records.
    """
    passports = SocialPassport.objects.select_related("school")
    if municipality_id is not None:
        passports = passports.filter(school__municipality_id=municipality_id)
    if year is not None:
        passports = passports.filter(year=year)
    settings_by_municipality: dict[int, WellbeingSettings] = {}
    groups: dict[tuple[int, int], list[SocialPassport]] = defaultdict(list)
    for passport in passports:
        groups[(passport.school.municipality_id, passport.year)].append(passport)
    changed: list[SocialPassport] = []
    for (group_municipality, _year), members in groups.items():
        if group_municipality not in settings_by_municipality:
            settings_by_municipality[group_municipality] = settings_for(
                Municipality.objects.get(pk=group_municipality)
            )
        wellbeing_settings = settings_by_municipality[group_municipality]
        indexes = {p.pk: wellbeing_index(p.values(), wellbeing_settings.weights) for p in members}
        general = {p.pk: indexes[p.pk] for p in members if p.school.is_general}
        selected = shnsu_selection(
            general, rule=wellbeing_settings.shnsu_rule, value=float(wellbeing_settings.shnsu_value)
        )
        for passport in members:
            index, shnsu = indexes[passport.pk], passport.pk in selected
            if passport.wellbeing_index != index or passport.is_shnsu != shnsu:
                passport.wellbeing_index, passport.is_shnsu = index, shnsu
                changed.append(passport)
    SocialPassport.objects.bulk_update(changed, ["wellbeing_index", "is_shnsu"], batch_size=500)
    return len(changed)


# Registry import -------------------------------------------------------------------------


@dataclass
class PlannedChange:
    """One row of the dry run: what happens to a school or a passport."""

    kind: str  # "school" | "passport" | "municipality"
    action: str  # "create" | "update" | "unchanged"
    label: str
    row: int | None = None
    fields: list[str] = field(default_factory=list)


@dataclass
class RegistryReport:
    """The outcome of a dry run or a commit of the registry workbook."""

    problems: list[Problem] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    committed: bool = False
    oktmo: str = ""  # the municipality the workbook describes, once it has been read

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    def count(self, kind: str, action: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind and change.action == action)

    def to_dict(self) -> dict[str, Any]:
        return {
            **problems_report(self.problems),
            "changes": [asdict(change) for change in self.changes],
            "summary": self.summary(),
            "committed": self.committed,
        }

    def summary(self) -> dict[str, int]:
        return {
            f"{kind}_{action}": self.count(kind, action)
            for kind in ("school", "passport")
            for action in ("create", "update", "unchanged")
        }


class _Rollback(Exception):
    pass


def registry_import(
    *,
    filename: str,
    data: bytes,
    user: User | None,
    commit: bool,
    limits: Limits | None = None,
) -> RegistryReport:
    """Check the registry workbook and, when `commit` and it has no errors, apply it whole.

    The dry run goes through the same code inside a transaction that is rolled back, so
    what it shows is exactly what a commit would do. Rows equal to the database are left
    untouched: importing the same file twice changes nothing and adds no history.
    """
    report = RegistryReport()
    try:
        sheets = read_table_file(filename, data, limits)
    except FileRejected as exc:
        report.problems.append(Problem(message=str(exc)))
        return report
    parsed = parse_registry(sheets)
    report.problems.extend(parsed.problems)
    if parsed.errors:
        return report
    try:
        with transaction.atomic():
            _apply_registry(parsed, user, report)
            if report.errors or not commit:
                raise _Rollback
    except _Rollback:
        return report
    report.committed = True
    return report


class RegistryFlow(ImportFlow):
    """The registry workbook: the dry run is the import itself, rolled back."""

    name = "registry"
    model = RegistryUpload
    title = "Загрузка реестра"

    def check(self, upload: RegistryUpload, data: bytes, options: Any = None) -> bool:
        report = registry_import(
            filename=upload.filename, data=data, user=upload.uploaded_by, commit=False
        )
        upload.report = report.to_dict()
        upload.municipality_id = upload.municipality_id or _municipality_of(report)
        return not report.errors

    def commit(
        self,
        upload: RegistryUpload,
        data: bytes,
        progress: Progress,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        progress(20, "Запись реестра…")
        report = registry_import(
            filename=upload.filename, data=data, user=upload.uploaded_by, commit=True
        )
        upload.report = report.to_dict()
        if not report.committed:
            raise JobError([str(p) for p in report.errors] or ["данные изменились после проверки"])
        upload.municipality_id = upload.municipality_id or _municipality_of(report)
        upload.save(update_fields=["report", "municipality"])
        summary = report.summary()
        return {
            **summary,
            "message": (
                f"Реестр загружен: ОО добавлено {summary['school_create']}, "
                f"изменено {summary['school_update']}; паспортов добавлено "
                f"{summary['passport_create']}, изменено {summary['passport_update']}."
            ),
        }


def _municipality_of(report: RegistryReport) -> int | None:
    """The municipality a (deployment-wide) specialist's workbook describes, once it exists."""
    if not report.oktmo:
        return None
    return Municipality.objects.filter(oktmo=report.oktmo).values_list("pk", flat=True).first()


REGISTRY = flow_register(RegistryFlow())


def _changed_fields(instance: Any, values: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    changed = []
    for name in names:
        if name not in values:
            continue
        current, new = getattr(instance, name), values[name]
        if isinstance(current, Decimal) or isinstance(new, Decimal):
            same = (current is None and new is None) or (
                current is not None and new is not None and Decimal(current) == Decimal(new)
            )
        else:
            same = current == new
        if not same:
            changed.append(name)
    return changed


def _apply_registry(parsed: RegistryData, user: User | None, report: RegistryReport) -> None:
    assert parsed.municipality is not None
    values = parsed.municipality.values
    report.oktmo = str(values.get("oktmo") or "")
    municipality = Municipality.objects.filter(oktmo=values["oktmo"]).first()
    if municipality is None:
        municipality = Municipality(**values)
        municipality.full_clean()
        municipality.save()
        report.changes.append(PlannedChange("municipality", "create", municipality.name))
    else:
        fields = _changed_fields(
            municipality, values, ("name", "short_name", "region", "fisoko_code")
        )
        for name in fields:
            setattr(municipality, name, values[name])
        if fields:
            municipality.save()
        report.changes.append(
            PlannedChange(
                "municipality",
                "update" if fields else "unchanged",
                municipality.name,
                fields=fields,
            )
        )
    if user is not None and user.municipality_id and user.municipality_id != municipality.pk:
        report.problems.append(
            Problem(message="вы можете загружать реестр только своего муниципалитета")
        )
        return

    logins = [row.values["login"] for row in parsed.schools] + [
        row.values["login"] for row in parsed.passports
    ]
    existing = {school.login: school for school in School.objects.filter(login__in=logins)}
    schools: dict[str, School] = {}
    for row in parsed.schools:
        login = row.values["login"]
        school = existing.get(login)
        if school is not None and school.municipality_id != municipality.pk:
            report.problems.append(
                Problem(
                    message=f"логин {login} уже принадлежит ОО «{school.short_name}» другого муниципалитета",
                    sheet=SCHOOL_SHEET.name,
                    row=row.row,
                    column="A",
                )
            )
            continue
        if school is None:
            school = School(municipality=municipality, login=login)
            for name in SCHOOL_FIELDS:
                if name in row.values:
                    setattr(school, name, row.values[name])
            _save_checked(school, user, report, SCHOOL_SHEET.name, row.row)
            report.changes.append(
                PlannedChange("school", "create", f"{login} {school.short_name}", row.row)
            )
        else:
            fields = _changed_fields(school, row.values, SCHOOL_FIELDS)
            for name in fields:
                setattr(school, name, row.values[name])
            if fields:
                _save_checked(school, user, report, SCHOOL_SHEET.name, row.row)
            report.changes.append(
                PlannedChange(
                    "school",
                    "update" if fields else "unchanged",
                    f"{login} {school.short_name}",
                    row.row,
                    fields,
                )
            )
        if school.pk is not None:
            schools[login] = school

    for row in parsed.schools:
        successor = schools.get(row.values["login"])
        for predecessor_login in row.values.get("predecessors", []):
            predecessor = schools.get(predecessor_login) or existing.get(predecessor_login)
            if predecessor is None:
                predecessor = School.objects.filter(login=predecessor_login).first()
            if predecessor is None:
                report.problems.append(
                    Problem(
                        message=f"предшественник {predecessor_login} не найден ни в файле, ни в реестре",
                        sheet=SCHOOL_SHEET.name,
                        row=row.row,
                    )
                )
                continue
            if successor is not None and predecessor.successor_id != successor.pk:
                predecessor.successor = successor
                _save_checked(predecessor, user, report, SCHOOL_SHEET.name, row.row)

    passport_schools = {login: school for login, school in existing.items()} | schools
    keys = [(row.values["login"], row.values["year"]) for row in parsed.passports]
    current = {
        (passport.school.login, passport.year): passport
        for passport in SocialPassport.objects.select_related("school").filter(
            school__login__in={login for login, _ in keys}
        )
    }
    touched_years: set[int] = set()
    for row in parsed.passports:
        login, year = row.values["login"], row.values["year"]
        school = passport_schools.get(login)
        if school is None:
            report.problems.append(
                Problem(
                    message=f"ОО с логином {login} нет ни на листе «ОО», ни в реестре",
                    sheet=PASSPORT_SHEET.name,
                    row=row.row,
                    column="A",
                )
            )
            continue
        if school.municipality_id != municipality.pk:
            report.problems.append(
                Problem(
                    message=f"ОО {login} относится к другому муниципалитету",
                    sheet=PASSPORT_SHEET.name,
                    row=row.row,
                )
            )
            continue
        passport = current.get((login, year))
        if passport is None:
            passport = SocialPassport(school=school, year=year)
            for name in PASSPORT_FIELDS:
                setattr(passport, name, row.values.get(name))
            _save_checked(passport, user, report, PASSPORT_SHEET.name, row.row)
            report.changes.append(PlannedChange("passport", "create", f"{login} — {year}", row.row))
            touched_years.add(year)
        else:
            fields = _changed_fields(passport, row.values, PASSPORT_FIELDS)
            for name in fields:
                setattr(passport, name, row.values[name])
            if fields:
                _save_checked(passport, user, report, PASSPORT_SHEET.name, row.row)
                touched_years.add(year)
            report.changes.append(
                PlannedChange(
                    "passport",
                    "update" if fields else "unchanged",
                    f"{login} — {year}",
                    row.row,
                    fields,
                )
            )
    for year in sorted(touched_years):
        wellbeing_recompute(municipality_id=municipality.pk, year=year)


def _save_checked(
    instance: Any, user: User | None, report: RegistryReport, sheet: str, row: int
) -> None:
    try:
        _save_with_history(instance, user)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                report.problems.append(
                    Problem(message=f"{field_name}: {message}", sheet=sheet, row=row)
                )
