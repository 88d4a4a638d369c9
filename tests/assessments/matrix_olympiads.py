"""Permission-matrix cases of the olympiads pages (see tests/test_permissions.py), and the
small ВсОШ year that the matrix and the olympiad tests share."""

from __future__ import annotations

from typing import Any

from assessments.models import OlympiadResult, Subject
from assessments.services.figures import year_figures_compute
from tests.matrix import OWN_SCHOOL, Case, everyone

CASES: dict[str, Case] = {
    # The summary reads the user's municipality (or the chosen one): no object in the URL.
    "assessments:olympiad_summary": Case(everyone(200)),
    # A school's page: a director sees only his own school, another municipality's is 404.
    "assessments:olympiad_school": Case(OWN_SCHOOL, args=lambda w: [w["school_a"].pk]),
}

YEAR = 2025  # the world's passport of school A is of 2025; school B has none
# (stage, subject code, grade, participant code, status) for school A and school B.
RESULTS_A: tuple[tuple[str, str, int, str, str], ...] = (
    ("school", "russian", 7, "a-101", "winner"),
    ("school", "russian", 8, "a-102", "prize"),
    ("school", "math", 7, "a-101", "prize"),
    ("school", "math", 9, "a-103", "participant"),
    ("municipal", "math", 7, "a-101", "participant"),
)
RESULTS_B: tuple[tuple[str, str, int, str, str], ...] = (
    ("school", "russian", 7, "b-201", "participant"),
    ("school", "math", 8, "b-202", "winner"),
)


def add_results(
    school: Any, rows: tuple[tuple[str, str, int, str, str], ...], *, year: int = YEAR
) -> None:
    subjects = {s.code: s for s in Subject.objects.filter(code__in={r[1] for r in rows})}
    OlympiadResult.objects.bulk_create(
        OlympiadResult(
            year=year,
            stage=stage,
            subject=subjects[subject],
            grade=grade,
            school=school,
            participant_code=code,
            status=status,
        )
        for stage, subject, grade, code, status in rows
    )


def build_world(world: dict[str, Any]) -> None:
    """Olympiad results of both schools, and their stored year figures."""
    add_results(world["school_a"], RESULTS_A)
    add_results(world["school_b"], RESULTS_B)
    year_figures_compute(procedure="vsosh", year=YEAR, municipality_id=world["municipality"].pk)
