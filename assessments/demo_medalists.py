"""Demo medalists, loaded by `manage.py load_demo` after the demo ЕГЭ (assessments.demo):
three years (schools.demo.DEMO_YEARS), with their stored «ege» year figures.

The medalists are taken from each school's demo ЕГЭ results (русский язык and математика
профиль, by participant code): about 4 % of a school's graduates get I степени and 3 %
II степени, the best by the sum of the two test scores, so most medals are confirmed. In
the two schools whose ВПР are inflated (assessments.demo.INFLATED) the medals are too: two
more I степени go to middling graduates, whose ЕГЭ does not confirm them, and in the last
year one medalist of СОШ № 5 has no ЕГЭ under his code at all. The demo ЕГЭ has two
subjects only, so «220+ on three subjects» and «3+ above the minimum» are 0 in the demo.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction

from assessments.demo import INFLATED, PEAKS
from assessments.models import Medalist, Result
from assessments.services.figures import year_figures_compute
from schools.demo import DEMO_OKTMO, DEMO_YEARS
from schools.models import School

FIRST_SHARE = 0.04
SECOND_SHARE = 0.03
INFLATED_EXTRA = 2


def _school_medalists(
    scores: dict[str, dict[str, int]], login: str, year: int, last_year: int
) -> list[tuple[str, str]]:
    """(participant code, medal) for one school and year."""
    rnd = random.Random(f"medalists-{year}-{login}")
    ranked = sorted(
        (code for code, by in scores.items() if {"russian", "math_profile"} <= set(by)),
        key=lambda code: (-(scores[code]["russian"] + scores[code]["math_profile"]), code),
    )
    if not ranked:
        return []
    first = max(1, round(len(ranked) * FIRST_SHARE))
    second = round(len(ranked) * SECOND_SHARE)
    chosen = [(code, "first") for code in ranked[:first]]
    chosen += [(code, "second") for code in ranked[first : first + second]]
    if login in INFLATED:
        middle = ranked[len(ranked) // 3 : 2 * len(ranked) // 3]
        for code in rnd.sample(middle, min(INFLATED_EXTRA, len(middle))):
            chosen.append((code, "first"))
    if login == PEAKS and year == last_year:
        chosen.append((f"11{login[-3:]}999", "first"))  # a code the ЕГЭ protocols lack
    return chosen


@transaction.atomic
def load_demo(years: Sequence[int] = DEMO_YEARS) -> str:
    """Load the demo medalists (idempotent: a year already there is skipped) and store the
    «ege» year figures; return a line for the command's output."""
    schools = {
        s.pk: s for s in School.objects.filter(municipality__oktmo=DEMO_OKTMO, is_active=True)
    }
    if not schools:
        return ""
    municipality_id = next(iter(schools.values())).municipality_id
    loaded = added = 0
    for year in years:
        if Medalist.objects.filter(year=year, school__in=list(schools)).exists():
            continue
        scores: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for school_id, code, subject, score in Result.objects.filter(
            campaign__procedure__code="ege",
            campaign__year=year,
            school_id__in=list(schools),
            absent=False,
            test_score__isnull=False,
        ).values_list("school_id", "participant_code", "campaign__subject__code", "test_score"):
            scores[school_id][code][subject] = int(score or 0)
        rows = [
            Medalist(year=year, school_id=school_id, participant_code=code, medal=medal)
            for school_id in sorted(scores)
            for code, medal in _school_medalists(
                scores[school_id], schools[school_id].login, year, years[-1]
            )
        ]
        Medalist.objects.bulk_create(rows)
        loaded += 1
        added += len(rows)
    for year in years:  # the figures the jobs after each ЕГЭ import would store
        year_figures_compute(procedure="ege", year=year, municipality_id=municipality_id)
    if not loaded:
        return "Медалисты: уже загружены, показатели ЕГЭ по выпускникам пересчитаны."
    return f"Медалисты: загружено лет {loaded}, медалистов {added}; показатели рассчитаны."
