"""Print the per-school and municipal figures of every matching campaign as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments import stats
from assessments.choices import procedure_code
from assessments.models import Campaign
from assessments.stored import stored_report
from msoko import formatting
from msoko.exports import csv_row

# key, header, decimal places (None: printed as is)
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("participants", "Участников", None),
    ("absent", "Отсутствовали", None),
    ("p2", "«2», %", 1),
    ("p3", "«3», %", 1),
    ("p4", "«4», %", 1),
    ("p5", "«5», %", 1),
    ("pass_rate", "Успеваемость, %", 1),
    ("quality_rate", "Качество, %", 1),
    ("mean_mark", "Средняя отметка", 2),
    ("mean_primary", "Средний первичный балл", 1),
    ("mean_primary_percent", "Средний первичный балл, % от макс.", 1),
    ("lowered_percent", "Понизили, %", 1),
    ("confirmed_percent", "Подтвердили, %", 1),
    ("raised_percent", "Повысили, %", 1),
    ("mean_score", "Средний тестовый балл", 1),
    ("below_attestat_percent", "Ниже минимума (аттестат), %", 1),
    ("below_university_percent", "Ниже минимума (вуз), %", 1),
    ("high_percent", "81–100, %", 1),
    ("hundred", "Стобалльников", None),
)
HEADER = (
    ["Год", "Процедура", "Предмет", "Класс", "Уровень", "Логин ОО", "ОО"]
    + [header for _key, header, _places in COLUMNS]
    + ["Мало данных"]
)


def _procedure_code(value: str) -> str:
    try:
        return procedure_code(value)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _cells(row: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for key, _header, places in COLUMNS:
        value = row.get(key)
        out.append("" if value is None else formatting.csv_number(value, places))
    out.append("да" if row.get("small_sample") else "нет")
    return out


class Command(BaseCommand):
    help = (
        "Печатает показатели кампаний (по ОО и по муниципалитету) в CSV: "
        "export_campaign_stats --format csv [--year 2026] [--procedure ВПР]"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--year", type=int)
        parser.add_argument("--procedure", help="код (vpr, oge, ege …) или название (ВПР)")
        parser.add_argument("--delimiter", default=";", help="разделитель CSV, по умолчанию «;»")

    def handle(self, *args: Any, **options: Any) -> None:
        campaigns = Campaign.objects.select_related("procedure", "subject").order_by(
            "year", "procedure__order", "subject__order", "grade"
        )
        if options["year"]:
            campaigns = campaigns.filter(year=options["year"])
        if options["procedure"]:
            campaigns = campaigns.filter(procedure__code=_procedure_code(options["procedure"]))
        writer = csv.writer(self.stdout, delimiter=options["delimiter"], lineterminator="\n")
        writer.writerow(csv_row(HEADER))
        for campaign in campaigns:
            # The stored figures, one report per municipality (compute_indicators fills them).
            for run in campaign.figure_runs.select_related("municipality").order_by(
                "municipality__name"
            ):
                report = stored_report(campaign, municipality_id=run.municipality_id, run=run)
                if report is not None:
                    self._write(writer, campaign, report)
            if not campaign.figure_runs.exists() and campaign.results.exists():
                self.stderr.write(
                    f"{campaign}: показатели не рассчитаны (manage.py compute_indicators "
                    f"--year {campaign.year})"
                )

    def _write(self, writer: Any, campaign: Campaign, report: stats.CampaignReport) -> None:
        head = [
            campaign.year,
            campaign.procedure.get_code_display(),
            campaign.subject.name,
            campaign.grade,
        ]
        ege = report.is_ege and not report.has_marks
        for school, school_stats in report.schools:
            row = self._row(report, school_stats, report.ege_schools.get(school.pk), ege)
            writer.writerow(csv_row([*head, "ОО", school.login, school.short_name, *_cells(row)]))
        row = self._row(report, report.total, report.ege_total, ege)
        writer.writerow(csv_row([*head, report.total_label, "", "", *_cells(row)]))

    @staticmethod
    def _row(
        report: stats.CampaignReport, figures: Any, ege: dict[str, Any] | None, is_ege: bool
    ) -> dict[str, Any]:
        row = stats.figures_row(figures) | stats.journal_row(figures)
        if is_ege and ege:
            row |= stats.ege_row(ege, figures)
        return row
