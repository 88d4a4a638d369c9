"""Compute and store the figures of every campaign of a year (as the job after an import does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Campaign
from assessments.services.figures import (
    YEAR_FIGURES,
    figures_compute,
    figures_municipalities,
    year_figures_compute,
)
from schools.models import Municipality


class Command(BaseCommand):
    help = "Пересчитывает и сохраняет показатели всех кампаний года по каждому муниципалитету."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="год кампаний, например 2026")
        parser.add_argument("--procedure", help="код процедуры (vpr, oge, ege…), по умолчанию все")

    def handle(self, *args: Any, **options: Any) -> None:
        campaigns = Campaign.objects.filter(year=options["year"]).select_related(
            "procedure", "subject"
        )
        if options.get("procedure"):
            campaigns = campaigns.filter(procedure__code=options["procedure"])
        year_procedures = [
            code
            for code in YEAR_FIGURES
            if not options.get("procedure") or options["procedure"] == code
        ]
        runs = 0
        for code in year_procedures:  # figures of a whole year: ВсОШ, ЕГЭ per graduate
            for municipality_id in Municipality.objects.values_list("pk", flat=True):
                if year_figures_compute(
                    procedure=code, year=options["year"], municipality_id=municipality_id
                ):
                    runs += 1
        if not runs and not campaigns.exists():
            raise CommandError(
                f"Данных {options['year']} года не найдено: нет ни кампаний, ни результатов "
                "олимпиад, по которым считаются показатели года."
            )
        for campaign in campaigns.order_by("procedure__order", "subject__name", "grade"):
            municipalities = figures_municipalities(campaign)
            for municipality_id in municipalities:
                run = figures_compute(campaign=campaign, municipality_id=municipality_id)
                runs += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{campaign}: участников {run.participants}")
            if not municipalities:
                self.stdout.write(f"{campaign}: результатов нет, показатели не рассчитаны.")
        self.stdout.write(self.style.SUCCESS(f"Показатели рассчитаны: {runs} расчётов."))
