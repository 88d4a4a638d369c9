"""Fill the database with the demo municipality and one user per role."""

from __future__ import annotations

import time
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from msoko.choices import Role
from msoko.models import User
from schools.demo import DEMO_YEARS, registry_rows
from schools.models import School
from schools.registry import registry_template
from schools.services import registry_import

DEMO_PASSWORD = "demo-msoko-2026"  # noqa: S105 — printed for the demo on purpose

DEMO_USERS = [
    # username, role, first name, last name, school login
    ("admin", Role.ADMIN, "Пётр", "Админов", None),
    ("specialist", Role.SPECIALIST, "Анна", "Миронова", None),
    ("official", Role.OFFICIAL, "Виктор", "Громов", None),
    ("director", Role.DIRECTOR, "Ирина", "Ковалёва", "edu330101"),
    ("director2", Role.DIRECTOR, "Галина", "Павлова", "edu330202"),
]


class Command(BaseCommand):
    help = "Загружает демонстрационный муниципалитет: организации, паспорта, пользователей."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="не печатать логины")
        parser.add_argument(
            "--schools",
            type=int,
            default=None,
            help="сколько общеобразовательных школ: не меньше названных в демо, остальные "
            "сгенерированные (для нагрузочных замеров)",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=len(DEMO_YEARS),
            choices=range(1, len(DEMO_YEARS) + 1),
            help=f"сколько последних лет из {DEMO_YEARS[0]}–{DEMO_YEARS[-1]} загрузить",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        years = DEMO_YEARS[-options["years"] :]
        general = options["schools"]
        try:
            registry = registry_rows(general, years)
        except ValueError as exc:
            raise CommandError(f"--schools {general}: {exc}.") from exc
        with transaction.atomic():
            users = {
                name: self._user(name, role, first, last)
                for name, role, first, last, _ in DEMO_USERS[:3]
            }
            content = registry_template(registry)
            report = registry_import(
                filename="demo-registry.xlsx", data=content, user=users["specialist"], commit=True
            )
            if not report.committed:
                raise CommandError(
                    "Демо-реестр не загрузился:\n" + "\n".join(str(p) for p in report.errors)
                )
            for name, role, first, last, login in DEMO_USERS[3:]:
                self._user(name, role, first, last, School.objects.get(login=login))
            self._load_other_apps(users["specialist"], general, years)
        elapsed = time.monotonic() - started
        summary = report.summary()
        self.stdout.write(
            f"Демо-данные загружены за {elapsed:.1f} с: ОО добавлено {summary['school_create']}, "
            f"паспортов добавлено {summary['passport_create']}."
        )
        if not options["quiet"]:
            self.stdout.write(f"Вход в портал (пароль у всех одинаковый: {DEMO_PASSWORD}):")
            for name, role, *_rest in DEMO_USERS:
                self.stdout.write(f"  {Role(role).label:<32} логин: {name}")

    def _user(
        self, username: str, role: str, first: str, last: str, school: School | None = None
    ) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "first_name": first, "last_name": last, "school": school},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = role == Role.ADMIN
            user.email = f"{username}@svetlorechensk-edu.ru"
            user.save()
        return user

    def _load_other_apps(
        self, specialist: User, general: int | None, years: tuple[int, ...]
    ) -> None:
        """Each app's demo module adds its own data: assessments, then road maps.

        Only the results grow with --schools / --years; the road maps are the
        municipality's own and stay as they are.
        """
        for app in ("assessments", "roadmaps"):
            module = import_module(f"{app}.demo")
            if app == "assessments":
                message = module.load_demo(specialist=specialist, general=general, years=years)
            else:
                message = module.load_demo(specialist=specialist)
            if message:
                self.stdout.write(message)
        self.stdout.write(import_module("assessments.demo_olympiad").load_demo(general, years))
        self.stdout.write(import_module("assessments.demo_medalists").load_demo(years))
        self.stdout.write(self._compute_figures())
        self.stdout.write(self._identify(years))
        for name in ("roadmaps.demo_risks", "roadmaps.demo_decisions", "roadmaps.demo_collections"):
            if find_spec(name) is not None:  # the «500+» work and the register of decisions
                message = import_module(name).load_demo(specialist=specialist, year=years[-1])
                if message:
                    self.stdout.write(message)

    @staticmethod
    def _identify(years: tuple[int, ...]) -> str:
        """Run the shipped ШНСУ and ШНОР rules as a specialist would: every year's ШНСУ list
        confirmed, last year's ШНОР list confirmed and this year's left as a draft."""
        import datetime

        from reports.models import RuleVersion, SchoolList
        from reports.services import identification_run_now, list_confirm
        from schools.models import Municipality

        shnsu = RuleVersion.objects.filter(rule__code="shnsu_basic").order_by("-version").first()
        shnor = RuleVersion.objects.filter(rule__code="shnor_basic").order_by("-version").first()
        if shnsu is None or shnor is None:
            return "Правила отбора не найдены: перечни не составлены."
        listed = []
        for municipality in Municipality.objects.filter(schools__isnull=False).distinct():
            if SchoolList.objects.filter(municipality=municipality).exists():
                continue  # loaded before: the lists are the department's now
            for year in years:
                run = identification_run_now(
                    version=shnsu, municipality=municipality, year=year, user=None
                )
                list_confirm(
                    school_list=run.school_list,
                    act_number=f"{year % 100}-ШНСУ",
                    act_date=datetime.date(year, 9, 1),
                    user=None,
                )
            for year in years[-2:]:
                run = identification_run_now(
                    version=shnor, municipality=municipality, year=year, user=None
                )
                listed.append(f"{year}: {run.listed}")
                if year != years[-1]:
                    list_confirm(
                        school_list=run.school_list,
                        act_number=f"{year % 100}-ШНОР",
                        act_date=datetime.date(year, 9, 15),
                        user=None,
                    )
        if not listed:
            return "Перечни ШНОР и ШНСУ уже составлены."
        return "ШНОР по базовому правилу — " + ", ".join(listed) + "."

    @staticmethod
    def _compute_figures() -> str:
        """Store the figures of every campaign that has none yet, as the import jobs would."""
        from assessments.models import Campaign, FiguresRun
        from assessments.services.figures import (
            figures_compute,
            figures_municipalities,
            year_figures_compute,
        )
        from assessments.services.pooled import POOLED_SUBJECTS

        runs = 0
        for campaign in Campaign.objects.filter(figure_runs__isnull=True).select_related(
            "procedure", "subject"
        ):
            for municipality_id in figures_municipalities(campaign):
                figures_compute(campaign=campaign, municipality_id=municipality_id)
                runs += 1
        # the year's pooled share of «2» (ВПР, ОГЭ), where it is not stored yet
        pooled = 0
        for procedure, year, municipality_id in sorted(
            set(
                Campaign.objects.filter(procedure__code__in=POOLED_SUBJECTS)
                .values_list("procedure__code", "year", "results__school__municipality_id")
                .order_by()
                .distinct()
            )
        ):
            if (
                municipality_id is None
                or FiguresRun.objects.filter(
                    campaign=None, procedure=procedure, year=year, municipality_id=municipality_id
                ).exists()
            ):
                continue
            year_figures_compute(procedure=procedure, year=year, municipality_id=municipality_id)
            pooled += 1
        return f"Показатели кампаний: рассчитано {runs}; показатели года: {pooled}."
