"""`manage.py import_federal_list PATH [--dry-run]`: the federal list upload, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.federal_lists import (
    FEDERAL_LIST,
    federal_list_check,
    federal_list_report,
)
from msoko.choices import UploadStatus
from msoko.jobs import JobError
from msoko.models import User
from msoko.uploads import upload_commit, upload_store


class Command(BaseCommand):
    help = (
        "Проверяет и загружает федеральный перечень ОО с маркерами необъективности (Год | Логин "
        "| Муниципалитет | ОО | 4 РУ | 4 МА | 5 РУ | 5 МА | Количество маркеров) так же, как "
        "страница загрузки: перечень года заменяет прежний. Код возврата 0 — успех."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="файл .xlsx или .csv")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")
        parser.add_argument(
            "--user", help="имя пользователя, от чьего имени загрузка (иначе — без ограничений)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Файл {path} не читается: {exc.strerror}.") from exc
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Пользователь «{options['user']}» не найден.")
        if options["dry_run"]:
            parsed = federal_list_check(filename=path.name, data=data, user=user)
            report = federal_list_report(parsed)
            self._print(report)
            if parsed.errors:
                raise CommandError(f"В файле ошибок: {len(parsed.errors)}. Ничего не изменено.")
            self.stdout.write(self.style.SUCCESS("Ошибок нет (проверка без записи)."))
            return
        upload = upload_store(FEDERAL_LIST, user=user, filename=path.name, data=data)
        self._print(upload.report)
        if upload.status != UploadStatus.CHECKED:
            raise CommandError(
                f"В файле ошибок: {upload.report.get('errors', 0)}. Ничего не изменено."
            )
        try:
            result = upload_commit(flow_name=FEDERAL_LIST.name, upload_id=upload.pk)
        except JobError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("Перечень не загружен. Ничего не изменено.") from exc
        self.stdout.write(self.style.SUCCESS(str(result.get("message", "Готово."))))

    def _print(self, report: dict[str, Any]) -> None:
        for school in report.get("schools", []):
            self.stdout.write(
                f"  {school['year']} {school['login']} {school['name']}: "
                + ", ".join(school["columns"])
            )
        for year in report.get("years", []):
            self.stdout.write(
                f"Перечень {year['year']} г. заменит прежних маркеров: {year['replaced']}"
            )
        for problem in report.get("problems", []):
            stream = self.stderr if problem["severity"] == "error" else self.stdout
            stream.write(problem["text"])
        hidden = report.get("problems_hidden", 0)
        if hidden > 0:
            self.stderr.write(f"…и ещё {hidden} замечаний.")
