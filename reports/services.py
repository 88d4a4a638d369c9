"""Writes of the reports app: rule versions, identification runs and their lists.

A run reads only stored figures (IndicatorValue rows written by the figures jobs, the
passports' ИСБШ and the stored objectivity markers), applies the rule
(reports.identification), and keeps the protocol as JSON with its SHA-256, so that a rerun
on the same stored figures gives the same protocol and the same hash.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments import catalogue
from assessments.choices import IndicatorLevel
from assessments.models import Campaign, FiguresRun, IndicatorValue, ObjectivityMarker
from assessments.objectivity import MARKER_NAMES
from msoko.jobs import job_create, job_enqueue
from msoko.models import User
from reports import identification as ident
from reports.choices import EntryOrigin, ListStatus, RuleKind, RunStatus
from reports.models import (
    IdentificationRule,
    IdentificationRun,
    RuleVersion,
    SchoolList,
    SchoolListEntry,
)
from schools.models import Municipality, School, SocialPassport

PROCEDURE_NAMES = {"vpr": "ВПР", "oge": "ОГЭ", "ege": "ЕГЭ", "niko": "НИКО", "vsosh": "ВсОШ"}


class RuleError(ValueError):
    """A rule, a run or a list change that cannot be made; the message says why, in Russian."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


# --- the indicators a rule may name ------------------------------------------------------


def known_indicators() -> dict[str, tuple[str, str, bool | None]]:
    """code → (name, unit, higher is better) of every indicator a criterion may use."""
    known = {
        code: (indicator.name, indicator.unit, indicator.higher_is_better)
        for code, indicator in catalogue.CATALOGUE.items()
        # a collected text is not a number a threshold could judge (nor in the store)
        if indicator.collect is None or indicator.collect.kind != "text"
    }
    known[ident.CONTEXT_INDEX] = ("ИСБШ — индекс социального благополучия школы", "", True)
    return known


# --- rule versions -----------------------------------------------------------------------


def _checked(definition: dict[str, Any]) -> dict[str, Any]:
    problems = ident.rule_problems(definition, known_indicators())
    if problems:
        raise RuleError(problems)
    # stored in the normal form, so that equal rules read alike
    return ident.rule_from_definition(definition).to_dict()


@transaction.atomic
def rule_version_create(
    *, rule: IdentificationRule, definition: dict[str, Any], note: str, user: User | None
) -> RuleVersion:
    """Make the next version of a rule (the used versions stay as they were)."""
    normal = _checked(definition)
    last = rule.versions.select_for_update().order_by("-version").first()
    if last is not None and last.definition == normal:
        raise RuleError(
            f"Версия {last.version} уже такая: новая версия не нужна — измените критерии."
        )
    return RuleVersion.objects.create(
        rule=rule,
        version=(last.version + 1) if last else 1,
        definition=normal,
        note=note.strip(),
        created_by=user,
    )


@transaction.atomic
def rule_version_update(
    *, version: RuleVersion, definition: dict[str, Any], note: str, user: User | None
) -> RuleVersion:
    """Edit a version that no run has used yet; a used one is refused (make a new one)."""
    version = RuleVersion.objects.select_for_update().get(pk=version.pk)
    if version.used:
        raise RuleError(
            f"Версия {version.version} правила «{version.rule.name}» уже применялась: её "
            "нельзя изменить. Сохраните изменения как новую версию."
        )
    version.definition = _checked(definition)
    version.note = note.strip()
    version.created_by = user
    version.save(update_fields=["definition", "note", "created_by"])
    return version


# --- reading a run's inputs --------------------------------------------------------------


@dataclass
class Loaded:
    inputs: ident.Inputs[int]
    rule: ident.Rule
    schools: dict[int, School]
    runs: list[dict[str, Any]]
    missing: list[str]
    passports: int


