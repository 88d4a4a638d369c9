"""Import a road map from an .xlsx / .docx table, or from a fixture-format .json file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msoko.choices import Role
from msoko.models import User
from roadmaps import services
from roadmaps.choices import RoadmapStatus


class Command(BaseCommand):
    help = (
        "Загружает дорожную карту из таблицы .xlsx/.docx (или из .json в формате "
        "fixtures/roadmaps). С --dry-run только проверяет файл и печатает ошибки по строкам."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")
        parser.add_argument("--title", help="наименование (по умолчанию — имя файла)")
        parser.add_argument("--period", help="период, например 2021-2023 (обязателен для таблиц)")
        parser.add_argument("--act-kind", default="приказ")
        parser.add_argument("--act-number", default="")
        parser.add_argument("--act-date", default="", help="ГГГГ-ММ-ДД")
        parser.add_argument("--owner", help="логин специалиста-владельца")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        owner = self._owner(options.get("owner"))
        if path.suffix.lower() == ".json":
            self._json(path, owner, options["dry_run"])
            return
        match = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})|(\d{4})", options.get("period") or "")
        if not match:
            raise CommandError("Укажите период: --period 2021-2023.")
        start = int(match.group(1) or match.group(3))
        end = int(match.group(2) or match.group(3))
        data = path.read_bytes()
        parsed = services.roadmap_import_check(
            filename=path.name, data=data, start_year=start, end_year=end
        )
        for problem in parsed.problems:
            prefix = "ОШИБКА" if problem.is_error else "предупреждение"
            self.stdout.write(f"{prefix}: {problem}")
        self.stdout.write(
            f"Мероприятий: {parsed.task_count}, разделов: {len(parsed.sections)}, "
            f"ошибок: {len(parsed.errors)}, нераспознанных сроков: {parsed.unparsed}."
        )
        if parsed.errors:
            raise CommandError("Файл не загружен: исправьте ошибки.")
        if options["dry_run"]:
            self.stdout.write("Проверка завершена (--dry-run): ничего не сохранено.")
            return
        roadmap, parsed = services.roadmap_import_commit(
            filename=path.name,
            data=data,
            params={
                "title": options.get("title") or path.stem,
                "act_kind": options["act_kind"],
                "act_number": options["act_number"],
                "act_date": options["act_date"],
                "start_year": start,
                "end_year": end,
                "status": RoadmapStatus.DRAFT,
            },
            owner=owner,
        )
        if roadmap is None:
            raise CommandError("Файл не загружен: исправьте ошибки.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Дорожная карта загружена: задач — {parsed.task_count} (№ {roadmap.pk})."
            )
        )

    def _json(self, path: Path, owner: User | None, dry_run: bool) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            title, sections = data["title"], data["sections"]
            start, end = data["period"]
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"Файл {path.name} не в формате fixtures/roadmaps: {exc}") from exc
        self.stdout.write(f"«{title}», {start}–{end}, разделов: {len(sections)}.")
        if dry_run:
            self.stdout.write("Проверка завершена (--dry-run): ничего не сохранено.")
            return
        roadmap = services.roadmap_load(data=data, owner=owner)
        self.stdout.write(
            self.style.SUCCESS(
                f"Дорожная карта загружена: задач — {roadmap.tasks.count()} (№ {roadmap.pk})."
            )
        )

    def _owner(self, username: str | None) -> User | None:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"Пользователь {username} не найден.")
            return user
        return User.objects.filter(role=Role.SPECIALIST, is_active=True).order_by("pk").first()
