"""Print the stored indicators, one row per school (and municipality) × campaign × indicator."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import catalogue
from assessments import values as values_selectors
from assessments.choices import OlympiadStage, procedure_code
from msoko import formatting
from msoko.exports import csv_row

HEADER = [
    "Год",
    "Процедура",
    "Предмет",
    "Класс",
    "Этап",  # ВсОШ: the stage; empty for a campaign's indicators
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
STAGES = dict(OlympiadStage.choices)


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
        values = values_selectors.export_rows(
            codes=[i.code for i in indicators],
            year=options.get("year"),
            procedure=procedure,
            school_login=options.get("school"),
        )
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(csv_row(HEADER))
        written = 0
        for row, before in values:
            indicator = catalogue.CATALOGUE[row.code]
            value = formatting.rounded(row.value, indicator.places)
            before_value = (
                formatting.rounded(before.value, indicator.places) if before is not None else None
            )
            # The change of the figures as shown: one rounding rule, on the display.
            change = (
                value - before_value if value is not None and before_value is not None else None
            )
            school = row.school
            writer.writerow(
                csv_row(
                    [
                        row.year,
                        row.procedure,
                        row.subject.name if row.subject else "",
                        row.grade or "",
                        STAGES.get(row.part, row.part),
                        school.login if school else "",
                        school.short_name if school else MUNICIPALITY,
                        indicator.code,
                        indicator.name,
                        _cell(value, indicator.places),
                        row.n,
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
