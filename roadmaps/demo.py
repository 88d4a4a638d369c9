"""Demo data of the roadmaps app, loaded by `manage.py load_demo` after the registry.

Loads every road map of the seed documents (fixtures/roadmaps/seed_*.json) as it is, in
the archive: they are real documents of 2020–2023, kept as written (their years are not
moved), and an approved one would make every task of theirs «просрочено» today. One more is
the demo municipality's current road map: a copy of the Акуша road map moved to the current
years, so that «Мои задачи», the calendar and the reminders have dates around today.
Some tasks are assigned to demo schools (the demo directors' ones among them) and the
occurrences get believable statuses: most past ones done with evidence, some overdue,
some in progress. Idempotent: a road map whose title and act number exist is skipped.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from msoko.models import User
from roadmaps.choices import (
    CycleElement,
    DocumentKind,
    IndicatorKind,
    OccurrenceStatus,
    RoadmapStatus,
)
from roadmaps.models import (
    CycleAssessment,
    Direction,
    ElementScore,
    Evidence,
    Occurrence,
    Roadmap,
    Task,
)
from roadmaps.services import FIXTURES_DIR, directions_load, occurrences_sync, roadmap_load
from schools.models import Municipality, School

DEMO_OKTMO = "17650000"
CURRENT_SOURCE = "seed_002_akusha_app1.json"
CURRENT_TITLE = "Дорожная карта по повышению качества образования Светлореченского МО"
SCHOOL_LOGINS = ("edu330101", "edu330102", "edu330103", "edu330202", "edu330205")
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")


_RENAMES = (
    (re.compile(r"[Мм]униципального образования «Акушинский\s+район»"), "Светлореченского МО"),
    (re.compile(r"МО «Акушинский\s+район»"), "Светлореченского МО"),
    (re.compile(r"Акушинском\s+районе"), "Светлореченском МО"),
    (re.compile(r"Акушинский\s+район"), "Светлореченский МО"),
)


def _walk(value: Any, text: Any, number: Any) -> Any:
    """Apply `text` to every string and `number` to every int of a fixture."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [_walk(item, text, number) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, text, number) for key, item in value.items()}
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return value


def _shift_years(value: Any, shift: int) -> Any:
    """Move every year in the fixture by `shift` (deadline phrases, act date, period)."""
    return _walk(
        value,
        lambda text: _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text),
        lambda number: number + shift if 2000 <= number <= 2100 else number,
    )


def _renamed(value: Any) -> Any:
    """The Акуша road map, spoken of as the demo municipality's own."""

    def rename(text: str) -> str:
        for pattern, replacement in _RENAMES:
            text = pattern.sub(replacement, text)
        return text

    return _walk(value, rename, lambda number: number)


def _exists(data: dict[str, Any]) -> bool:
    return Roadmap.objects.filter(
        title=str(data["title"]).strip()[:500], act_number=str(data["act"].get("number") or "")
    ).exists()


