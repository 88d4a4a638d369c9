"""Load survey aggregates per school (Логин ОО | Показатель | Значение | Респондентов)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from roadmaps.models import SurveyUpload
from roadmaps.services_surveys import SURVEYS, survey_check
from schools.models import Municipality
from schools.selectors import municipalities_named


class Command(BaseCommand):
    help = (
        "Загружает результаты анкетирования и диагностики по ОО за год из таблицы .xlsx/.csv "
        "(Логин ОО | Показатель | Значение | Респондентов) в показатели. Всё или ничего; "
        "с --dry-run только проверяет файл и печатает ошибки по строкам."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--year", type=int, required=True, help="год анкетирования")
        parser.add_argument(
            "--municipality", help="ОКТМО или id муниципалитета (по умолчанию — по ОО файла)"
        )
        parser.add_argument("--dry-run", action="store_true", help="только проверить")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        municipality = None
        if options["municipality"]:
            municipality = municipalities_named(
                Municipality.objects.all(), options["municipality"]
            ).first()
            if municipality is None:
                raise CommandError(f"Муниципалитет «{options['municipality']}» не найден.")
        upload = SurveyUpload(year=options["year"], municipality=municipality)
        upload.filename = path.name
        checked = survey_check(upload=upload, data=path.read_bytes())
        for problem in checked.errors:
            self.stdout.write(f"ОШИБКА: {problem}")
        schools = len({school for school, _code in checked.values})
        self.stdout.write(
            f"Значений: {len(checked.values)}, ОО: {schools}, показателей: {len(checked.codes)}, "
            f"ошибок: {len(checked.errors)}."
        )
        if checked.errors:
            raise CommandError("Файл не загружен: исправьте ошибки.")
        if options["dry_run"]:
            self.stdout.write("Проверка завершена (--dry-run): ничего не сохранено.")
            return
        counts = SURVEYS.apply(checked, upload)
        self.stdout.write(self.style.SUCCESS(SURVEYS.message(counts, checked, upload)))
