"""Print the schools that the default ШНОР rule lists for a year, from the stored values."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.choices import IndicatorLevel
from assessments.models import IndicatorValue
from reports.identification import DEFAULT_RULE, identify
from schools.models import Municipality, School, SocialPassport


class Command(BaseCommand):
    help = (
        "Применяет правило «ШНОР — базовое правило» (версия 1) к сохранённым показателям "
        "года и печатает отобранные ОО: логин, название, выполненные критерии, отметки."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--municipality", help="ОКТМО или id муниципалитета")
        parser.add_argument("--rule", default="shnor_basic", help="код правила (пока одно)")
        # «--version N» is the rule's version here, not Django's own --version of the command.
        for holder in (parser, *parser._action_groups):
            holder.conflict_handler = "resolve"
        parser.add_argument("--version", type=int, default=1, help="версия правила")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rule"] != "shnor_basic" or options["version"] != 1:
            raise CommandError(
                "Известно одно правило: shnor_basic, версия 1 («ШНОР — базовое правило»)."
            )
        year = options["year"]
        municipalities = Municipality.objects.order_by("name")
        if options.get("municipality"):
            wanted = options["municipality"]
            municipalities = municipalities.filter(oktmo=wanted) | municipalities.filter(
                pk=int(wanted) if wanted.isdigit() else 0
            )
        codes = [c.indicator for c in DEFAULT_RULE]
        span = max(c.span for c in DEFAULT_RULE)
        found_any = False
        for municipality in municipalities:
            general = set(
                School.objects.general()
                .filter(municipality=municipality)
                .values_list("pk", flat=True)
            )
            series: dict[str, dict[int, dict[int, tuple[Decimal | None, int]]]] = defaultdict(
                lambda: defaultdict(dict)
            )
            for code, y, school_id, value, n in IndicatorValue.objects.filter(
                municipality=municipality,
                level=IndicatorLevel.SCHOOL,
                code__in=codes,
                year__gt=year - span,
                year__lte=year,
            ).values_list("code", "year", "school_id", "value", "n"):
                if school_id in general:
                    series[code][y][school_id] = (value, n)
            missing = [
                f"{c.indicator} {y}"
                for c in DEFAULT_RULE
                for y in range(year - c.span + 1, year + 1)
                if not series[c.indicator].get(y)
            ]
            if missing:
                self.stderr.write(
                    f"{municipality.name}: нет сохранённых показателей — {', '.join(missing)} "
                    "(manage.py compute_indicators --year Г)."
                )
            listed = identify(DEFAULT_RULE, series, year=year)
            schools = School.objects.in_bulk(list(listed))
            shnsu = set(
                SocialPassport.objects.filter(
                    year=year, is_shnsu=True, school__in=list(listed)
                ).values_list("school_id", flat=True)
            )
            for pk in sorted(listed, key=lambda pk: schools[pk].short_name):
                met = [
                    f"{r.criterion.code} ({r.met_years} из {len(r.years)} лет)"
                    for r in listed[pk]
                    if r.met
                ]
                flags = ["ШНСУ"] if pk in shnsu else []
                self.stdout.write(
                    "\t".join(
                        [
                            schools[pk].login,
                            schools[pk].short_name,
                            ", ".join(met),
                            ", ".join(flags),
                        ]
                    )
                )
                found_any = True
        if not found_any:
            self.stderr.write(f"За {year} год правило не отобрало ни одной ОО.")