@transaction.atomic
def load_demo(*, specialist: User) -> str:
    """Load the demo data (idempotent); return a line for the command's output, or ""."""
    directions_load()
    municipality = Municipality.objects.filter(oktmo=DEMO_OKTMO).first()
    loaded = 0
    for path in sorted(Path(FIXTURES_DIR).glob("seed_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if _exists(data):
            _archive_if_over(data)
            continue
        roadmap_load(
            data=data,
            owner=specialist,
            municipality=municipality,
            status=RoadmapStatus.ARCHIVED,
        )
        loaded += 1
    current = _current_roadmap(specialist, municipality)
    _demo_cycle(specialist, municipality)
    _link_documents()
    if not loaded and current is None:
        return ""
    return f"Дорожные карты: загружено {loaded + (current is not None)}."


# Tasks whose indicator is a document the portal writes: generating it for a year files it as
# the evidence of that year's occurrence (reports/services_documents.py).
DOCUMENT_TASKS = (
    (CURRENT_TITLE, "Проведение анализа по результатам ВПР", DocumentKind.VPR),
    (CURRENT_TITLE, "Проведение анализа результатов ГИА", DocumentKind.GIA),
    (CURRENT_TITLE, "Проведение комплексного сопоставительного анализа", DocumentKind.COMPLEX),
    (None, "Ежегодный доклад «О состоянии системы образования", DocumentKind.ANNUAL),
    (
        None,
        "Ежегодный методический анализ результатов ГИА. Анализ результатов ВПР",
        DocumentKind.VPR,
    ),
)


def _link_documents() -> None:
    for roadmap_title, start, kind in DOCUMENT_TASKS:
        tasks = Task.objects.filter(title__startswith=start, report_kind="")
        if roadmap_title:
            tasks = tasks.filter(roadmap__title=roadmap_title)
        tasks.update(report_kind=kind)


def _archive_if_over(data: dict[str, Any]) -> None:
    """A seed road map loaded by an older demo as approved goes to the archive once its
    period is over (a demo database in ./var outlives upgrades)."""
    Roadmap.objects.filter(
        title=str(data["title"]).strip()[:500],
        act_number=str(data["act"].get("number") or ""),
        status=RoadmapStatus.APPROVED,
        end_year__lt=timezone.localdate().year,
    ).update(status=RoadmapStatus.ARCHIVED)


def _current_roadmap(specialist: User, municipality: Municipality | None) -> Roadmap | None:
    today = timezone.localdate()
    data = json.loads((Path(FIXTURES_DIR) / CURRENT_SOURCE).read_text(encoding="utf-8"))
    shift = today.year - 1 - int(data["period"][0])  # last year, this year, next year
    data = _renamed(_shift_years(data, shift))
    data["title"] = CURRENT_TITLE
    data["act"] = {
        "kind": "приказ",
        "number": "112-од",
        "date": f"{today.year - 2}-12-20",
        "issuer": "Управление образования администрации Светлореченского МО",
    }
    if _exists(data):
        return None
    roadmap = roadmap_load(data=data, owner=specialist, municipality=municipality)
    schools = list(School.objects.filter(login__in=SCHOOL_LOGINS).order_by("login"))
    rnd = random.Random(2026)
    leaves = [t for t in roadmap.tasks.order_by("sort_key") if not t.children.exists()]
    for index, task in enumerate(leaves):
        if schools and index % 2 == 0:
            task.responsible_schools.set(
                rnd.sample(schools, k=min(len(schools), rnd.randint(2, 4)))
            )
            if index % 4 == 0:
                # The demo directors' schools must have tasks to show.
                task.responsible_schools.add(
                    *[s for s in schools if s.login in ("edu330101", "edu330202")]
                )
            occurrences_sync(task=task)
        if index % 3 == 0:
            task.responsible_users.add(specialist)
    _demo_statuses(roadmap, specialist, rnd, today)
    return roadmap


def _demo_statuses(
    roadmap: Roadmap, specialist: User, rnd: random.Random, today: datetime.date
) -> None:
    """Past occurrences: mostly done with evidence, some overdue; near ones: some in work."""
    done: list[int] = []
    in_progress: list[int] = []
    evidence: list[Evidence] = []
    values: dict[int, Decimal] = {}
    now = timezone.now()
    for occurrence in Occurrence.objects.filter(task__roadmap=roadmap).select_related("task"):
        roll = rnd.random()
        if occurrence.due < today and roll < 0.75:
            done.append(occurrence.pk)
            if occurrence.task.indicator_kind == IndicatorKind.NUMBER:
                target = occurrence.task.target_value or Decimal(1)
                values[occurrence.pk] = target + rnd.choice(
                    [Decimal(-1), Decimal(0), Decimal(1), Decimal(2)]
                )
            else:
                evidence.append(
                    Evidence(
                        occurrence=occurrence,
                        link=f"https://svetlorechensk-edu.ru/docs/{occurrence.pk}",
                        comment="Документ размещён на сайте управления образования.",
                        added_by=specialist,
                    )
                )
        elif (occurrence.due >= today and roll < 0.35) or (occurrence.due < today and roll < 0.85):
            in_progress.append(occurrence.pk)
    Evidence.objects.bulk_create(evidence)
    Occurrence.objects.filter(pk__in=done).update(
        status=OccurrenceStatus.DONE,
        completed_at=now,
        completed_by=specialist,
        comment="Выполнено, подтверждение приложено.",
    )
    for pk, value in values.items():
        Occurrence.objects.filter(pk=pk).update(achieved_value=value)
    Occurrence.objects.filter(pk__in=in_progress).update(status=OccurrenceStatus.IN_PROGRESS)
    Occurrence.objects.filter(task__roadmap=roadmap, due__lt=today).exclude(
        status=OccurrenceStatus.DONE
    ).update(is_overdue=True)


def _demo_cycle(specialist: User, municipality: Municipality | None) -> None:
    """Self-assessments of last year for four directions."""
    year = timezone.localdate().year - 1
    rnd = random.Random(year)
    tasks = list(Task.objects.filter(roadmap__title=CURRENT_TITLE).order_by("sort_key")[:20])
    for code in ("1.1", "1.2", "1.3", "2.2"):
        direction = Direction.objects.filter(code=code).first()
        if (
            direction is None
            or CycleAssessment.objects.filter(
                direction=direction, year=year, municipality=municipality
            ).exists()
        ):
            continue
        assessment = CycleAssessment.objects.create(
            direction=direction,
            year=year,
            municipality=municipality,
            updated_by=specialist,
            comment="Самооценка по итогам года, проведена рабочей группой управления.",
        )
        for element in CycleElement.values:
            row = ElementScore.objects.create(
                assessment=assessment,
                element=element,
                score=rnd.choice([0, 1, 1, 2, 2, 2]),
                comment="Подтверждено документами управления." if rnd.random() < 0.6 else "",
            )
            if tasks and rnd.random() < 0.5:
                row.tasks.add(rnd.choice(tasks))
