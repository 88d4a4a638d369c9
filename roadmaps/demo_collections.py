"""Demo data of data collections: the monitoring that is not assessment results.

For the demo municipality: the professional development of teachers (2.2) and career
guidance (1.4) collected and approved in the two years before the last, so the direction
dashboards have a trend; in the last year the teachers' collection is open — most schools
have handed in, two were returned for correction, the two demo directors' schools have
not (they find it in «Мои задачи») — and the monitoring of directors' effectiveness (2.1)
runs «1 раз в 3 года для каждой ОО». Survey aggregates of the survey indicators are loaded
for the last two years. Values are made up, seeded per school, plausible (a share's
numerator never above its denominator) and move a little from year to year.

Idempotent: nothing is added when the municipality has a collection already.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments import catalogue
from assessments import collected as col
from assessments.services.collected import collected_store
from msoko.models import User
from roadmaps import services
from roadmaps.demo import CURRENT_TITLE
from roadmaps.models import (
    Collection,
    Direction,
    Roadmap,
    Section,
    Submission,
    SubmissionStatus,
    Task,
)
from roadmaps.services import section_save
from roadmaps.services_collections import (
    collection_approve,
    collection_open,
    submission_per,
    submission_return,
    submission_submit,
    typed_indicators,
    values_save,
)
from roadmaps.services_surveys import SurveyChecked, survey_indicators, survey_key, survey_values
from schools.demo import DEMO_OKTMO
from schools.models import Municipality, School

APPROVED_SETS = ("set.teachers", "set.career")
OPEN_SET = "set.teachers"
ROTATION_SET = "set.heads"
# The schools of the two demo directors (reports/management/commands/load_demo.py).
DIRECTOR_SCHOOLS = ("edu330101", "edu330202")
RETURNED = ("edu330103", "edu330205")
REASON = "Численность педагогов не совпадает с данными ОО-1: проверьте и сдайте снова."


def _school_factor(school: School) -> float:
    return random.Random(f"collection-{school.login}").uniform(0.35, 0.9)


def _values(submission: Submission, year: int) -> dict[str, Any]:
    """Plausible values of a submission's typed indicators."""
    school = submission.school
    rnd = random.Random(
        f"{school.login if school else 'mo'}-{submission.collection.set_code}-{year}"
    )
    factor = _school_factor(school) if school else 0.7
    drift = (year - 2024) * 0.03
    indicators = typed_indicators(submission.collection, submission_per(submission))
    collects = catalogue.collects()
    denominators = {c.denominator: c.numerator for c in collects.values() if c.derived}
    numerators = {c.numerator: c.denominator for c in collects.values() if c.derived}
    values: dict[str, Any] = {}
    for indicator in indicators:
        code = indicator.code
        collect = indicator.collect
        assert collect is not None
        if collect.kind == col.COUNT and code in denominators:
            base = 300 if "pupil" in code or "children" in code else 30
            values[code] = max(
                1, int(base * random.Random(f"size-{school and school.login}").uniform(0.3, 1.6))
            )
    for indicator in indicators:
        code = indicator.code
        collect = indicator.collect
        assert collect is not None
        if code in values:
            continue
        if collect.kind == col.COUNT and code in numerators:
            total = values.get(numerators[code] or "", 20)
            share = min(1.0, max(0.0, factor + drift + rnd.uniform(-0.15, 0.1)))
            values[code] = int(total * share)
        elif collect.kind == col.COUNT:
            top = int(collect.maximum) if collect.maximum is not None else 12
            low = int(collect.minimum) if collect.minimum is not None else 0
            number = rnd.randint(low, max(low, min(top, 12)))
            values[code] = number if collect.integer else Decimal(number) + Decimal("0.5")
        elif collect.kind == col.BOOL:
            values[code] = "да" if rnd.random() < factor + 0.2 else "нет"
        elif collect.kind == col.DOCUMENT:
            if rnd.random() < factor + 0.25:
                values[code] = f"Приказ № {rnd.randint(10, 250)} от 01.09.{year}"
            else:
                values[code] = "нет"
        elif collect.kind == col.SHARE:  # a typed share (not a survey one): within limits
            values[code] = f"{rnd.uniform(20, 95):.1f}".replace(".", ",")
    return values


def _fill(collection: Collection, user: User, year: int, *, submit: bool = True) -> None:
    for submission in collection.submissions.select_related("school", "collection"):
        values_save(submission=submission, user=user, raw=_values(submission, year), reason="демо")
        if submit:
            submission_submit(submission=submission, user=user)


# The tasks of the demo's current road map the collections answer (added to it when it
# has none of the direction): direction, title, deadline phrase, indicator.
TASKS = {
    "2.2": (
        "Мониторинг профессионального развития педагогических работников: сбор сведений от ОО",
        "ежегодно, декабрь",
        "не менее 5 % педагогов ежегодно проходят диагностику профессиональных дефицитов",
    ),
    "2.1": (
        "Мониторинг эффективности руководителей образовательных организаций",
        "1 раз в 3 года для каждой образовательной организации",
        "Наличие аналитической справки по итогам мониторинга",
    ),
}


