"""Print the objectivity markers: one row per school × campaign × marker (stored ones only)."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.models import ObjectivityMarker
from msoko import formatting
from msoko.exports import csv_row

HEADER = [
    "Год",
    "Процедура",
    "Предмет",
    "Класс",
    "Логин ОО",
    "ОО",
    "Код маркера",
    "Значение",
    "Порог",
    "Выявлен",
]


class Command(BaseCommand):
    help = (
        "Печатает маркеры необъективности, сохранённые с показателями кампаний: ОО × "
        "кампания × маркер (год, процедура, предмет, класс, логин, ОО, код, значение, порог)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--year", type=int)
        parser.add_argument("--all", action="store_true", help="и не выявленные маркеры тоже")
        parser.add_argument("--delimiter", default=";")

    def handle(self, *args: Any, **options: Any) -> None:
        markers = ObjectivityMarker.objects.select_related(
            "campaign__procedure", "campaign__subject", "school"
        ).order_by(
            "year",
            "campaign__procedure__order",
            "campaign__subject__order",
            "campaign__grade",
            "school__short_name",
            "code",
        )
        if options.get("year"):
            markers = markers.filter(year=options["year"])
        if not options["all"]:
            markers = markers.filter(raised=True)
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(csv_row(HEADER))
        written = 0
        for marker in markers.iterator(chunk_size=2000):
            campaign = marker.campaign
            writer.writerow(
                csv_row(
                    [
                        marker.year,
                        campaign.procedure.code,
                        campaign.subject.name,
                        campaign.grade,
                        marker.school.login,
                        marker.school.short_name,
                        marker.code,
                        formatting.csv_number(marker.value, 2),
                        formatting.csv_number(marker.threshold, 2),
                        "да" if marker.raised else "нет",
                    ]
                )
            )
            written += 1
        if not written:
            self.stderr.write(
                "Маркеров по условиям выборки нет (они рассчитываются с показателями: "
                "manage.py compute_indicators --year Г)."
            )
