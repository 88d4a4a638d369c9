"""Apply an identification rule version to a year's stored indicators and print the list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.models import IdentificationRule
from reports.services import RuleError, identification_run_now
from schools.models import Municipality
from schools.selectors import municipalities_named


class Command(BaseCommand):
    help = (
        "Применяет правило отбора (по умолчанию «ШНОР — базовое правило», последняя версия) к "
        "сохранённым показателям года, сохраняет запуск с протоколом и черновик перечня и "
        "печатает отобранные ОО: логин, название, выполненные критерии, отметки."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--municipality", help="ОКТМО или id муниципалитета")
        parser.add_argument("--rule", default="shnor_basic", help="код правила")
        # «--version N» is the rule's version here, not Django's own --version of the command.
        for holder in (parser, *parser._action_groups):
            holder.conflict_handler = "resolve"
        parser.add_argument("--version", type=int, help="версия правила (по умолчанию последняя)")

    def handle(self, *args: Any, **options: Any) -> None:
        rule = IdentificationRule.objects.filter(code=options["rule"]).first()
        if rule is None:
            codes = ", ".join(IdentificationRule.objects.values_list("code", flat=True))
            raise CommandError(f"Правило «{options['rule']}» не найдено. Есть: {codes}.")
        versions = rule.versions.order_by("-version")
        version = (
            versions.filter(version=options["version"]).first()
            if options["version"]
            else versions.first()
        )
        if version is None:
            numbers = ", ".join(str(v) for v in versions.values_list("version", flat=True))
            raise CommandError(
                f"У правила «{rule.name}» нет версии {options['version']}. Есть: {numbers}."
            )
        year = options["year"]
        municipalities = Municipality.objects.order_by("name")
        if options.get("municipality"):
            municipalities = municipalities_named(municipalities, options["municipality"])
        found_any = False
        for municipality in municipalities:
            try:
                run = identification_run_now(
                    version=version, municipality=municipality, year=year, user=None
                )
            except RuleError as exc:
                raise CommandError(str(exc)) from exc
            protocol = run.protocol
            if protocol["missing"]:
                self.stderr.write(
                    f"{municipality.name}: нет данных — " + " ".join(protocol["missing"])
                )
            for line in protocol["schools"]:
                if line["outcome"] == "not_listed":
                    continue
                checks = {c["code"]: c for c in line["checks"]}
                met = [
                    f"{code} ({checks[code]['met_years']} из {len(checks[code]['years'])} лет)"
                    if len(checks[code]["years"]) > 1
                    else code
                    for code in line["met"]
                ]
                flags = list(line["flags"])
                if line["outcome"] != "listed":
                    flags.insert(
                        0, {"separate": "отдельно", "excluded": "исключена"}[line["outcome"]]
                    )
                self.stdout.write(
                    "\t".join([line["login"], line["name"], ", ".join(met), ", ".join(flags)])
                )
                found_any = True
            self.stderr.write(
                f"{municipality.name}: запуск № {run.pk}, протокол SHA-256 {run.protocol_sha256}."
            )
        if not found_any:
            self.stderr.write(f"За {year} год правило не отобрало ни одной ОО.")
