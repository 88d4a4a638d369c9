"""Print the objectivity markers: one row per school × campaign × marker (stored ones only).

Every stored marker: a campaign's (score_peaks, hard_over_basic, journal_gap), those across
procedures (above_unconfirmed, cohort_drop, vpr_over_oge) and the imported federal lists'
(federal_list, whose procedure, subject and grade are its column's, with or without a
campaign in the portal).
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import OuterRef, Subquery

from assessments.models import ObjectivityMarker, Procedure
from assessments.objectivity import MARKER_NAMES
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
    "Маркер",
    "Значение",
    "Порог",
    "Выявлен",
]


class Command(BaseCommand):
    help = (
        "Печатает сохранённые маркеры необъективности (кампаний, межпроцедурные и федеральных "
        "перечней): ОО × кампания × маркер (год, процедура, предмет, класс, логин, ОО, код, "
        "значение, порог)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--year", type=int)
        parser.add_argument("--all", action="store_true", help="и не выявленные маркеры тоже")
        parser.add_argument("--delimiter", default=";")

    def handle(self, *args: Any, **options: Any) -> None:
        order = Procedure.objects.filter(code=OuterRef("procedure")).values("order")[:1]
        markers = (
            ObjectivityMarker.objects.select_related("subject", "school")
            .annotate(procedure_order=Subquery(order))
            .order_by(
                "year",
                "procedure_order",
                "subject__order",
                "grade",
                "school__short_name",
                "code",
                "pk",
            )
        )
        if options.get("year"):
            markers = markers.filter(year=options["year"])
        if not options["all"]:
            markers = markers.filter(raised=True)
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(csv_row(HEADER))
        written = 0
        for marker in markers.iterator(chunk_size=2000):
            writer.writerow(
                csv_row(
                    [
                        marker.year,
                        marker.procedure,
                        marker.subject.name if marker.subject else "",
                        marker.grade if marker.grade is not None else "",
                        marker.school.login,
                        marker.school.short_name,
                        marker.code,
                        MARKER_NAMES.get(marker.code, marker.code),
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
