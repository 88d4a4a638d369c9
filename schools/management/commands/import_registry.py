"""Import the registry workbook from the command line, as the upload page does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schools.services import RegistryReport, registry_import


class Command(BaseCommand):
    help = (
        "Загружает реестр ОО (листы «Муниципалитет», «ОО», «Паспорта»): сначала проверка, "
        "затем применение целиком; с --dry-run только проверка."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="файл .xlsx или .csv в формате шаблона реестра")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файл")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл «{path}» не найден.")
        # No user: the rights of a department user bound to no municipality.
        report = registry_import(
            filename=path.name, data=path.read_bytes(), user=None, commit=not options["dry_run"]
        )
        for problem in report.problems:
            self.stdout.write(("Ошибка: " if problem.is_error else "Замечание: ") + str(problem))
        if report.errors:
            raise CommandError(f"Файл не загружен: ошибок — {len(report.errors)}.")
        summary = self._summary(report)
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"Проверка пройдена. Будет: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Реестр загружен: {summary}."))

    @staticmethod
    def _summary(report: RegistryReport) -> str:
        counts = report.summary()
        return (
            f"ОО добавлено {counts['school_create']}, изменено {counts['school_update']}; "
            f"паспортов добавлено {counts['passport_create']}, "
            f"изменено {counts['passport_update']}"
        )
