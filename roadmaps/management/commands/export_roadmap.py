"""Export a road map in the official layout (XLSX or CSV) for bulk work."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msoko.choices import Role
from msoko.models import User
from roadmaps.exports import RoadmapTableExport
from roadmaps.models import Roadmap


class Command(BaseCommand):
    help = "Выгружает дорожную карту: № п/п | Мероприятие | Сроки | … | Отметка о выполнении."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id", type=int)
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        parser.add_argument(
            "--output",
            "-o",
            help="путь файла (по умолчанию — в текущий каталог); «-» — в стандартный вывод",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        roadmap = Roadmap.objects.filter(pk=options["id"]).first()
        if roadmap is None:
            raise CommandError(f"Дорожная карта № {options['id']} не найдена.")
        # The export shows what a user may see; the command works as a department user.
        user = User.objects.filter(
            role__in=[Role.SPECIALIST, Role.ADMIN], is_active=True, municipality=None
        ).first()
        if user is None:
            user = User(role=Role.ADMIN, is_superuser=True, is_active=True, username="export")
        filename, _type, content = RoadmapTableExport(roadmap, user).render(options["format"])
        if options.get("output") == "-":
            # The bytes go to standard output untouched (a pipe or a redirect); no message.
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        target = Path(options.get("output") or filename)
        target.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Сохранено: {target} ({len(content)} байт)."))
