"""Print the indicator catalogue: code, name, unit, direction, source, better."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.catalogue import CATALOGUE
from msoko.exports import csv_row

HEADER = [
    "code",
    "name",
    "unit",
    "direction",
    "source",
    "better",
    "per",
    "target",
    "seed",
    "section",
]


class Command(BaseCommand):
    help = (
        "Печатает каталог показателей: code, name, unit, direction, source "
        "(computed — по результатам, collected — от ОО), better (higher / lower); для "
        "собираемых — per (school / municipality), target (целевое значение), seed и section "
        "(документ и раздел, откуда показатель)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--delimiter", default=";", help="разделитель CSV, по умолчанию «;»")
        parser.add_argument(
            "--source",
            choices=["computed", "collected"],
            help="только рассчитываемые или собираемые",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(HEADER)
        for indicator in CATALOGUE.values():
            if options.get("source") and indicator.source != options["source"]:
                continue
            collect = indicator.collect
            better = {True: "higher", False: "lower", None: ""}[indicator.higher_is_better]
            writer.writerow(
                csv_row(
                    [
                        indicator.code,
                        indicator.name,
                        indicator.unit,
                        indicator.direction,
                        indicator.source,  # computed (from results) / collected (from schools)
                        better,
                        collect.per if collect else "",
                        collect.target if collect else "",
                        collect.seed if collect else "",
                        collect.section if collect else "",
                    ]
                )
            )
