"""Render an analytic document from the stored figures to a file (PDF or DOCX)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.documents import catalogue
from reports.documents.render import render_docx, render_pdf
from reports.services_documents import DocumentError, document_build, generated_on
from roadmaps.choices import DocumentKind
from schools.models import Municipality, School
from schools.selectors import municipalities_named


class Command(BaseCommand):
    help = (
        "Формирует аналитический документ по сохранённым показателям: render_report ВИД "
        "--year Г [--school ЛОГИН] --format pdf|docx --output ПУТЬ («-» — в стандартный "
        "вывод). Виды: " + ", ".join(DocumentKind.values) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--school", help="логин ОО (для карточки ОО)")
        parser.add_argument("--municipality", help="ОКТМО или id муниципалитета")
        parser.add_argument("--format", choices=["pdf", "docx"], default="pdf")
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        school = None
        if options["school"]:
            school = School.objects.filter(login=options["school"]).first()
            if school is None:
                raise CommandError(f"ОО с логином «{options['school']}» не найдена.")
        municipality = self._municipality(options.get("municipality"), school)
        try:
            document = document_build(
                kind=options["kind"], year=options["year"], municipality=municipality, school=school
            )
        except (catalogue.NoData, DocumentError) as exc:
            raise CommandError(str(exc)) from exc
        when = generated_on()
        if options["format"] == "pdf":
            content, pages = render_pdf(document, generated=when)
            shape = f"{pages} стр."
        else:
            content, shape = render_docx(document, generated=when), "DOCX"
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
        else:
            Path(options["output"]).write_bytes(content)
        self.stderr.write(
            f"{document.title}, {document.year}: {shape}, {len(content) // 1024} КБ, "
            f"{time.monotonic() - started:.1f} с; содержание SHA-256 {document.sha256()}."
        )

    @staticmethod
    def _municipality(wanted: str | None, school: School | None) -> Municipality:
        if school is not None:
            return school.municipality
        municipalities = (
            Municipality.objects.filter(schools__isnull=False).distinct().order_by("name")
        )
        if wanted:
            municipality = municipalities_named(municipalities, wanted).first()
        else:
            municipality = municipalities.first() or Municipality.objects.order_by("name").first()
        if municipality is None:
            raise CommandError(
                "Муниципалитет не найден: загрузите реестр или укажите --municipality."
            )
        return municipality