def _weighted(rows: Iterable[tuple[Decimal | None, int]]) -> ident.Obs:
    """One value of many rows (e.g. every subject of a campaign indicator): the n-weighted
    mean of the values, with the participants summed."""
    known = [(v, n) for v, n in rows if v is not None]
    if not known:
        return ident.Obs(None, 0)
    if len(known) == 1:
        return ident.Obs(known[0][0], known[0][1])
    total = sum(n for _, n in known)
    if total == 0:
        mean = sum((v for v, _ in known), Decimal(0)) / len(known)
        return ident.Obs(mean.quantize(Decimal("0.0001")), 0)
    value = sum((v * n for v, n in known), Decimal(0)) / total
    return ident.Obs(value.quantize(Decimal("0.0001")), total)


def _value_filter(criterion: ident.Criterion) -> Q:
    q = Q(code=criterion.indicator)
    if criterion.procedure:
        q &= Q(procedure=criterion.procedure)
    if criterion.subject:
        q &= Q(subject__name__iexact=criterion.subject) | Q(subject__code=criterion.subject)
    if criterion.grade:
        q &= Q(grade=criterion.grade)
    return q


def _missing_campaigns(
    criterion: ident.Criterion, year: int, municipality: Municipality, known: dict[str, Any]
) -> str:
    name = known[criterion.indicator][0]
    if criterion.indicator == ident.CONTEXT_INDEX:
        return f"{criterion.code}: нет социальных паспортов с ИСБШ за {year} год."
    procedures = catalogue.get(criterion.indicator).procedures
    campaigns = Campaign.objects.filter(year=year, procedure__code__in=procedures)
    if criterion.subject:
        campaigns = campaigns.filter(
            Q(subject__name__iexact=criterion.subject) | Q(subject__code=criterion.subject)
        )
    if criterion.grade:
        campaigns = campaigns.filter(grade=criterion.grade)
    titles = [str(c) for c in campaigns.select_related("procedure", "subject").order_by("pk")]
    where = "/".join(PROCEDURE_NAMES.get(p, p) for p in procedures)
    if not titles:
        return f"{criterion.code} ({name}): нет кампаний {where} за {year} год."
    return (
        f"{criterion.code} ({name}): за {year} год нет рассчитанных показателей по "
        f"{municipality.name} — кампании: {'; '.join(titles)} (пересчитайте показатели)."
    )


