"""ЕГЭ per graduate: the pure figures against hand-computed examples, and the stored «ege»
year values (assessments.graduates, assessments.services.graduates)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessments.graduates import (
    NO_RESULTS,
    EgeRecord,
    MedalCondition,
    MedalEntry,
    conditions_for_year,
    graduate_figures,
    has_220,
    medal_figures,
    medal_outcomes,
)
from assessments.models import FiguresRun, IndicatorValue, Medalist, MedalRule
from assessments.services.figures import figures_request, year_figures_compute
from assessments.services.graduates import MEDAL_OUTCOME, year_rules
from tests.assessments.matrix_medalists import add_ege, ege_campaign

YEAR = 2025
# University minimums of 2024–2026 (assessments.reference), as the service reads them.
MINIMUMS = {
    "russian": Decimal(36),
    "math_profile": Decimal(27),
    "physics": Decimal(36),
    "social": Decimal(42),
    "history": Decimal(32),
    "informatics": Decimal(40),
}

# (code, subject, test score, mark). Hand-computed:
#   p1: 82 + 74 + 70 = 226 → 220+; all three at the minimum → 3+.
#   p2: 80 + 70 + 69 = 219 → not 220+; three at the minimum → 3+.
#   p3: two test scores (95, 90) and математика база «5» → neither (база has no test score
#       and no university minimum).
#   p4: four subjects, best three 80 + 75 + 70 = 225 → 220+; обществознание 41 < 42, the
#       other three at the minimum → 3+.
#   p5: русский 35 < 36, обществознание 42 = 42, история 32 = 32, база «4» → two subjects only.
SCHOOL_1: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("p1", "russian", 82, None),
    ("p1", "math_profile", 74, None),
    ("p1", "physics", 70, None),
    ("p2", "russian", 80, None),
    ("p2", "math_profile", 70, None),
    ("p2", "physics", 69, None),
    ("p3", "russian", 95, None),
    ("p3", "math_profile", 90, None),
    ("p3", "math_base", None, 5),
    ("p4", "russian", 70, None),
    ("p4", "math_profile", 80, None),
    ("p4", "physics", 75, None),
    ("p4", "social", 41, None),
    ("p5", "russian", 35, None),
    ("p5", "social", 42, None),
    ("p5", "history", 32, None),
    ("p5", "math_base", None, 4),
)
# The same code «p1» in another school is another graduate: 90 + 90 + 45 = 225, three at the
# minimum.
SCHOOL_2: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("p1", "russian", 90, None),
    ("p1", "math_profile", 90, None),
    ("p1", "informatics", 45, None),
)
NAMES = {
    "russian": "Русский язык",
    "math_profile": "Математика (профильный уровень)",
    "math_base": "Математика (базовый уровень)",
}
DEFAULT_RULES = {
    "first": [
        MedalCondition(1, "russian", NAMES["russian"], min_test_score=70),
        MedalCondition(2, "math_profile", NAMES["math_profile"], min_test_score=70),
        MedalCondition(2, "math_base", NAMES["math_base"], min_mark=5),
    ],
    "second": [
        MedalCondition(1, "russian", NAMES["russian"], min_test_score=24),
        MedalCondition(2, "math_profile", NAMES["math_profile"], min_test_score=27),
        MedalCondition(2, "math_base", NAMES["math_base"], min_mark=3),
    ],
}
# Medals: p1 and p3 of school 1 confirmed (I), p5 of school 1 not (I: русский 35, база «4»);
# p1 of school 2 confirmed (II), p9 of school 2 has no ЕГЭ at all.
MEDALS = (
    (1, "p1", "first"),
    (1, "p3", "first"),
    (1, "p5", "first"),
    (2, "p1", "second"),
    (2, "p9", "second"),
)
P5_REASONS = (
    "русский язык: 35 баллов при необходимых 70",
    "математика (профильный уровень): нет результата ЕГЭ (нужно не менее 70 баллов) или "
    "математика (базовый уровень): отметка «4» при необходимой «5»",
)


def _records(school_id: int, rows: Any) -> list[EgeRecord]:
    return [EgeRecord(school_id, code, subject, score, mark) for code, subject, score, mark in rows]


RECORDS = _records(1, SCHOOL_1) + _records(2, SCHOOL_2)


# --- the pure module ----------------------------------------------------------------------


def test_220_and_three_above_the_minimum_match_the_hand_count() -> None:
    figures = graduate_figures(RECORDS, MINIMUMS)
    one, two, total = figures[1], figures[2], figures[None]
    assert (one.graduates, one.graduates_220, one.above_min_3) == (5, 2, 3)
    assert (one.share_220, one.share_above_min_3) == (Decimal(40), Decimal(60))
    assert (two.graduates, two.graduates_220, two.above_min_3) == (1, 1, 1)
    # the municipality is the sum of its schools: «p1» of two schools is two graduates
    assert (total.graduates, total.graduates_220, total.above_min_3) == (6, 3, 4)
    assert total.share_220 == Decimal(50)
    assert total.share_above_min_3 is not None
    assert round(total.share_above_min_3, 4) == Decimal("66.6667")


def test_fewer_than_three_test_scores_never_make_220() -> None:
    assert not has_220({"russian": 100, "math_profile": 100})
    assert has_220({"russian": 100, "math_profile": 100, "physics": 20})
    assert not has_220({"russian": 100, "math_profile": 100, "physics": 19})


def test_math_base_counts_for_no_minimum() -> None:
    # Three subjects but one of them is база: only two count against the minimum.
    rows = _records(1, (("x", "russian", 90, None), ("x", "physics", 90, None)))
    rows += [EgeRecord(1, "x", "math_base", None, 5)]
    assert graduate_figures(rows, MINIMUMS)[1].above_min_3 == 0


def test_a_share_of_nobody_is_none() -> None:
    empty = graduate_figures([], MINIMUMS)[None]
    assert empty.graduates == 0 and empty.share_220 is None


def test_medals_are_confirmed_by_every_group_with_alternatives_inside() -> None:
    medalists = [MedalEntry(*m) for m in MEDALS]
    outcomes = {
        (o.school_id, o.participant_code): o
        for o in medal_outcomes(medalists, RECORDS, DEFAULT_RULES)
    }
    assert outcomes[(1, "p1")].confirmed is True  # 82 and профиль 74
    assert outcomes[(1, "p3")].confirmed is True  # 95 and профиль 90
    assert outcomes[(1, "p5")].confirmed is False
    assert outcomes[(1, "p5")].reasons == P5_REASONS
    assert outcomes[(2, "p1")].confirmed is True
    assert outcomes[(2, "p9")].confirmed is False
    assert outcomes[(2, "p9")].reasons == (NO_RESULTS,)
    figures = medal_figures(outcomes.values())
    assert (figures[1].medalists, figures[1].unconfirmed) == (3, 1)
    assert (figures[2].medalists, figures[2].unconfirmed) == (2, 1)
    assert (figures[None].medalists, figures[None].unconfirmed) == (5, 2)
    assert figures[None].unconfirmed_share == Decimal(40)


def test_math_base_alone_confirms_the_math_group() -> None:
    rows = [EgeRecord(1, "b", "russian", 70), EgeRecord(1, "b", "math_base", None, 5)]
    [outcome] = medal_outcomes([MedalEntry(1, "b", "first")], rows, DEFAULT_RULES)
    assert outcome.confirmed is True
    rows = [EgeRecord(1, "b", "russian", 64), EgeRecord(1, "b", "math_base", None, 5)]
    [outcome] = medal_outcomes([MedalEntry(1, "b", "first")], rows, DEFAULT_RULES)
    assert outcome.reasons == ("русский язык: 64 балла при необходимых 70",)


def test_a_medal_without_rules_is_not_checked_and_not_unconfirmed() -> None:
    [outcome] = medal_outcomes([MedalEntry(1, "p1", "first")], RECORDS, {})
    assert outcome.confirmed is None
    assert medal_figures([outcome])[None].unconfirmed == 0


def test_rules_of_the_latest_earlier_year_apply() -> None:
    old = MedalCondition(1, "russian", "Русский язык", min_test_score=70)
    new = MedalCondition(1, "russian", "Русский язык", min_test_score=75)
    rows = [(2024, "first", old), (2026, "first", new)]
    assert conditions_for_year(2025, rows) == {"first": [old]}
    assert conditions_for_year(2026, rows) == {"first": [new]}
    assert conditions_for_year(2023, rows) == {}


# --- the stored values --------------------------------------------------------------------


def _world(school_a: Any, school_b: Any) -> None:
    add_ege(school_a, (*SCHOOL_1, ("p7", "russian", None, None)), absent=("p7",))
    add_ege(school_b, SCHOOL_2)
    for school_key, code, medal in MEDALS:
        school = school_a if school_key == 1 else school_b
        Medalist.objects.create(year=YEAR, school=school, participant_code=code, medal=medal)


def _stored(municipality: Any) -> list[tuple[Any, ...]]:
    return sorted(
        IndicatorValue.objects.filter(
            municipality=municipality, procedure="ege", year=YEAR, campaign=None
        ).values_list("school_id", "level", "code", "value", "n"),
        key=lambda row: (row[0] or 0, row[2]),
    )


@pytest.mark.django_db
def test_the_default_rules_are_data_from_2024() -> None:
    rules = MedalRule.objects.filter(year=2024)
    assert rules.count() == 6
    assert all("сверить с действующим приказом" in rule.note for rule in rules)
    conditions, used = year_rules(2026)
    assert used == {"first": 2024, "second": 2024}
    first = {(c.group, c.subject): (c.min_test_score, c.min_mark) for c in conditions["first"]}
    assert first == {
        (1, "russian"): (70, None),
        (2, "math_profile"): (70, None),
        (2, "math_base"): (None, 5),
    }


@pytest.mark.django_db
def test_stored_values_equal_the_hand_count_and_a_second_run_gives_the_same_rows(
    municipality: Any, school_a: Any, school_b: Any
) -> None:
    _world(school_a, school_b)
    run = year_figures_compute(procedure="ege", year=YEAR, municipality_id=municipality.pk)
    rows = _stored(municipality)
    by_key = {(school_id, code): (value, n) for school_id, _level, code, value, n in rows}
    assert by_key[(school_a.pk, "ege.graduates")] == (Decimal(5), 5)  # absent p7 left out
    assert by_key[(school_a.pk, "ege.graduates_220")] == (Decimal(40), 5)
    assert by_key[(school_a.pk, "ege.above_min_3")] == (Decimal(60), 5)
    assert by_key[(school_a.pk, "ege.medalists")] == (Decimal(3), 3)
    assert by_key[(school_b.pk, "ege.medalists_unconfirmed")] == (Decimal(50), 2)
    assert by_key[(None, "ege.graduates")] == (Decimal(6), 6)
    assert by_key[(None, "ege.above_min_3")] == (Decimal("66.6667"), 6)
    assert by_key[(None, "ege.medalists_unconfirmed")] == (Decimal(40), 5)
    assert len(rows) == 15  # five codes for two schools and the municipality
    assert run.participants == 6
    outcomes = [s for s in run.sources if s.get("kind") == MEDAL_OUTCOME]
    p5 = next(o for o in outcomes if o["participant_code"] == "p5")
    assert p5["confirmed"] is False and tuple(p5["reasons"]) == P5_REASONS
    assert {"kind": "medal_rules", "medal": "first", "year": 2024} in run.sources
    year_figures_compute(procedure="ege", year=YEAR, municipality_id=municipality.pk)
    assert _stored(municipality) == rows
    assert FiguresRun.objects.filter(procedure="ege", campaign=None, year=YEAR).count() == 1


@pytest.mark.django_db
def test_an_ege_campaigns_figures_queue_the_year_figures(
    municipality: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    add_ege(school_a, SCHOOL_1)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = figures_request(campaign_id=ege_campaign("russian").pk)
    assert "year_figures_compute" in {job.kind for job in jobs}
    values = IndicatorValue.objects.filter(code="ege.graduates", campaign=None, school=school_a)
    assert [v.value for v in values] == [Decimal(5)]


@pytest.mark.django_db
def test_the_graduates_page_exports_its_table_as_csv(
    municipality: Any,
    school_a: Any,
    school_b: Any,
    director_a: Any,
    specialist: Any,
    client_for: Any,
) -> None:
    _world(school_a, school_b)
    year_figures_compute(procedure="ege", year=YEAR, municipality_id=municipality.pk)
    url = reverse("assessments:ege_graduates")
    page = client_for(specialist).get(f"{url}?year={YEAR}").content.decode()
    assert f'href="?year={YEAR}&amp;export=csv">Выгрузить CSV</a>' in page

    def rows(user: Any) -> list[list[str]]:
        response = client_for(user).get(f"{url}?year={YEAR}&export=csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="ege-vypuskniki-{YEAR}.csv"'
        )
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    header = [
        "ОО",
        "Выпускников",
        "220+: доля, %",
        "220+: чел.",
        "3+ не ниже минимума: доля, %",
        "3+ не ниже минимума: чел.",
        "Медалистов",
        "Не подтвердили медаль",
        "Не подтвердили медаль: доля, %",
    ]
    # Hand-counted above: school 1 — 5 graduates, p1 and p4 220+, p1, p2 and p4 3+, medals
    # p1, p3 confirmed and p5 not; school 2 — p1 220+ and 3+, p9 (no ЕГЭ) not confirmed.
    own = [school_a.short_name, "5", "40,0", "2", "60,0", "3", "3", "1", "33,3"]
    other = [school_b.short_name, "1", "100,0", "1", "100,0", "1", "2", "1", "50,0"]
    total = ["Муниципалитет", "6", "50,0", "3", "66,7", "4", "5", "2", "40,0"]
    # the page's order (by name: «Каменская» before «СОШ № 1»), the municipality last
    assert rows(specialist) == [header, other, own, total]
    assert rows(director_a) == [header, own, total]
