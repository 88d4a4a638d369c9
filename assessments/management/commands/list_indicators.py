"""Print the indicator catalogue: code, name, unit, direction, source, better."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.catalogue import CATALOGUE
from msoko.exports import csv_row

HEADER = ["code", "name", "unit", "direction", "source", "better"]


class Command(BaseCommand):
    help = (
        "Печатает каталог показателей: code, name, unit, direction, source "
        "(computed — по результатам, collected — от ОО), better (higher / lower)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--delimiter", default=";", help="разделитель CSV, по умолчанию «;»")

    def handle(self, *args: Any, **options: Any) -> None:
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(HEADER)
        for indicator in CATALOGUE.values():
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
                    ]
                )
            )