def run_inputs(version: RuleVersion, municipality: Municipality, year: int) -> Loaded:
    """Everything a run of `version` reads for `year`, from the stored figures only."""
    rule = ident.rule_from_definition(version.definition)
    known = known_indicators()
    schools = {
        s.pk: s for s in School.objects.general().filter(municipality=municipality).order_by("pk")
    }
    first = year - rule.years_read + 1
    series: dict[str, dict[int, dict[int, ident.Obs]]] = {}
    refs: dict[str, dict[int, dict[str, Decimal | None]]] = {}
    runs: set[int] = set()
    missing: list[str] = []
    passport_rows = list(
        SocialPassport.objects.filter(
            school__in=list(schools), year__gte=first, year__lte=year
        ).values_list("year", "school_id", "wellbeing_index", "pupils_total")
    )
    index: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for y, school_id, value, _pupils in passport_rows:
        index[y][school_id] = value
    for criterion in rule.criteria:
        span = range(year - criterion.span + 1, year + 1)
        by_year: dict[int, dict[int, ident.Obs]] = {y: {} for y in span}
        if criterion.indicator == ident.CONTEXT_INDEX:
            for y, school_id, value, pupils in passport_rows:
                if y in by_year and value is not None:
                    by_year[y][school_id] = ident.Obs(value, pupils or 0)
        else:
            grouped: dict[tuple[int, int], list[tuple[Decimal | None, int]]] = defaultdict(list)
            ref_rows: dict[tuple[int, str], list[tuple[Decimal | None, int]]] = defaultdict(list)
            for run_id, level, y, school_id, value, n in (
                IndicatorValue.objects.filter(
                    _value_filter(criterion),
                    municipality=municipality,
                    year__gte=span.start,
                    year__lte=year,
                    level__in=[
                        IndicatorLevel.SCHOOL,
                        IndicatorLevel.MUNICIPALITY,
                        IndicatorLevel.REGION,
                    ],
                )
                .order_by("pk")
                .values_list("run_id", "level", "year", "school_id", "value", "n")
            ):
                if level == IndicatorLevel.SCHOOL:
                    if school_id in schools:
                        grouped[(y, school_id)].append((value, n))
                        runs.add(run_id)
                else:
                    ref_rows[(y, level)].append((value, n))
            for (y, school_id), rows in grouped.items():
                by_year[y][school_id] = _weighted(rows)
            refs[criterion.code] = {
                y: {
                    "municipality": _weighted(
                        ref_rows.get((y, IndicatorLevel.MUNICIPALITY), [])
                    ).value,
                    "region": _weighted(ref_rows.get((y, IndicatorLevel.REGION), [])).value,
                }
                for y in span
            }
        series[criterion.code] = by_year
        for y in span:
            if not by_year[y]:
                missing.append(_missing_campaigns(criterion, y, municipality, known))
    markers: dict[int, tuple[str, ...]] = {}
    if rule.markers != "ignore":
        found: dict[int, set[str]] = defaultdict(set)
        for school_id, code in ObjectivityMarker.objects.filter(
            municipality=municipality, raised=True, year__gte=first, year__lte=year
        ).values_list("school_id", "code"):
            if school_id in schools:
                found[school_id].add(code)
        markers = {school: tuple(sorted(codes)) for school, codes in found.items()}
    run_rows = [
        {
            "id": run.pk,
            "procedure": run.procedure,
            "year": run.year,
            "campaign_id": run.campaign_id,
            "campaign": str(run.campaign)
            if run.campaign_id
            else f"{PROCEDURE_NAMES.get(run.procedure, run.procedure)}: показатели {run.year} года",
            "code_version": run.code_version,
        }
        for run in FiguresRun.objects.filter(pk__in=runs)
        .select_related("campaign__procedure", "campaign__subject")
        .order_by("year", "procedure", "pk")
    ]
    inputs = ident.Inputs(
        series=series,
        higher_is_better={c.code: known[c.indicator][2] for c in rule.criteria},
        refs=refs,
        index=dict(index),
        markers=markers,
    )
    return Loaded(inputs, rule, schools, run_rows, missing, len(passport_rows))


# --- the protocol ------------------------------------------------------------------------


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def protocol_build(version: RuleVersion, municipality: Municipality, year: int) -> dict[str, Any]:
    """The protocol of applying `version` to `year`: deterministic JSON-ready data."""
    loaded = run_inputs(version, municipality, year)
    rule = loaded.rule
    known = known_indicators()
    outcomes = ident.apply_rule(rule, loaded.inputs, year=year, schools=set(loaded.schools))
    shnsu = set(
        SocialPassport.objects.filter(
            year=year, is_shnsu=True, school__in=list(loaded.schools)
        ).values_list("school_id", flat=True)
    )
    confirmed_shnsu = confirmed_school_ids(municipality, year, RuleKind.SHNSU)
    if confirmed_shnsu is not None:
        shnsu = confirmed_shnsu
    lines = []
    for school_id, outcome in sorted(
        outcomes.items(),
        key=lambda item: (loaded.schools[item[0]].short_name, loaded.schools[item[0]].login),
    ):
        school = loaded.schools[school_id]
        flags = [MARKER_NAMES.get(code, code) for code in outcome.markers]
        if version.rule.kind == RuleKind.SHNOR and school_id in shnsu:
            flags.append("ШНСУ")
        lines.append(
            {
                "school_id": school_id,
                "login": school.login,
                "name": school.short_name,
                "outcome": outcome.outcome,
                "met": outcome.met_codes,
                "met_count": outcome.met_count,
                "score": _s(outcome.score),
                "markers": list(outcome.markers),
                "flags": flags,
                "checks": [
                    {
                        "code": check.criterion.code,
                        "met": check.met,
                        "met_years": check.met_years,
                        "years": [
                            {
                                "year": y.year,
                                "value": _s(y.value),
                                "n": y.n,
                                "cut": _s(y.cut.quantize(Decimal("0.0001")))
                                if y.cut is not None
                                else None,
                                "figure": _s(y.figure),
                                "met": y.met,
                                "note": y.note,
                            }
                            for y in check.years
                        ],
                    }
                    for check in outcome.checks
                ],
            }
        )
    totals = {key: sum(1 for line in lines if line["outcome"] == key) for key in ident.OUTCOMES}
    return {
        "rule": {
            "code": version.rule.code,
            "name": version.rule.name,
            "kind": version.rule.kind,
            "version": version.version,
            "definition": version.definition,
        },
        "year": year,
        "municipality": {"id": municipality.pk, "name": municipality.name},
        "method": {
            "combine": ident.COMBINE[rule.combine]
            + (f" (K = {rule.k})" if rule.combine == "at_least" else "")
            + (f" (порог {_s(rule.min_score)})" if rule.combine == "weighted" else ""),
            "markers": ident.MARKER_HANDLING[rule.markers],
            "context": ident.CONTEXT[rule.context].replace("N", _s(rule.context_band) or "")
            if rule.context == "similar"
            else ident.CONTEXT[rule.context],
        },
        "criteria": [
            {
                **criterion.to_dict(),
                "indicator_name": known[criterion.indicator][0],
                "unit": known[criterion.indicator][1],
                "text": ident.criterion_text(criterion, known[criterion.indicator][2]),
                "threshold_name": ident.THRESHOLD_KINDS[criterion.threshold],
            }
            for criterion in rule.criteria
        ],
        "inputs": {"runs": loaded.runs, "passports": loaded.passports},
        "missing": loaded.missing,
        "schools": lines,
        "totals": {"schools": len(lines), **totals},
    }