def _task(specialist: User, direction: str) -> Task | None:
    """The current road map's task of `direction` that a collection answers."""
    roadmap = Roadmap.objects.filter(title=CURRENT_TITLE).first()
    if roadmap is None or direction not in TASKS:
        return None
    title, deadline, indicator = TASKS[direction]
    found = roadmap.tasks.filter(title=title).first()
    if found is not None:
        return found
    section = roadmap.sections.filter(direction__code=direction).first()
    if section is None:
        record = Direction.objects.get(code=direction)
        section = section_save(
            section=Section(roadmap=roadmap, direction=record, title=record.title)
        )
    numbers = [int(n) for n in roadmap.tasks.values_list("number", flat=True) if n.isdigit()]
    task = Task(
        roadmap=roadmap,
        section=section,
        number=str(max(numbers, default=0) + 1),
        title=title,
        deadline_text=deadline,
        responsible_units="Отдел общего образования",
    )
    services._apply_indicator(task, indicator)
    return services.task_save(task=task, user=specialist)


@transaction.atomic
def load_demo(*, specialist: User, year: int) -> str:
    """The demo municipality's collections; a line for the command's output ("" if none)."""
    municipality = Municipality.objects.filter(oktmo=DEMO_OKTMO).first()
    if municipality is None or Collection.objects.filter(municipality=municipality).exists():
        return ""
    if not all(code in catalogue.SETS for code in (*APPROVED_SETS, ROTATION_SET)):
        return ""
    task = _task(specialist, "2.2")
    opened = 0
    for past in (year - 2, year - 1):
        for set_code in APPROVED_SETS:
            collection = collection_open(
                user=specialist,
                municipality=municipality,
                set_code=set_code,
                year=past,
                deadline=datetime.date(past, 12, 1),
            )
            _fill(collection, specialist, past)
            collection_approve(collection=collection, user=specialist)
            opened += 1
    current = collection_open(
        user=specialist,
        municipality=municipality,
        set_code=OPEN_SET,
        year=year,
        deadline=datetime.date(year, 12, 15),
        task=task,
    )
    for submission in current.submissions.select_related("school", "collection"):
        login = submission.school.login if submission.school else ""
        if login in DIRECTOR_SCHOOLS:
            if login == DIRECTOR_SCHOOLS[1]:  # begun, not handed in
                values = _values(submission, year)
                values_save(
                    submission=submission,
                    user=specialist,
                    raw=dict(list(values.items())[:3]),
                    reason="демо",
                )
            continue
        values_save(
            submission=submission, user=specialist, raw=_values(submission, year), reason="демо"
        )
        submission_submit(submission=submission, user=specialist)
        if login in RETURNED:
            submission_return(submission=submission, user=specialist, reason=REASON)
    rotation = collection_open(
        user=specialist,
        municipality=municipality,
        set_code=ROTATION_SET,
        year=year,
        deadline=datetime.date(year, 12, 20),
        rotation=3,
        task=_task(specialist, "2.1"),
    )
    opened += 2
    surveys = _surveys(municipality, (year - 1, year))
    submitted = (
        current.submissions.filter(status=SubmissionStatus.SUBMITTED).exclude(school=None).count()
    )
    return (
        f"Сбор данных: сборов {opened} (утверждено {opened - 2}); в сборе {year} года сдали "
        f"{submitted} ОО из {current.submissions.exclude(school=None).count()}; в ротации "
        f"«1 раз в 3 года» в {year} году — {rotation.submissions.exclude(school=None).count()} ОО; "
        f"значений анкетирования {surveys}."
    )


def _surveys(municipality: Municipality, years: tuple[int, ...]) -> int:
    """Survey aggregates of every survey indicator for every active school of the years."""
    schools = list(
        School.objects.filter(municipality=municipality, is_active=True).order_by("login")
    )
    indicators = survey_indicators()
    stored = 0
    for year in years:
        checked = SurveyChecked(year=year, municipality_id=municipality.pk)
        for school in schools:
            for indicator in indicators:
                rnd = random.Random(f"survey-{school.login}-{indicator.code}-{year}")
                collect = indicator.collect
                assert collect is not None
                if collect.kind == col.SHARE:
                    value = Decimal(f"{rnd.uniform(35, 92):.1f}")
                elif collect.kind == col.COUNT:
                    value = Decimal(rnd.randint(1, 20))
                else:
                    value = Decimal(1 if rnd.random() < 0.7 else 0)
                checked.values[(school.pk, indicator.code)] = (value, rnd.randint(8, 120))
                checked.codes.add(indicator.code)
        collected_store(
            municipality_id=municipality.pk,
            year=year,
            source_key=survey_key(year),
            codes=checked.codes,
            values=survey_values(checked),
            sources=[{"demo": True}],
        )
        stored += len(checked.values)
    return stored
