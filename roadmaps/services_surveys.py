"""Survey aggregates (анкетирование of pupils, parents and teachers; diagnostics of
teachers' professional deficits) imported per school: school × indicator × value.

No personal data: a row is a school's aggregate (a share of respondents, a mean), with
the number of respondents where known. The file goes through the shared upload flow,
whole: any problem and nothing is written. The values go into the indicator store under
the year's survey key, with the municipality's value (the schools' mean weighted by their
respondents); a new file of the year replaces the values of the indicators it holds and
keeps the others (the parents' survey and the teachers' may come in separate files).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments import catalogue
from assessments import collected as col
from assessments.services.collected import collected_store
from assessments.services.figures import YearValue
from msoko.problems import Problem
from msoko.querysets import user_municipality_id
from msoko.uploads import WholeFileFlow, flow_register, problems_report
from roadmaps.importing_collections import normalized, read_values_file
from roadmaps.models import Collection, SurveyUpload
from schools.models import School


def survey_indicators() -> list[catalogue.Indicator]:
    """The collected indicators that come from surveys (per school)."""
    return [
        i
        for i in catalogue.CATALOGUE.values()
        if i.collect is not None and i.collect.survey and i.collect.per == col.SCHOOL
    ]


def survey_key(year: int) -> str:
    return f"survey:{year}"


@dataclass
class SurveyChecked:
    year: int
    municipality_id: int | None
    values: dict[tuple[int, str], tuple[Decimal, int]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)


def survey_check(*, upload: SurveyUpload, data: bytes) -> SurveyChecked:
    """Read a survey file and check every row against the catalogue and the registry."""
    municipality_id = upload.municipality_id or user_municipality_id(upload.uploaded_by)
    checked = SurveyChecked(year=upload.year, municipality_id=municipality_id)
    read = read_values_file(upload.filename, data, template=False)
    if read.errors:
        checked.errors = list(read.errors)
        return checked
    known = {i.code: i for i in survey_indicators()}
    by_name = {normalized(i.name): i for i in known.values()}
    schools = School.objects.filter(login__in={line.login for line in read.lines})
    if municipality_id:
        schools = schools.filter(municipality_id=municipality_id)
    by_login = {s.login: s for s in schools}
    municipalities = {s.municipality_id for s in by_login.values()}
    if not municipality_id and len(municipalities) > 1:
        read.problem("в файле ОО разных муниципалитетов: загрузите файл каждого отдельно")
    checked.municipality_id = municipality_id or next(iter(municipalities), None)
    for line in read.lines:
        school = by_login.get(line.login)
        if school is None:
            read.problem(
                f"ОО с логином «{line.login}» нет в реестре муниципалитета",
                row=line.row,
                key="login",
            )
            continue
        named = line.code or line.indicator  # the «Показатель» column takes a code or a name
        indicator = known.get(named) or by_name.get(normalized(named))
        if indicator is None:
            read.problem(
                f"«{line.code or line.indicator}» — не показатель анкетирования из каталога",
                row=line.row,
                key="code" if "code" in read.columns else "indicator",
            )
            continue
        collect = indicator.collect
        assert collect is not None
        try:
            value, _text = collect.parse(line.value)
        except col.ValueProblem as exc:
            read.problem(f"«{indicator.name}»: {exc}", row=line.row, key="value")
            continue
        if value is None:
            read.problem(f"«{indicator.name}»: нет значения", row=line.row, key="value")
            continue
        respondents = 0
        if line.respondents not in (None, ""):
            try:
                number = col.parse_number(str(line.respondents))
            except col.ValueProblem as exc:
                read.problem(f"число респондентов: {exc}", row=line.row, key="respondents")
                continue
            if number < 0 or number != number.to_integral_value():
                read.problem(
                    "число респондентов — целое, не меньше 0", row=line.row, key="respondents"
                )
                continue
            respondents = int(number)
        key = (school.pk, indicator.code)
        if key in checked.values:
            read.problem(f"«{indicator.name}» для {school.login} указан дважды", row=line.row)
            continue
        checked.values[key] = (value, respondents)
        checked.codes.add(indicator.code)
    if checked.municipality_id and checked.codes:
        for collection in Collection.objects.filter(
            municipality_id=checked.municipality_id, year=upload.year
        ):
            common = checked.codes & set(collection.indicators)
            if common:
                read.problem(
                    f"показатели {', '.join(sorted(common))} за {upload.year} год собираются "
                    f"сбором «{collection.title}»: загрузите их там"
                )
    if not read.errors and not checked.values:
        read.problem("в файле нет ни одного значения")
    checked.errors = list(read.errors)
    return checked


def survey_values(checked: SurveyChecked) -> list[YearValue]:
    """Each school's value, and the municipality's of each indicator: the schools' mean
    weighted by their respondents (n: the respondents, else the schools)."""
    rows = []
    by_code: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)
    for (school_id, code), (value, n) in checked.values.items():
        rows.append(YearValue(code=code, value=value, n=n, school_id=school_id))
        by_code[code].append((value, n))
    for code, schools in sorted(by_code.items()):
        collect = catalogue.CATALOGUE[code].collect
        assert collect is not None
        mean, count = col.municipal_value(
            code,
            collect,
            [{code: v} for v, _n in schools],
            weights={index: n for index, (_v, n) in enumerate(schools)},
        )
        rows.append(YearValue(code=code, value=mean, n=sum(n for _v, n in schools) or count))
    return rows


class SurveyImportFlow(WholeFileFlow):
    """Survey aggregates per school (Логин ОО | Показатель | Значение | Респондентов)."""

    name = "surveys"
    model = SurveyUpload
    title = "Загрузка результатов анкетирования"
    writing = "Запись значений…"

    def parse(self, upload: SurveyUpload, data: bytes) -> SurveyChecked:
        return survey_check(upload=upload, data=data)

    def report(self, parsed: SurveyChecked) -> dict[str, Any]:
        return {
            **problems_report(parsed.errors),
            "values": len(parsed.values),
            "schools": len({school for school, _code in parsed.values}),
            "indicators": len(parsed.codes),
        }

    @transaction.atomic
    def apply(self, parsed: SurveyChecked, upload: SurveyUpload) -> dict[str, Any]:
        assert parsed.municipality_id is not None
        collected_store(
            municipality_id=parsed.municipality_id,
            year=parsed.year,
            source_key=survey_key(parsed.year),
            codes=parsed.codes,
            values=survey_values(parsed),
            sources=[{"survey_upload": upload.pk, "filename": upload.filename}],
        )
        return {"values": len(parsed.values), "indicators": len(parsed.codes)}

    def message(self, counts: dict[str, Any], parsed: SurveyChecked, upload: SurveyUpload) -> str:
        return (
            f"Результаты анкетирования {parsed.year} г. загружены: значений {counts['values']}, "
            f"показателей {counts['indicators']}."
        )


SURVEYS = SurveyImportFlow()
flow_register(SURVEYS)
