"""Load a workbook of risk-profile survey aggregates (Логин ОО | Риск | Значение | Уровень)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from roadmaps import services_risks as services


class Command(BaseCommand):
    help = (
        "Загружает риск-профили ОО за год из таблицы .xlsx/.csv (Логин ОО | Риск | Значение | "
        "Уровень). Всё или ничего; с --dry-run только проверяет файл и печатает ошибки по строкам."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--year", type=int, required=True, help="год риск-профиля")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        checked = services.risk_import_check(
            filename=path.name, data=path.read_bytes(), year=options["year"], user=None
        )
        for problem in checked.problems:
            prefix = "ОШИБКА" if problem.is_error else "предупреждение"
            self.stdout.write(f"{prefix}: {problem}")
        schools = len(checked.by_school())
        self.stdout.write(
            f"Строк: {len(checked.lines)}, ОО: {schools}, ошибок: {len(checked.errors)}."
        )
        if checked.errors:
            raise CommandError("Файл не загружен: исправьте ошибки.")
        if options["dry_run"]:
            self.stdout.write("Проверка завершена (--dry-run): ничего не сохранено.")
            return
        counts = services.risk_import_apply(checked=checked, upload=None, user=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Риск-профили {options['year']} г. загружены: новых {counts['created']}, "
                f"обновлено {counts['updated']}, снято прежних значений {counts['cleared']}."
            )
        )