def protocol_hash(protocol: dict[str, Any]) -> str:
    canonical = json.dumps(protocol, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def confirmed_school_ids(municipality: Municipality, year: int, kind: str) -> set[int] | None:
    """The schools of the year's confirmed list of `kind` (None: no list is confirmed)."""
    confirmed = SchoolList.objects.filter(
        municipality=municipality, year=year, kind=kind, status=ListStatus.CONFIRMED
    ).first()
    if confirmed is None:
        return None
    return set(confirmed.entries.filter(included=True).values_list("school_id", flat=True))


# --- runs --------------------------------------------------------------------------------


def identification_request(
    *, version: RuleVersion, municipality: Municipality, year: int, user: User | None
) -> IdentificationRun:
    """Record a run and queue its job (the protocol is made by the job)."""
    from reports.tasks import identification_run_task

    if not 2000 <= year <= 2100:
        raise RuleError(f"Год {year} вне допустимого диапазона 2000–2100.")
    problems = ident.rule_problems(version.definition, known_indicators())
    if problems:
        raise RuleError(problems)
    with transaction.atomic():
        job = job_create(
            kind="identification_run",
            title=f"Отбор ОО: {version} — {year}"[:300],
            created_by=user,
            municipality_id=municipality.pk,
        )
        run = IdentificationRun.objects.create(
            version=version, municipality=municipality, year=year, job=job, created_by=user
        )
        job.params = {"run_id": run.pk}
        job.save(update_fields=["params"])
        job_enqueue(job, identification_run_task)
    return run


def identification_run(
    *, run_id: int, progress: Callable[[int, str], None] | None = None
) -> IdentificationRun:
    """Apply the run's rule version; store the protocol, its files and the draft list.

    Safe to run twice: a finished run is left as it is.
    """
    report = progress or (lambda _p, _m: None)
    run = IdentificationRun.objects.select_related("version__rule", "municipality").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    report(10, "Чтение сохранённых показателей…")
    protocol = protocol_build(run.version, run.municipality, run.year)
    report(60, "Протокол: PDF и XLSX…")
    from reports.protocols import ProtocolPdf, ProtocolXlsx

    run.protocol_sha256 = protocol_hash(protocol)

    pdf_name, _, pdf_bytes = ProtocolPdf(run, protocol).render()
    xlsx_name, _, xlsx_bytes = ProtocolXlsx(run, protocol).render()
    with transaction.atomic():
        run = IdentificationRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            return run
        run.protocol = protocol
        run.protocol_sha256 = protocol_hash(protocol)
        run.listed = protocol["totals"]["listed"]
        run.pdf.save(pdf_name, ContentFile(pdf_bytes), save=False)
        run.xlsx.save(xlsx_name, ContentFile(xlsx_bytes), save=False)
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.save()
        _draft_list(run, protocol)
    report(100, "Готово.")
    return run


def identification_run_now(
    *, version: RuleVersion, municipality: Municipality, year: int, user: User | None
) -> IdentificationRun:
    """A run made and applied in this process (the command line)."""
    run = IdentificationRun.objects.create(
        version=version, municipality=municipality, year=year, created_by=user
    )
    return identification_run(run_id=run.pk)


def _draft_list(run: IdentificationRun, protocol: dict[str, Any]) -> SchoolList:
    school_list = SchoolList.objects.create(
        municipality=run.municipality, year=run.year, kind=run.version.rule.kind, run=run
    )
    SchoolListEntry.objects.bulk_create(
        SchoolListEntry(
            school_list=school_list,
            school_id=line["school_id"],
            origin=EntryOrigin.RULE,
            included=line["outcome"] == "listed",
            outcome=line["outcome"],
            criteria=line["met"],
            flags=line["flags"],
        )
        for line in protocol["schools"]
        if line["outcome"] != "not_listed"
    )
    return school_list


# --- reviewing and confirming a list -----------------------------------------------------


def _draft(school_list: SchoolList) -> SchoolList:
    locked = SchoolList.objects.select_for_update().get(pk=school_list.pk)
    if locked.status != ListStatus.DRAFT:
        raise RuleError(
            f"Перечень уже утверждён (акт № {locked.act_number} от "
            f"{locked.act_date:%d.%m.%Y}): его нельзя изменить. Запустите правило заново, "
            "чтобы получить новый черновик."
        )
    return locked


@transaction.atomic
def list_entry_set(
    *, school_list: SchoolList, school: School, included: bool, reason: str, user: User | None
) -> SchoolListEntry:
    """Add a school to a draft list or take it out, with a written reason."""
    locked = _draft(school_list)
    if not reason.strip():
        raise RuleError("Укажите причину: без неё ОО нельзя добавить в перечень или исключить.")
    if school.municipality_id != locked.municipality_id:
        raise RuleError(f"{school.short_name} — ОО другого муниципалитета.")
    entry, created = SchoolListEntry.objects.get_or_create(
        school_list=locked,
        school=school,
        defaults={"origin": EntryOrigin.ADDED, "included": included, "outcome": "not_listed"},
    )
    if not created and entry.included == included:
        state = "уже в перечне" if included else "уже не в перечне"
        raise RuleError(f"{school.short_name} {state}.")
    entry.included = included
    entry.reason = reason.strip()
    entry.changed_by = user
    entry.changed_at = timezone.now()
    entry.save()
    return entry


@transaction.atomic
def list_confirm(
    *,
    school_list: SchoolList,
    act_number: str,
    act_date: datetime.date,
    user: User | None,
) -> SchoolList:
    """Publish a draft list as the year's list, with the act that approved it."""
    locked = _draft(school_list)
    if not act_number.strip():
        raise RuleError("Укажите номер акта, которым утверждается перечень.")
    other = SchoolList.objects.filter(
        municipality=locked.municipality_id,
        year=locked.year,
        kind=locked.kind,
        status=ListStatus.CONFIRMED,
    ).first()
    if other is not None:
        raise RuleError(
            f"За {locked.year} год уже утверждён перечень (акт № {other.act_number} от "
            f"{other.act_date:%d.%m.%Y}); второй утвердить нельзя."
        )
    updated = SchoolList.objects.filter(pk=locked.pk, status=ListStatus.DRAFT).update(
        status=ListStatus.CONFIRMED,
        act_number=act_number.strip(),
        act_date=act_date,
        confirmed_by=user,
        confirmed_at=timezone.now(),
    )
    if not updated:  # pragma: no cover — the row is locked above
        raise RuleError("Перечень уже утверждён.")
    locked.refresh_from_db()
    return locked
