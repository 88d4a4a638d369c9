"""Demo data of the «500+» work: five weak rural schools of the demo municipality (schools/
demo.py) get a risk profile of the year, an anti-risk programme of their two or three
worst risks, and the demo specialist as curator; some past measures are done, some are
late. One of them is the second demo director's school, so he sees his programme.

Idempotent: a school that already has a profile of the year is left as it is, and the
programme service adds nothing twice.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from msoko.models import User
from roadmaps.choices import IndicatorKind, OccurrenceStatus
from roadmaps.models import Evidence, Occurrence, RiskSource, SchoolCurator, SchoolRisk
from roadmaps.services_risks import curator_assign, risk_programme_create, risks_valid_in
from schools.models import School

# Каменская (the second demo director's), Луговская, Красноборская, Дубровская, Горская.
SCHOOL_LOGINS = ("edu330202", "edu330206", "edu330208", "edu330210", "edu330214")
EVIDENCE = {
    "high": "По анкетированию обучающихся, родителей и педагогов показатель в худшей трети "
    "школ муниципалитета.",
    "medium": "Показатель анкетирования около среднего по муниципалитету.",
}


def _level(value: Decimal) -> str:
    if value >= 60:
        return "high"
    if value >= 40:
        return "medium"
    return "low"


@transaction.atomic
def load_demo(*, specialist: User, year: int) -> str:
    """Risk profiles, programmes and curators of the demo's weak schools for `year`;
    returns a line for the command's output ("" when everything was there)."""
    today = timezone.localdate()
    schools = list(School.objects.filter(login__in=SCHOOL_LOGINS).order_by("login"))
    risks = list(risks_valid_in(year).order_by("order", "code"))
    if not schools or not risks:
        return ""
    profiles = 0
    for school in schools:
        rnd = random.Random(f"{school.login}-{year}")
        if not SchoolCurator.objects.filter(school=school).exists():
            curator_assign(
                school=school,
                curator=specialist,
                user=specialist,
                since=datetime.date(year, 1, 15),
            )
        if SchoolRisk.objects.filter(school=school, year=year).exists():
            continue
        values = {risk.pk: Decimal(rnd.randint(15, 85)) for risk in risks}
        worst = sorted(risks, key=lambda risk: -values[risk.pk])[: rnd.choice((2, 3))]
        SchoolRisk.objects.bulk_create(
            SchoolRisk(
                school=school,
                year=year,
                risk=risk,
                value=values[risk.pk],
                level=_level(values[risk.pk]),
                selected=risk in worst,
                evidence=EVIDENCE.get(_level(values[risk.pk]), "") if risk in worst else "",
                source=RiskSource.IMPORT,
                updated_by=specialist,
            )
            for risk in risks
        )
        profiles += 1
        # The programme was made in mid-January of the year, after the survey.
        programme = risk_programme_create(
            school=school, year=year, user=specialist, today=datetime.date(year, 1, 15)
        )
        _statuses(programme.roadmap_id, specialist, rnd, today)
    if not profiles:
        return ""
    return f"Проект «500+»: риск-профили и антирисковые программы {year} г. — ОО: {profiles}."


def _statuses(roadmap_id: int, specialist: User, rnd: random.Random, today: datetime.date) -> None:
    """Past occurrences: about half done (with a link or a value), some in work, the rest
    late; a few of the coming ones in work."""
    done: list[int] = []
    in_progress: list[int] = []
    evidence: list[Evidence] = []
    values: dict[int, Decimal] = {}
    occurrences = Occurrence.objects.filter(
        task__roadmap_id=roadmap_id, status=OccurrenceStatus.NOT_STARTED
    ).select_related("task")
    for occurrence in occurrences:
        roll = rnd.random()
        if occurrence.due < today and roll < 0.55:
            done.append(occurrence.pk)
            if occurrence.task.indicator_kind == IndicatorKind.NUMBER:
                target = occurrence.task.target_value or Decimal(1)
                values[occurrence.pk] = target + rnd.choice((Decimal(0), Decimal(1), Decimal(5)))
            else:
                evidence.append(
                    Evidence(
                        occurrence=occurrence,
                        link=f"https://svetlorechensk-edu.ru/500plus/{occurrence.pk}",
                        comment="Документ размещён на сайте школы.",
                        added_by=specialist,
                    )
                )
        elif roll < 0.7:
            in_progress.append(occurrence.pk)
    Evidence.objects.bulk_create(evidence)
    Occurrence.objects.filter(pk__in=done).update(
        status=OccurrenceStatus.DONE,
        completed_at=timezone.now(),
        completed_by=specialist,
        comment="Выполнено, подтверждение приложено.",
    )
    for pk, value in values.items():
        Occurrence.objects.filter(pk=pk).update(achieved_value=value)
    Occurrence.objects.filter(pk__in=in_progress).update(status=OccurrenceStatus.IN_PROGRESS)
    Occurrence.objects.filter(task__roadmap_id=roadmap_id, due__lt=today).exclude(
        status__in=(OccurrenceStatus.DONE, OccurrenceStatus.CANCELLED)
    ).update(is_overdue=True)
