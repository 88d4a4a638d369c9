"""`manage.py import_results PATH [--dry-run]`: the web import, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services import imports
from msoko.models import User
from schools.models import School


class Command(BaseCommand):
    help = (
        "Проверяет и загружает файл результатов (Ф1 ФИС ОКО, форма сбора, протокол РЦОИ, "
        "ВсОШ, статистика ФИС ОКО) так же, как страница загрузки. Код возврата 0 — успех."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="файл .xlsx или .csv")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")
        parser.add_argument("--campaign", type=int, help="id кампании (иначе — по заголовку)")
        parser.add_argument("--school", help="логин ОО (для формы сбора результатов)")
        parser.add_argument(
            "--create-campaign", action="store_true", help="создать кампанию, если её нет"
        )
        parser.add_argument("--year", type=int, help="учебный год ВсОШ (год окончания)")
        parser.add_argument(
            "--stage", default="", help="этап ВсОШ: school, municipal, regional, final"
        )
        parser.add_argument(
            "--user", help="имя пользователя, от чьего имени загрузка (иначе — без ограничений)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="согласие заменить прежние результаты меньшим числом новых",
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
        school_id = None
        if options["school"]:
            school = School.objects.filter(login=options["school"].strip().lower()).first()
            if school is None:
                raise CommandError(f"ОО с логином {options['school']} нет в реестре.")
            school_id = school.pk
        choice = imports.ImportOptions(
            campaign_id=options["campaign"],
            school_id=school_id,
            create_campaign=options["create_campaign"],
            olympiad_year=options["year"],
            olympiad_stage=options["stage"],
        )
        if options["dry_run"]:
            plan = imports.results_plan(user=user, filename=path.name, data=data, options=choice)
            self._print_plan(plan.report(choice))
            if not plan.ok:
                raise CommandError(f"В файле ошибок: {len(plan.errors)}. Ничего не изменено.")
            self.stdout.write(self.style.SUCCESS("Ошибок нет (проверка без записи)."))
            return
        upload = imports.upload_check(user=user, filename=path.name, data=data, options=choice)
        self._print_plan(upload.report)
        if not upload.report.get("errors") == 0:
            raise CommandError(
                f"В файле ошибок: {upload.report.get('errors')}. Ничего не изменено."
            )
        replacement = upload.report.get("replacement")
        if replacement and not options["replace"]:
            raise CommandError(
                f"{replacement}; {imports.REPLACE_HINT}: запустите команду с --replace. "
                "Ничего не изменено."
            )
        try:
            result = imports.upload_import(
                upload_id=upload.pk, replace_acknowledged=options["replace"]
            )
        except imports.ImportRejected as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("Файл не загружен. Ничего не изменено.") from exc
        self.stdout.write(self.style.SUCCESS(str(result.get("message", "Готово."))))

    def _print_plan(self, report: dict[str, Any]) -> None:
        self.stdout.write(f"Формат: {report.get('format_label')}")
        campaign = report.get("campaign")
        if campaign:
            prefix = "будет создана кампания" if campaign["create"] else "кампания"
            self.stdout.write(f"{prefix.capitalize()}: {campaign['label']}")
        for school in report.get("schools", []):
            self.stdout.write(
                f"  {school['login']} {school['name']}: строк {school['rows']}, "
                f"отсутствовали {school['absent']}, будет заменено {school['existing']}"
            )
        if report.get("replacement"):
            self.stdout.write(f"Внимание: {report['replacement']}.")
        for problem in report.get("problems", []):
            stream = self.stderr if problem["severity"] == "error" else self.stdout
            stream.write(problem["text"])
        hidden = report.get("problems_total", 0) - len(report.get("problems", []))
        if hidden > 0:
            self.stderr.write(f"…и ещё {hidden} замечаний.")
