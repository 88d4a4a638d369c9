"""Open a data collection, or list the indicator sets one may be opened of."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import catalogue
from roadmaps.models import Task
from roadmaps.services_collections import collection_open
from schools.models import Municipality
from schools.selectors import municipalities_named


class Command(BaseCommand):
    help = (
        "Открывает сбор данных: набор показателей × год × ОО × срок (все действующие ОО "
        "направления, при --rotation 3 — те, чья очередь в этом году). Без --set печатает "
        "наборы показателей."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--set", dest="set_code", help="код набора, например set.teachers")
        parser.add_argument("--year", type=int)
        parser.add_argument("--deadline", help="срок сдачи, ГГГГ-ММ-ДД")
        parser.add_argument("--municipality", help="ОКТМО или id муниципалитета")
        parser.add_argument("--rotation", type=int, default=1, help="1 раз в N лет (1–5)")
        parser.add_argument("--task", type=int, help="id задачи дорожной карты")
        parser.add_argument(
            "--indicator",
            action="append",
            help="код показателя (можно несколько; по умолчанию все)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["set_code"]:
            for item in catalogue.SETS.values():
                self.stdout.write(
                    f"{item.code}\t{item.direction}\t{len(item.indicators)}\t{item.title}"
                )
            return
        if not (options["year"] and options["deadline"] and options["municipality"]):
            raise CommandError("Нужны --year, --deadline и --municipality.")
        try:
            deadline = datetime.date.fromisoformat(options["deadline"])
        except ValueError:
            raise CommandError(f"Срок «{options['deadline']}» — не дата ГГГГ-ММ-ДД.") from None
        municipality = municipalities_named(
            Municipality.objects.all(), options["municipality"]
        ).first()
        if municipality is None:
            raise CommandError(f"Муниципалитет «{options['municipality']}» не найден.")
        task = Task.objects.filter(pk=options["task"]).first() if options["task"] else None
        if options["task"] and task is None:
            raise CommandError(f"Задачи {options['task']} нет.")
        try:
            collection = collection_open(
                user=None,  # the command line: no user
                municipality=municipality,
                set_code=options["set_code"],
                year=options["year"],
                deadline=deadline,
                rotation=options["rotation"],
                task=task,
                indicators=options["indicator"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        schools = collection.submissions.exclude(school=None).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Сбор {collection.pk} «{collection.title}» за {collection.year} год открыт: "
                f"ОО {schools}, показателей {len(collection.indicators)}, срок "
                f"{collection.deadline:%d.%m.%Y}."
            )
        )
