"""Demo ВсОШ results, loaded by `manage.py load_demo`: three years (schools.demo.DEMO_YEARS)
of the school and municipal stages for the demo municipality's general schools, with their
stored year figures.

Believable numbers from fixed seeds: at the school stage a school writes about 20–60
participations per 100 pupils, more where its social context is favourable (schools.demo:
0 favourable … 1 poor); about 5 % of participations win and 15 % are prize-winners. The
municipal stage takes the school stage's winners and prize-winners of grades 7–11 and a few
more, and gives about 4 % winners and 14 % prize-winners, again more in favourable context.
Participants are participant codes only («26-101-0042»: year, school, number), never names.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.db import transaction

from assessments.models import OlympiadResult, Subject
from assessments.selectors import school_takes_grade
from assessments.services.figures import year_figures_compute
from schools.demo import DEMO_OKTMO, DEMO_YEARS, demo_schools
from schools.models import School, SocialPassport

# Subject code → (first grade, share of the school stage's participations).
SUBJECTS: dict[str, tuple[int, float]] = {
    "russian": (4, 0.20),
    "math": (4, 0.24),
    "english": (5, 0.12),
    "biology": (5, 0.09),
    "history": (5, 0.08),
    "literature": (5, 0.07),
    "social": (6, 0.07),
    "physics": (7, 0.06),
    "informatics": (5, 0.04),
    "chemistry": (8, 0.03),
}
MUNICIPAL_FROM_GRADE = 7


def _score(rnd: random.Random, status: str) -> float:
    low, high = {"winner": (80, 100), "prize": (55, 80)}.get(status, (10, 60))
    return round(rnd.uniform(low, high), 1)


def _status(rnd: random.Random, context: float, winners: float, prizes: float) -> str:
    boost = 1.4 - 0.8 * context  # favourable context: more diplomas
    draw = rnd.random()
    if draw < winners * boost:
        return "winner"
    if draw < (winners + prizes) * boost:
        return "prize"
    return "participant"


@transaction.atomic
def load_demo(general: int | None = None, years: Sequence[int] = DEMO_YEARS) -> str:
    """Load the demo olympiad results (idempotent: a year already there is skipped) and
    store their year figures; return a line for the command's output."""
    by_login = {s.login: s for s in demo_schools(general)}
    schools = list(
        School.objects.filter(login__in=by_login, municipality__oktmo=DEMO_OKTMO, is_active=True)
        .general()
        .order_by("login")
    )
    if not schools:
        return ""
    municipality_id = schools[0].municipality_id
    subjects = {s.code: s for s in Subject.objects.filter(code__in=SUBJECTS)}
    loaded = skipped = rows_total = 0
    for year in years:
        if OlympiadResult.objects.filter(year=year, school__in=schools).exists():
            skipped += 1
            continue
        pupils = dict(
            SocialPassport.objects.filter(year=year, school__in=schools).values_list(
                "school_id", "pupils_total"
            )
        )
        rows: list[OlympiadResult] = []
        for school in schools:
            demo = by_login[school.login]
            rnd = random.Random(f"vsosh-{year}-{school.login}")
            enrolled = pupils.get(school.pk, demo.size)
            per_pupil = 0.6 - 0.42 * demo.context + rnd.uniform(-0.05, 0.05)
            number = 0
            promoted: list[OlympiadResult] = []
            for code, (first_grade, share) in SUBJECTS.items():
                grades = [
                    g for g in range(first_grade, 12) if school_takes_grade(school.org_type, g)
                ]
                if code not in subjects or not grades:
                    continue
                count = round(enrolled * per_pupil * share * rnd.uniform(0.8, 1.2))
                for _ in range(count):
                    number += 1
                    status = _status(rnd, demo.context, 0.05, 0.15)
                    row = OlympiadResult(
                        year=year,
                        stage="school",
                        subject=subjects[code],
                        grade=rnd.choice(grades),
                        school=school,
                        participant_code=f"{year % 100:02d}-{school.login[-3:]}-{number:04d}",
                        score=_score(rnd, status),
                        max_score=100,
                        status=status,
                    )
                    rows.append(row)
                    if row.grade >= MUNICIPAL_FROM_GRADE and (
                        status != "participant" or rnd.random() < 0.03
                    ):
                        promoted.append(row)
            for row in promoted:
                status = _status(rnd, demo.context, 0.04, 0.14)
                rows.append(
                    OlympiadResult(
                        year=year,
                        stage="municipal",
                        subject=row.subject,
                        grade=row.grade,
                        school=school,
                        participant_code=row.participant_code,
                        score=_score(rnd, status),
                        max_score=100,
                        status=status,
                    )
                )
        OlympiadResult.objects.bulk_create(rows, batch_size=2000)
        loaded += 1
        rows_total += len(rows)
    for year in years:  # the figures the import job would store
        year_figures_compute(procedure="vsosh", year=year, municipality_id=municipality_id)
    if not loaded:
        return f"ВсОШ: результаты уже загружены ({skipped} г.), показатели пересчитаны."
    return f"ВсОШ: загружено лет {loaded}, результатов {rows_total}; показатели рассчитаны."
