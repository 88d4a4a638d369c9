"""Campaign figures checked against values worked out by hand.

Pure Python, no database. Percentages are compared either exactly (Decimal) or after
rounding half up to 4 decimals; the display form is checked with ``format_decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from assessments.indicators import (
    CampaignStats,
    Informativeness,
    Record,
    Task,
    campaign_stats,
    ege_stats,
    format_decimal,
    group_by,
    informativeness,
    normalize_level,
    percent,
    round_half_up,
)

X = None  # task not attempted

# Five tasks, max primary 1 + 2 + 1 + 3 + 2 = 9.
TASKS = (
    Task("1", 1, "Б", "Орфография"),
    Task("2", 2, "Б", "Орфография"),
    Task("3", 1, "П", "Пунктуация"),
    Task("4", 3, "В", ""),
    Task("5", 2, "", "  Пунктуация "),  # same requirement, stray spaces; level unknown
)

# The 7-pupil school (plus one absent pupil):
#        scores              sum  mark  journal
# p1  [1, 2, 1, 3, 2]         9    5     4   повысили
# p2  [1, 2, 0, 2, X]         5    4     4   подтвердили
# p3  [1, 1, 1, 0, 1]         4    4     5   понизили
# p4  [1, 1, X, 0, 1]         3    3     —   (no journal mark)
# p5  [1, 0, 1, X, 1]         3    3     5   понизили, gap 2
# p6  [X, 1, 0, 0, 0]         1    2     4   понизили, gap 2
# p7  [0, X, X, X, X]         0    —     3   (no mark: not in the mark shares)
# a1  absent
SCHOOL = [
    Record(primary_score=9, mark=5, journal_mark=4, scores=[1, 2, 1, 3, 2], school="A"),
    Record(primary_score=5, mark=4, journal_mark=4, scores=[1, 2, 0, 2, X], school="A"),
    Record(primary_score=4, mark=4, journal_mark=5, scores=[1, 1, 1, 0, 1], school="A"),
    Record(primary_score=3, mark=3, journal_mark=None, scores=[1, 1, X, 0, 1], school="A"),
    Record(primary_score=3, mark=3, journal_mark=5, scores=[1, 0, 1, X, 1], school="A"),
    Record(primary_score=1, mark=2, journal_mark=4, scores=[X, 1, 0, 0, 0], school="A"),
    Record(primary_score=0, mark=None, journal_mark=3, scores=[0, X, X, X, X], school="A"),
    Record(absent=True, school="A"),
]


def r4(value: Decimal | None) -> Decimal | None:
    return round_half_up(value, 4)


@pytest.fixture(scope="module")
def stats() -> CampaignStats:
    return campaign_stats(SCHOOL, TASKS)


# --------------------------------------------------------------------------- participants, marks


def test_participants_exclude_absent(stats: CampaignStats) -> None:
    assert stats.participants == 7
    assert stats.absent == 1
    assert stats.with_mark == 6  # p7 has no mark


def test_mark_distribution_is_of_participants_with_a_mark(stats: CampaignStats) -> None:
    assert stats.mark_counts == {2: 1, 3: 2, 4: 2, 5: 1}
    # 1/6, 2/6, 2/6, 1/6
    assert {m: r4(p) for m, p in stats.mark_percents.items()} == {
        2: Decimal("16.6667"),
        3: Decimal("33.3333"),
        4: Decimal("33.3333"),
        5: Decimal("16.6667"),
    }
    assert format_decimal(stats.mark_percents[2]) == "16,7"
    assert format_decimal(stats.mark_percents[3]) == "33,3"


def test_pass_rate_quality_and_mean_mark(stats: CampaignStats) -> None:
    assert r4(stats.pass_rate) == Decimal("83.3333")  # 5/6 with «3»–«5»
    assert stats.quality_rate == Decimal(50)  # 3/6 with «4»–«5»
    assert stats.mean_mark == Decimal("3.5")  # (2 + 3 + 3 + 4 + 4 + 5) / 6 = 21/6
    assert format_decimal(stats.mean_mark, 2) == "3,50"


def test_mean_primary_score_and_its_share_of_the_maximum(stats: CampaignStats) -> None:
    assert stats.max_primary == 9
    assert stats.with_primary == 7
    assert r4(stats.mean_primary) == Decimal("3.5714")  # 25 / 7
    assert r4(stats.mean_primary_percent) == Decimal("39.6825")  # 25 / (7 × 9) = 2500/63 %
    assert format_decimal(stats.mean_primary_percent) == "39,7"


def test_primary_score_distribution(stats: CampaignStats) -> None:
    #                                 0  1  2  3  4  5  6  7  8  9
    assert stats.primary_distribution == (1, 1, 0, 2, 1, 1, 0, 0, 0, 1)


# --------------------------------------------------------------------------- tasks


def test_task_success_counts_x_as_zero(stats: CampaignStats) -> None:
    # task sums 5, 7, 3, 5, 5 over 7 participants × max 1, 2, 1, 3, 2
    assert [r4(t.success) for t in stats.tasks] == [
        Decimal("71.4286"),  # 5/7
        Decimal("50.0000"),  # 7/14
        Decimal("42.8571"),  # 3/7
        Decimal("23.8095"),  # 5/21
        Decimal("35.7143"),  # 5/14
    ]
    assert [format_decimal(t.success) for t in stats.tasks] == [
        "71,4",
        "50,0",
        "42,9",
        "23,8",
        "35,7",
    ]


def test_not_attempted_counted_per_task(stats: CampaignStats) -> None:
    assert [t.not_attempted for t in stats.tasks] == [1, 1, 2, 2, 2]
    assert r4(stats.tasks[2].not_attempted_percent) == Decimal("28.5714")  # 2/7


def test_mastery_by_level(stats: CampaignStats) -> None:
    # Б 71.4 ≥ 60 yes; Б 50 no; П 42.9 ≥ 30 yes; В 23.8 no; unknown level: no verdict
    assert [(t.level, t.mastered) for t in stats.tasks] == [
        ("Б", True),
        ("Б", False),
        ("П", True),
        ("В", False),
        ("", None),
    ]


def test_task_success_per_mark_group(stats: CampaignStats) -> None:
    by_mark = [{m: r4(v) for m, v in t.success_by_mark.items()} for t in stats.tasks]
    d = Decimal
    # «5»: p1; «4»: p2, p3; «3»: p4, p5; «2»: p6; p7 (no mark) is in no group
    assert by_mark == [
        {2: d("0.0000"), 3: d("100.0000"), 4: d("100.0000"), 5: d("100.0000")},  # task 1
        {2: d("50.0000"), 3: d("25.0000"), 4: d("75.0000"), 5: d("100.0000")},  # (1+0)/4
        {2: d("0.0000"), 3: d("50.0000"), 4: d("50.0000"), 5: d("100.0000")},  # X+1 / 2
        {2: d("0.0000"), 3: d("0.0000"), 4: d("33.3333"), 5: d("100.0000")},  # (2+0)/6
        {2: d("0.0000"), 3: d("50.0000"), 4: d("25.0000"), 5: d("100.0000")},  # (X+1)/4
    ]


def test_success_per_checked_requirement(stats: CampaignStats) -> None:
    reqs = [(r.requirement, r.task_numbers, r.max_score, r4(r.success)) for r in stats.requirements]
    assert reqs == [
        ("Орфография", ("1", "2"), 3.0, Decimal("57.1429")),  # (5 + 7) / (7 × 3)
        ("Пунктуация", ("3", "5"), 3.0, Decimal("38.0952")),  # (3 + 5) / (7 × 3)
    ]


# --------------------------------------------------------------------------- journal, sample


def test_journal_comparison(stats: CampaignStats) -> None:
    j = stats.journal
    # compared: p1, p2, p3, p5, p6 (p4 has no journal mark, p7 no ВПР mark)
    assert (j.compared, j.lowered, j.confirmed, j.raised, j.gap_two_plus) == (5, 3, 1, 1, 2)
    assert j.lowered_percent == Decimal(60)
    assert j.confirmed_percent == Decimal(20)
    assert j.raised_percent == Decimal(20)
    assert j.gap_two_plus_percent == Decimal(40)


def test_small_sample_flag(stats: CampaignStats) -> None:
    assert stats.small_sample is True
    assert stats.informative is Informativeness.TOO_FEW


@pytest.mark.parametrize(
    ("participants", "level"),
    [
        (0, Informativeness.TOO_FEW),
        (9, Informativeness.TOO_FEW),
        (10, Informativeness.LIMITED),
        (19, Informativeness.LIMITED),
        (20, Informativeness.CONDITIONAL),
        (49, Informativeness.CONDITIONAL),
        (50, Informativeness.INFORMATIVE),
    ],
)
def test_informativeness_levels(participants: int, level: Informativeness) -> None:
    assert informativeness(participants) is level


def test_ten_participants_is_not_a_small_sample() -> None:
    records = [Record(primary_score=1, mark=3, scores=[1]) for _ in range(10)]
    result = campaign_stats(records, [Task("1", 1, "Б")])
    assert result.small_sample is False
    assert result.informative == "ограниченная ценность"


# --------------------------------------------------------------------------- empty input


def test_empty_input_gives_no_figures_and_no_division_by_zero() -> None:
    result = campaign_stats([], TASKS)
    assert (result.participants, result.absent, result.with_mark) == (0, 0, 0)
    assert result.mark_counts == {2: 0, 3: 0, 4: 0, 5: 0}
    assert result.mark_percents == {2: None, 3: None, 4: None, 5: None}
    assert result.pass_rate is None
    assert result.quality_rate is None
    assert result.mean_mark is None
    assert result.mean_primary is None
    assert result.mean_primary_percent is None
    assert result.primary_distribution == (0,) * 10
    assert all(t.success is None and t.mastered is None for t in result.tasks)
    assert all(v is None for t in result.tasks for v in t.success_by_mark.values())
    assert all(r.success is None for r in result.requirements)
    assert result.journal.compared == 0
    assert result.journal.lowered_percent is None
    assert result.small_sample is True
    assert format_decimal(result.pass_rate) == "—"


def test_only_absent_pupils() -> None:
    result = campaign_stats([Record(absent=True), Record(absent=True)], TASKS)
    assert (result.participants, result.absent) == (0, 2)
    assert result.tasks[0].success is None


def test_participants_without_marks_give_no_mark_figures() -> None:
    result = campaign_stats([Record(primary_score=1, scores=[1])], [Task("1", 1, "Б")])
    assert result.participants == 1
    assert result.with_mark == 0
    assert result.pass_rate is None
    assert result.tasks[0].success == Decimal(100)


# --------------------------------------------------------------------------- edges, rounding


def test_mastery_thresholds_are_inclusive_and_use_raw_values() -> None:
    # 3 of 5 pupils solve a 1-point task: exactly 60 % (Б) and 60 % (П)
    five = [Record(scores=[1 if i < 3 else 0, 1 if i < 3 else 0]) for i in range(5)]
    result = campaign_stats(five, [Task("1", 1, "Б"), Task("2", 1, "П")])
    assert [t.mastered for t in result.tasks] == [True, True]
    # 3 of 10 on a 1-point В task: exactly 30 %
    ten = [Record(scores=[1 if i < 3 else 0]) for i in range(10)]
    assert campaign_stats(ten, [Task("1", 1, "В")]).tasks[0].mastered is True
    # 1499 of 2500 = 59.96 %: shown as «60,0» but not mastered
    many = [Record(scores=[1 if i < 1499 else 0]) for i in range(2500)]
    task = campaign_stats(many, [Task("1", 1, "Б")]).tasks[0]
    assert format_decimal(task.success) == "60,0"
    assert task.mastered is False


def test_rounding_is_half_up_at_display_only() -> None:
    assert percent(1, 400) == Decimal("0.25")  # raw value kept exactly
    assert format_decimal(percent(1, 400)) == "0,3"  # half up, not half even («0,2»)
    assert format_decimal(percent(49, 400)) == "12,3"  # 12.25
    assert format_decimal(percent(7, 2000)) == "0,4"  # 0.35, not representable in binary
    assert format_decimal(percent(1, 3)) == "33,3"
    assert format_decimal(percent(2, 3)) == "66,7"
    assert round_half_up(Decimal("3.125"), 2) == Decimal("3.13")
    assert percent(1, 0) is None


def test_half_points_are_exact() -> None:
    records = [Record(scores=[0.5]), Record(scores=[1.5]), Record(scores=[X])]
    result = campaign_stats(records, [Task("1", 2, "Б")])
    assert r4(result.tasks[0].success) == Decimal("33.3333")  # 2 / (3 × 2)


def test_max_primary_can_be_given() -> None:
    result = campaign_stats(SCHOOL, TASKS, max_primary=10)
    assert len(result.primary_distribution) == 11
    assert r4(result.mean_primary_percent) == Decimal("35.7143")  # 25 / 70


def test_decimal_primary_scores_are_accepted() -> None:
    records = [
        Record(primary_score=Decimal("3"), scores=[1, 2]),  # type: ignore[arg-type]
        Record(primary_score=1, scores=[1, 0]),
    ]
    result = campaign_stats(records, [Task("1", 1), Task("2", 2)])
    assert result.mean_primary == Decimal(2)
    assert result.primary_distribution == (0, 1, 0, 1)


def test_any_object_with_the_attributes_works() -> None:
    @dataclass
    class Row:  # e.g. a Django model row
        absent: bool
        primary_score: int | None
        mark: int | None
        journal_mark: int | None
        scores: list[float | None]

    @dataclass
    class TaskRow:
        number: str
        max_score: int
        level: str
        requirement: str

    rows = [Row(False, 1, 3, 3, [1]), Row(False, 0, 2, 3, [0])]
    result = campaign_stats(rows, [TaskRow("1", 1, "Б", "")])
    assert result.pass_rate == Decimal(50)
    assert result.journal.lowered == 1


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (Record(mark=6, scores=[1, 0, 0, 0, 0]), "Отметка 6"),
        (Record(mark=3, journal_mark=1, scores=[1, 0, 0, 0, 0]), "Отметка по журналу 1"),
        (Record(mark=3, scores=[1, 0, 0, 0]), "4 баллов по заданиям, а в работе 5"),
        (Record(mark=3, scores=[1, 3, 0, 0, 0]), "Балл 3 за задание 2 вне диапазона 0–2"),
        (Record(mark=3, scores=[1, -1, 0, 0, 0]), "Балл -1 за задание 2"),
        (Record(primary_score=10, scores=[1, 0, 0, 0, 0]), "Первичный балл 10 вне диапазона"),
        (Record(primary_score=2.5, scores=[1, 0, 0, 0, 0]), "Первичный балл 2.5 не целый"),
    ],
)
def test_impossible_data_is_rejected(record: Record, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        campaign_stats([record], TASKS)


@pytest.mark.parametrize(
    ("raw", "level"),
    [("Б", "Б"), (" п ", "П"), ("В", "В"), ("B", "В"), ("базовый", "Б"), ("", ""), (None, "")],
)
def test_level_normalisation(raw: str | None, level: str) -> None:
    assert normalize_level(raw) == level


# --------------------------------------------------------------------------- group_by


def test_group_by_gives_schools_and_the_total() -> None:
    school_b = [
        Record(primary_score=8, mark=5, journal_mark=5, scores=[1, 2, 1, 2, 2], school="B"),
        Record(primary_score=2, mark=2, journal_mark=3, scores=[0, 0, 0, 0, 2], school="B"),
        Record(absent=True, school="B"),
    ]
    everyone = [*SCHOOL, *school_b]
    grouped = group_by(everyone, lambda r: r.school, TASKS)
    assert list(grouped.groups) == ["A", "B"]
    assert grouped.groups["A"] == campaign_stats(SCHOOL, TASKS)
    assert grouped.total == campaign_stats(everyone, TASKS)

    b = grouped.groups["B"]
    assert (b.participants, b.absent, b.mark_counts) == (2, 1, {2: 1, 3: 0, 4: 0, 5: 1})
    assert b.pass_rate == Decimal(50)

    total = grouped.total
    assert (total.participants, total.absent, total.with_mark) == (9, 2, 8)
    assert total.mark_counts == {2: 2, 3: 2, 4: 2, 5: 2}
    assert total.pass_rate == Decimal(75)  # 6/8
    assert total.quality_rate == Decimal(50)  # 4/8
    assert total.mean_mark == Decimal("3.5")  # 28/8
    # task 1: 5 + 1 + 0 = 6 of 9; task 5: 5 + 2 + 2 = 9 of 18
    assert r4(total.tasks[0].success) == Decimal("66.6667")
    assert total.tasks[4].success == Decimal(50)
    # journal: school A 3/1/1 (gap 2: 2) + B: confirmed 1, lowered 1
    j = total.journal
    assert (j.compared, j.lowered, j.confirmed, j.raised, j.gap_two_plus) == (7, 4, 2, 1, 2)
    assert total.primary_distribution == (1, 1, 1, 2, 1, 1, 0, 0, 1, 1)
    assert total.small_sample is True


def test_group_by_on_empty_input() -> None:
    grouped = group_by([], lambda r: r.school, TASKS)
    assert grouped.groups == {}
    assert grouped.total.participants == 0
    assert grouped.total.pass_rate is None


# --------------------------------------------------------------------------- ЕГЭ

EGE = [
    Record(test_score=100),
    Record(test_score=85),
    Record(test_score=81),
    Record(test_score=80),
    Record(test_score=50),
    Record(test_score=27),
    Record(test_score=26),
    Record(test_score=None),  # participant without a result
    Record(absent=True),
]


def test_ege_stats_by_hand() -> None:
    result = ege_stats(EGE, minimum=27)  # математика профиль
    assert (result.participants, result.absent, result.with_score) == (8, 1, 7)
    # (100 + 85 + 81 + 80 + 50 + 27 + 26) / 7 = 449 / 7
    assert r4(result.mean_score) == Decimal("64.1429")
    assert format_decimal(result.mean_score) == "64,1"
    assert result.below_minimum == 1  # 26; 27 is not below 27
    assert r4(result.below_minimum_percent) == Decimal("14.2857")
    assert result.in_high_band == 3  # 100, 85, 81 (both edges included)
    assert r4(result.in_high_band_percent) == Decimal("42.8571")
    assert result.hundred == 1
    assert result.small_sample is True


def test_ege_high_band_is_configurable() -> None:
    result = ege_stats(EGE, minimum=36, high_band=(90, 100))
    assert result.in_high_band == 1
    assert result.below_minimum == 2  # 27, 26


def test_ege_empty_and_invalid() -> None:
    empty = ege_stats([], minimum=24)
    assert empty.mean_score is None
    assert empty.below_minimum_percent is None
    assert empty.in_high_band_percent is None
    with pytest.raises(ValueError, match="вне диапазона 0–100"):
        ege_stats([Record(test_score=101)], minimum=24)
    with pytest.raises(ValueError, match="больше верхней"):
        ege_stats(EGE, minimum=24, high_band=(100, 81))
