"""Print the stored indicators, one row per school (and municipality) × campaign × indicator."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import catalogue
from assessments.choices import procedure_code
from assessments.figures import from_data
from assessments.indicators import CampaignStats, EgeStats
from assessments.models import Campaign, CampaignFigures, FiguresRun
from msoko import formatting
from msoko.exports import csv_row

HEADER = [
    "Год",
    "Процедура",
    "Предмет",
    "Класс",
    "Логин ОО",
    "ОО",
    "Код показателя",
    "Показатель",
    "Значение",
    "n",
    "Значение прошлого года",
    "Изменение",
]
MUNICIPALITY = "Муниципалитет"


class Command(BaseCommand):
    help = (
        "Печатает сохранённые показатели: ОО (и муниципалитет) × кампания × показатель, "
        "со значением прошлого года и изменением. Читает только сохранённые расчёты."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--year", type=int)
        parser.add_argument("--procedure", help="код процедуры: vpr, oge, ege …")
        parser.add_argument("--school", help="логин ОО ФИС ОКО, например edu203389")
        parser.add_argument("--indicator", help="код показателя, например vpr.fail_share")
        parser.add_argument("--delimiter", default=";")

    def handle(self, *args: Any, **options: Any) -> None:
        indicators = list(catalogue.CATALOGUE.values())
        if options.get("indicator"):
            try:
                indicators = [catalogue.get(options["indicator"])]
            except KeyError as exc:
                raise CommandError(exc.args[0]) from exc
        procedure = options.get("procedure")
        if procedure:
            try:
                procedure = procedure_code(procedure)  # a code or a name: «vpr», «ВПР»
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        runs = FiguresRun.objects.select_related(
            "campaign__procedure", "campaign__subject"
        ).order_by("campaign__year", "campaign__procedure__order", "campaign__subject__order")
        if options.get("year"):
            runs = runs.filter(campaign__year=options["year"])
        if procedure:
            runs = runs.filter(campaign__procedure__code=procedure)
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(csv_row(HEADER))
        written = 0
        for run in runs:
            campaign = run.campaign
            wanted = [i for i in indicators if campaign.procedure.code in i.procedures]
            if not wanted:
                continue
            current = _figures(run, options.get("school"))
            previous = _figures(_previous_run(run), options.get("school"))
            head = [campaign.year, campaign.procedure.code, campaign.subject.name, campaign.grade]
            for (login, name), by_kind in sorted(current.items(), key=_municipality_last):
                for indicator in wanted:
                    figures = _pick(by_kind, indicator)
                    if figures is None:
                        continue
                    value = formatting.rounded(indicator.value(figures), indicator.places)
                    before = _pick(previous.get((login, name), {}), indicator)
                    before_value = (
                        formatting.rounded(indicator.value(before), indicator.places)
                        if before is not None
                        else None
                    )
                    # The change of the figures as shown: one rounding rule, on the display.
                    change = (
                        value - before_value
                        if value is not None and before_value is not None
                        else None
                    )
                    writer.writerow(
                        csv_row(
                            [
                                *head,
                                login,
                                name,
                                indicator.code,
                                indicator.name,
                                _cell(value, indicator.places),
                                figures.participants,
                                _cell(before_value, indicator.places),
                                _cell(change, indicator.places),
                            ]
                        )
                    )
                    written += 1
        if not written:
            self.stderr.write(
                "Нет сохранённых показателей по условиям выборки "
                "(рассчитайте их: manage.py compute_indicators --year Y)."
            )


def _cell(value: Any, places: int) -> str:
    return "" if value is None else formatting.csv_number(value, places)


def _municipality_last(item: tuple[tuple[str, str], Any]) -> tuple[bool, str]:
    (login, name), _figures = item
    return (login == "", name)


def _previous_run(run: FiguresRun) -> FiguresRun | None:
    """The same procedure, subject and grade a year before, in the same municipality."""
    campaign = run.campaign
    before = Campaign.objects.filter(
        procedure=campaign.procedure,
        subject=campaign.subject,
        grade=campaign.grade,
        year=campaign.year - 1,
    ).first()
    if before is None:
        return None
    return FiguresRun.objects.filter(campaign=before, municipality=run.municipality_id).first()


def _figures(
    run: FiguresRun | None, login: str | None
) -> dict[tuple[str, str], dict[str, CampaignStats | EgeStats]]:
    """(school login, name) → kind → figures; the municipality has the login «»."""
    if run is None:
        return {}
    rows = CampaignFigures.objects.filter(run=run).select_related("school")
    if login:
        rows = rows.filter(school__login=login)
    found: dict[tuple[str, str], dict[str, CampaignStats | EgeStats]] = {}
    for row in rows:
        key = (row.school.login, row.school.short_name) if row.school else ("", MUNICIPALITY)
        kind: type[CampaignStats] | type[EgeStats] = (
            CampaignStats if row.kind == catalogue.MARKS else EgeStats
        )
        found.setdefault(key, {})[row.kind] = from_data(kind, row.data)
    return found


def _pick(
    by_kind: dict[str, CampaignStats | EgeStats], indicator: catalogue.Indicator
) -> CampaignStats | EgeStats | None:
    if indicator.figures in by_kind:
        return by_kind[indicator.figures]
    if indicator.any_minimum:
        return next((f for k, f in by_kind.items() if k.startswith("ege:")), None)
    return None
