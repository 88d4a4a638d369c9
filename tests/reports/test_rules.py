"""The identification engine on its own (reports/identification.py): plain data in, outcomes out.

The one year's group of most tests is ten schools a…j with the values
2, 4, 4, 5, 7, 8, 10, 12, 15, 20 (already sorted; n = 40 each). PERCENTILE.INC at share s
takes rank r = s × (10 − 1) over them and interpolates between the values at ⌊r⌋ and ⌊r⌋ + 1:

  s = 0,9 → r = 8,1 → 15 + 0,1 × (20 − 15) = 15,5      s = 0,1 → r = 0,9 → 2 + 0,9 × 2 = 3,8
  s = 0,8 → r = 7,2 → 12 + 0,2 × (15 − 12) = 12,6      s = 0,2 → r = 1,8 → 4 + 0,8 × 0 = 4
  s = 0,75 → r = 6,75 → 10 + 0,75 × 2 = 11,5           s = 0,25 → r = 2,25 → 4 + 0,25 × 1 = 4,25
  s = 0,7 → r = 6,3 → 10 + 0,3 × 2 = 10,6              s = 0,3 → r = 2,7 → 4 + 0,7 × 1 = 4,7
  s = 0,5 → r = 4,5 → 7 + 0,5 × 1 = 7,5

«Lower is better» (the share of «2»): worse is higher, a school meets a cut when its value
is at or above it. «Higher is better» (a mean score, the ИСБШ): worse is lower, at or below
the cut (below, strictly, for an absolute value: «ниже X»).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from reports.identification import (
    CONTEXT_INDEX,
    SHNOR_BASIC,
    Criterion,
    Inputs,
    Obs,
    Outcome,
    Rule,
    YearCheck,
    apply_rule,
    criterion_text,
    rule_from_definition,
    rule_problems,
)
from schools.wellbeing import shnsu_selection

D = Decimal
YEAR = 2026
VALUES: dict[str, Decimal] = {
    school: D(v) for school, v in zip("abcdefghij", (2, 4, 4, 5, 7, 8, 10, 12, 15, 20), strict=True)
}
KNOWN: dict[str, Any] = {
    "vpr.fail_share_year": ("ВПР: доля «2» за год", "%", False),
    "oge.fail_share_year": ("ОГЭ: доля «2» за год", "%", False),
    "vpr.mean_mark": ("ВПР: средняя отметка", "отметка", True),
    CONTEXT_INDEX: ("ИСБШ", "", True),
}


def one_year(
    criterion: Criterion,
    values: Mapping[str, Decimal | tuple[Decimal | None, int]],
    *,
    higher_is_better: bool | None,
    refs: Mapping[str, Decimal | None] | None = None,
    index: Mapping[str, Decimal | None] | None = None,
    **rule: Any,
) -> dict[str, YearCheck]:
    """Each school's check of `criterion` in YEAR (values: v, or (v, n); n = 40 by default)."""
    observed = {s: Obs(*v) if isinstance(v, tuple) else Obs(v, 40) for s, v in values.items()}
    inputs: Inputs[str] = Inputs(
        series={criterion.code: {YEAR: observed}},
        higher_is_better={criterion.code: higher_is_better},
        refs={criterion.code: {YEAR: dict(refs or {})}},
        index={YEAR: dict(index or {})},
    )
    outcomes = apply_rule(
        Rule(criteria=(criterion,), **rule), inputs, year=YEAR, schools=set(values)
    )
    return {school: outcome.checks[0].years[-1] for school, outcome in outcomes.items()}


def met(checks: Mapping[str, YearCheck]) -> set[str]:
    return {school for school, check in checks.items() if check.met}


def criterion(threshold: str, value: Any, **kwargs: Any) -> Criterion:
    return Criterion(
        "K1", "vpr.fail_share_year", threshold=threshold, value=D(value), span=1, need=1, **kwargs
    )


# --- the threshold kinds, both directions -------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "value", "cut", "schools"),
    [
        ("absolute", 12, "12", "hij"),  # «не ниже 12»: 12 itself is met
        ("percentile", 90, "15.5", "j"),
        ("percentile", 80, "12.6", "ij"),
        ("quartile", 1, "11.5", "hij"),  # the worst quarter: at or above P75
        ("quartile", 2, "7.5", "fghij"),  # the worst half: at or above P50
        ("decile", 1, "15.5", "j"),  # the worst tenth: at or above P90
        ("decile", 3, "10.6", "hij"),  # the worst three tenths: at or above P70
        ("share_of_schools", 25, "12", "hij"),  # ⌈10 × 25 %⌉ = 3 highest
        ("share_of_schools", 20, "15", "ij"),  # ⌈10 × 20 %⌉ = 2 highest
        ("worse_than_municipality", 3, "11", "hij"),  # 8 + 3
        ("worse_than_region", "4.5", "10.5", "hij"),  # 6 + 4,5
    ],
)
def test_each_threshold_where_lower_is_better(
    threshold: str, value: Any, cut: str, schools: str
) -> None:
    checks = one_year(
        criterion(threshold, value),
        VALUES,
        higher_is_better=False,
        refs={"municipality": D(8), "region": D(6)},
    )
    assert {check.cut for check in checks.values()} == {D(cut)}
    assert met(checks) == set(schools)
    assert all(check.met is not None for check in checks.values())


@pytest.mark.parametrize(
    ("threshold", "value", "cut", "schools"),
    [
        ("absolute", 5, "5", "abc"),  # «ниже 5»: 5 itself is not met
        ("percentile", 10, "3.8", "a"),
        ("percentile", 30, "4.7", "abc"),
        ("quartile", 1, "4.25", "abc"),  # the worst quarter: at or below P25
        ("quartile", 3, "11.5", "abcdefg"),  # the worst three quarters: at or below P75
        ("decile", 1, "3.8", "a"),  # at or below P10
        ("decile", 2, "4", "abc"),  # at or below P20 = 4: both fours are in
        ("share_of_schools", 25, "4", "abc"),  # ⌈2,5⌉ = 3 lowest
        ("share_of_schools", 20, "4", "abc"),  # 2 lowest, the tie at the cut comes in too
        ("worse_than_municipality", "2.5", "5.5", "abcd"),  # 8 − 2,5
        ("worse_than_region", "1.5", "4.5", "abc"),  # 6 − 1,5
    ],
)
def test_each_threshold_where_higher_is_better(
    threshold: str, value: Any, cut: str, schools: str
) -> None:
    checks = one_year(
        criterion(threshold, value),
        VALUES,
        higher_is_better=True,
        refs={"municipality": D(8), "region": D(6)},
    )
    assert {check.cut for check in checks.values()} == {D(cut)}
    assert met(checks) == set(schools)


def test_worse_than_the_municipality_by_exactly_n_is_met_in_both_directions() -> None:
    """«хуже муниципального значения на N и более»: a school exactly N points worse is met,
    whichever direction is better."""
    refs = {"municipality": D(8), "region": D(6)}
    lower = one_year(
        criterion("worse_than_municipality", 4), VALUES, higher_is_better=False, refs=refs
    )
    assert lower["h"].cut == D(12) and lower["h"].met  # 12 = 8 + 4
    region_lower = one_year(
        criterion("worse_than_region", 6), VALUES, higher_is_better=False, refs=refs
    )
    assert region_lower["h"].met  # 12 = 6 + 6
    higher = one_year(
        criterion("worse_than_municipality", 3), VALUES, higher_is_better=True, refs=refs
    )
    assert higher["d"].cut == D(5)
    assert higher["d"].met, "5 is 3 points below the municipality's 8: worse by N"
    region_higher = one_year(
        criterion("worse_than_region", 2), VALUES, higher_is_better=True, refs=refs
    )
    assert met(region_higher) == {"a", "b", "c"}  # 4 = 6 − 2 is worse by exactly 2


def test_an_indicator_without_a_direction_is_judged_as_its_text_says() -> None:
    """An indicator of the catalogue with higher_is_better None (vpr.journal_raised, the
    participants): the protocol's text of the criterion and the computation must agree."""
    k1 = criterion("percentile", 90)
    text = criterion_text(k1, None)
    assert text == "vpr.fail_share_year значение не ниже 90-го процентиля"
    checks = one_year(k1, VALUES, higher_is_better=None)
    assert met(checks) == {"j"}, "«не ниже 90-го процентиля» is 15,5 and above, not 15,5 and below"


def test_without_a_reference_value_the_threshold_is_not_defined() -> None:
    checks = one_year(
        criterion("worse_than_region", 2), VALUES, higher_is_better=False, refs={"region": None}
    )
    assert all(c.cut is None and c.met is None for c in checks.values())
    assert checks["j"].note == "порог не определён"


@pytest.mark.parametrize("higher_is_better", [False, True])
def test_quartiles_and_deciles_are_the_percentiles_of_the_worse_side(
    higher_is_better: bool,
) -> None:
    def cut(threshold: str, value: int) -> Decimal | None:
        checks = one_year(criterion(threshold, value), VALUES, higher_is_better=higher_is_better)
        return checks["a"].cut

    for q in (1, 2, 3):
        share = 25 * q if higher_is_better else 100 - 25 * q
        assert cut("quartile", q) == cut("percentile", share), q
    for d in range(1, 10):
        share = 10 * d if higher_is_better else 100 - 10 * d
        assert cut("decile", d) == cut("percentile", share), d


@pytest.mark.parametrize("share", [10, 20, 25, 33, 50, 100])
def test_share_of_schools_selects_as_the_shnsu_rule_of_the_passports(share: int) -> None:
    """The well-being index rule, ties at the cut included: schools.wellbeing.shnsu_selection."""
    rnd = random.Random(share)
    indexes = {f"s{i:02d}": D(rnd.choice([31, 40, 40, 45, 52, 52, 52, 60, 71])) for i in range(23)}
    engine = Criterion(
        "S1", CONTEXT_INDEX, threshold="share_of_schools", value=D(share), span=1, need=1, min_n=0
    )
    checks = one_year(engine, {s: (v, 0) for s, v in indexes.items()}, higher_is_better=True)
    expected = shnsu_selection(indexes, rule="share", value=share)
    assert met(checks) == expected
    assert len(expected) >= 1


# --- years and participants ---------------------------------------------------------------


def test_at_least_two_of_three_years_where_a_small_year_does_not_count() -> None:
    k1 = Criterion(
        "K1", "vpr.fail_share_year", threshold="absolute", value=D(20), span=3, need=2, min_n=10
    )
    observed = {
        2024: {"x": Obs(D(25), 30), "y": Obs(D(10), 30)},
        2025: {"x": Obs(D(30), 5), "y": Obs(D(30), 5)},  # 5 participants: the year does not count
        2026: {"x": Obs(D(22), 30), "y": Obs(D(25), 30), "z": Obs(D(40), 30)},
    }
    inputs: Inputs[str] = Inputs(series={"K1": observed}, higher_is_better={"K1": False})
    outcomes = apply_rule(Rule(criteria=(k1,)), inputs, year=YEAR, schools={"x", "y", "z"})
    x, y, z = (outcomes[s].checks[0] for s in "xyz")
    assert [c.year for c in x.years] == [2024, 2025, 2026]
    assert [c.met for c in x.years] == [True, None, True]
    assert x.years[1].note == "участников меньше 10"
    assert x.met_years == 2 and x.met and outcomes["x"].outcome == "listed"
    assert [c.met for c in y.years] == [False, None, True]
    assert y.met_years == 1 and not y.met and outcomes["y"].outcome == "not_listed"
    assert [c.note for c in z.years[:2]] == ["нет значения", "нет значения"]
    assert z.met_years == 1 and not z.met  # a single year of data cannot make 2 of 3


def test_a_small_school_is_left_out_of_the_comparison_group() -> None:
    values: dict[str, Any] = {k: (v, 40) for k, v in VALUES.items()}
    values["small"] = (D(100), 5)
    checks = one_year(criterion("percentile", 90, min_n=10), values, higher_is_better=False)
    assert checks["j"].cut == D("15.5")  # as without the small school's 100
    assert checks["small"].met is None and checks["small"].cut is None
    assert checks["small"].note == "участников меньше 10"


# --- combining criteria -------------------------------------------------------------------


def _combined(**rule: Any) -> dict[str, Outcome[str]]:
    """Three absolute criteria (value ≥ 10 meets) with the weights 1, 2 and 0,5."""
    criteria = tuple(
        Criterion(
            code,
            "vpr.fail_share_year",
            threshold="absolute",
            value=D(10),
            span=1,
            need=1,
            weight=D(weight),
        )
        for code, weight in (("K1", "1"), ("K2", "2"), ("K3", "0.5"))
    )
    meets = {  # school: the criteria it meets
        "k1": "1",
        "k12": "12",
        "k123": "123",
        "k2": "2",
        "k13": "13",
        "none": "",
    }
    series = {
        f"K{n}": {YEAR: {s: Obs(D(20 if str(n) in m else 0), 40) for s, m in meets.items()}}
        for n in (1, 2, 3)
    }
    inputs: Inputs[str] = Inputs(
        series=series, higher_is_better={code: False for code in ("K1", "K2", "K3")}
    )
    return apply_rule(Rule(criteria=criteria, **rule), inputs, year=YEAR, schools=set(meets))


def _listed(outcomes: Mapping[str, Outcome[str]]) -> set[str]:
    return {s for s, o in outcomes.items() if o.outcome == "listed"}


def test_any_criterion() -> None:
    outcomes = _combined(combine="any")
    assert _listed(outcomes) == {"k1", "k12", "k123", "k2", "k13"}
    assert outcomes["k13"].met_codes == ["K1", "K3"] and outcomes["k13"].met_count == 2


@pytest.mark.parametrize(
    ("k", "listed"),
    [(1, {"k1", "k12", "k123", "k2", "k13"}), (2, {"k12", "k123", "k13"}), (3, {"k123"})],
)
def test_at_least_k_criteria(k: int, listed: set[str]) -> None:
    assert _listed(_combined(combine="at_least", k=k)) == listed


def test_weighted_score_at_or_above_the_threshold() -> None:
    outcomes = _combined(combine="weighted", min_score=D(2))
    assert {s: o.score for s, o in outcomes.items()} == {
        "k1": D(1),
        "k12": D(3),
        "k123": D("3.5"),
        "k2": D(2),
        "k13": D("1.5"),
        "none": D(0),
    }
    assert _listed(outcomes) == {"k12", "k123", "k2"}  # k2: 2 ≥ 2, on the threshold


# --- objectivity markers ------------------------------------------------------------------


def _with_markers(markers: str) -> dict[str, Outcome[str]]:
    k1 = criterion("absolute", 10)
    inputs: Inputs[str] = Inputs(
        series={
            "K1": {YEAR: {"marked": Obs(D(20), 40), "plain": Obs(D(20), 40), "good": Obs(D(1), 40)}}
        },
        higher_is_better={"K1": False},
        markers={"marked": ("score_peaks", "hard_over_basic"), "good": ("score_peaks",)},
    )
    return apply_rule(
        Rule(criteria=(k1,), markers=markers),
        inputs,
        year=YEAR,
        schools={"marked", "plain", "good"},
    )


@pytest.mark.parametrize(
    ("handling", "outcome", "markers"),
    [
        ("flag", "listed", ("hard_over_basic", "score_peaks")),
        ("separate", "separate", ("hard_over_basic", "score_peaks")),
        ("exclude", "excluded", ("hard_over_basic", "score_peaks")),
        ("ignore", "listed", ()),
    ],
)
def test_markers_handling(handling: str, outcome: str, markers: tuple[str, ...]) -> None:
    outcomes = _with_markers(handling)
    assert outcomes["marked"].outcome == outcome
    assert outcomes["marked"].markers == markers
    assert outcomes["marked"].rule_met
    assert outcomes["plain"].outcome == "listed" and outcomes["plain"].markers == ()
    # a marker alone does not list a school that meets no criterion
    assert outcomes["good"].outcome == "not_listed"


# --- social context -----------------------------------------------------------------------

# Two clusters far apart on the ИСБШ, and a school alone between them:
#   poor context A: index 15, 18, 20, 22, 24, 25; values 20, 22, 24, 26, 28, 40
#   good context B: index 75, 77, 79, 81, 83, 85; values 2, 3, 4, 5, 6, 12
#   C: index 50 (no other school within ± 10), value 30
# All 13: P90 at r = 0,9 × 12 = 10,8 → 28 + 0,8 × (30 − 28) = 29,6 → C and A6.
# Within ± 10 every A school's group is the six A's: P90 at r = 4,5 → 28 + 0,5 × 12 = 34 →
# A6; every B's group is the six B's: 6 + 0,5 × (12 − 6) = 9 → B6. C has 1 similar school
# (itself) < 5: it is compared with all, 29,6.
CLUSTERS: dict[str, tuple[int, int]] = {
    **{
        f"A{i}": (x, v)
        for i, (x, v) in enumerate(
            zip((15, 18, 20, 22, 24, 25), (20, 22, 24, 26, 28, 40), strict=True), 1
        )
    },
    **{
        f"B{i}": (x, v)
        for i, (x, v) in enumerate(
            zip((75, 77, 79, 81, 83, 85), (2, 3, 4, 5, 6, 12), strict=True), 1
        )
    },
    "C": (50, 30),
}


def _clusters(**rule: Any) -> dict[str, YearCheck]:
    return one_year(
        criterion("percentile", 90),
        {s: D(v) for s, (_x, v) in CLUSTERS.items()},
        higher_is_better=False,
        index={s: D(x) for s, (x, _v) in CLUSTERS.items()},
        **rule,
    )


def test_without_context_the_poor_cluster_is_listed() -> None:
    checks = _clusters(context="none")
    assert met(checks) == {"A6", "C"}
    assert {c.cut for c in checks.values()} == {D("29.6")}


def test_context_similar_compares_within_the_band() -> None:
    checks = _clusters(context="similar", context_band=D(10), context_min_group=5)
    assert met(checks) == {"A6", "B6", "C"}
    assert checks["A5"].cut == D(34) and not checks["A5"].met  # 28: high, but not among its own
    assert checks["B6"].cut == D(9) and checks["B6"].met  # 12: low overall, high among its own
    assert checks["B6"].note == "группа сравнения: 6 ОО с ИСБШ 85,00 ± 10,00"
    assert checks["C"].cut == D("29.6")
    assert checks["C"].note == "схожих ОО меньше 5: сравнение со всеми ОО"


def test_context_similar_without_an_index_compares_with_all() -> None:
    values = {s: D(v) for s, (_x, v) in CLUSTERS.items()}
    values["N"] = D(1)
    checks = one_year(
        criterion("percentile", 90),
        values,
        higher_is_better=False,
        index={s: D(x) for s, (x, _v) in CLUSTERS.items()},
        context="similar",
    )
    assert checks["N"].note == "нет ИСБШ: сравнение со всеми ОО"
    assert checks["N"].met is False


def test_context_similar_with_a_small_minimum_group_uses_the_band_only() -> None:
    checks = _clusters(context="similar", context_band=D(2), context_min_group=2)
    # A6 (25) within ± 2: A5 (24) and itself → P90 of 28, 40 = 28 + 0,9 × 12 = 38,8
    assert checks["A6"].cut == D("38.8") and checks["A6"].met
    assert checks["A6"].note == "группа сравнения: 2 ОО с ИСБШ 25,00 ± 2,00"


# A line value = 60 − 0,5 × ИСБШ; every school is on it but X (index 80: 35, 15 points above
# its expected 20) and Y (80: 5, 15 below). X and Y together add to Σy and Σxy exactly what
# two schools on the line would, so the least-squares line is the planted one. H has the
# highest share of «2» (55) only because of its low index (10): it is on the line.
LINE: dict[str, tuple[int, int]] = {
    "H": (10, 55),
    **{f"s{x}": (x, 60 - x // 2) for x in (20, 30, 40, 50, 60, 70, 90, 100)},
    "X": (80, 35),
    "Y": (80, 5),
}


def _residual(threshold: str, value: Any, **rule: Any) -> dict[str, YearCheck]:
    return one_year(
        criterion(threshold, value),
        {s: D(v) for s, (_x, v) in LINE.items()},
        higher_is_better=False,
        index={s: D(x) for s, (x, _v) in LINE.items()},
        refs={"municipality": D(30)},
        **rule,
    )


def test_without_context_the_school_of_the_poorest_context_is_listed() -> None:
    checks = _residual("percentile", 90)
    # values 5, 10, 15, 25, 30, 35, 35, 40, 45, 50, 55: r = 9 → 50
    assert checks["H"].cut == D(50)
    assert met(checks) == {"H", "s20"}
    assert not checks["X"].met


@pytest.mark.parametrize("threshold", ["worse_than_municipality", "absolute"])
def test_context_residual_lists_the_school_above_the_line(threshold: str) -> None:
    checks = _residual(threshold, 5, context="residual")
    assert checks["X"].figure == D("15.0000") and checks["X"].met
    assert checks["Y"].figure == D("-15.0000") and checks["Y"].met is False
    assert checks["H"].figure == D(0) and checks["H"].met is False  # high only by its index
    assert met(checks) == {"X"}
    assert checks["X"].cut == D(5)  # worse than expected by 5, not than the municipality's 30
    assert checks["X"].value == D(35)  # the value itself is kept beside the residual
    assert checks["X"].note == "остаток регрессии: значение − (60,00 − 0,50 × ИСБШ)"


def test_context_residual_a_school_without_an_index_does_not_count_and_says_why() -> None:
    values: dict[str, Any] = {s: D(v) for s, (_x, v) in LINE.items()}
    values["N"] = D(70)
    checks = one_year(
        criterion("absolute", 5),
        values,
        higher_is_better=False,
        index={s: D(x) for s, (x, _v) in LINE.items()},
        context="residual",
    )
    assert checks["N"].met is None and checks["N"].cut is None
    assert checks["X"].met  # the others' line is built without N
    assert checks["N"].note == "нет ИСБШ за год"


def test_context_residual_needs_three_schools_with_an_index() -> None:
    few = one_year(
        criterion("absolute", 5),
        {"p": D(1), "q": D(2)},
        higher_is_better=False,
        index={"p": D(10), "q": D(20)},
        context="residual",
    )
    assert {c.met for c in few.values()} == {None}
    assert few["p"].note == "регрессия не построена: меньше 3 ОО с ИСБШ"


# --- checking a definition ----------------------------------------------------------------


def _definition(**changes: Any) -> dict[str, Any]:
    """SHNOR_BASIC (K1 ВПР, K2 ОГЭ) with its first criterion changed by `changes`."""
    definition = {**SHNOR_BASIC, "criteria": [dict(c) for c in SHNOR_BASIC["criteria"]]}
    definition["criteria"][0].update(changes)
    return definition


def test_the_shipped_rule_has_no_problems() -> None:
    assert rule_problems(SHNOR_BASIC, KNOWN) == []
    assert rule_from_definition(SHNOR_BASIC).to_dict() == SHNOR_BASIC


def test_a_rule_without_criteria() -> None:
    assert rule_problems({**SHNOR_BASIC, "criteria": []}, KNOWN) == [
        "В правиле нет ни одного критерия: добавьте хотя бы один."
    ]
    assert rule_problems({"combine": "any"}, KNOWN) == [
        "В правиле нет ни одного критерия: добавьте хотя бы один."
    ]


def test_an_unknown_indicator() -> None:
    assert rule_problems(_definition(indicator="vpr.nonsense"), KNOWN) == [
        "Критерий K1: показатель «vpr.nonsense» не найден в каталоге."
    ]


@pytest.mark.parametrize("value", ["-1", "101", 120])
def test_a_percentile_outside_0_100(value: Any) -> None:
    assert rule_problems(_definition(value=value), KNOWN) == [
        f"Критерий K1: процентиль должен быть от 0 до 100, указано {value}."
    ]


@pytest.mark.parametrize("value", ["0", "100"])
def test_the_edges_of_the_percentile_are_allowed(value: str) -> None:
    assert rule_problems(_definition(value=value), KNOWN) == []


def test_k_larger_than_the_number_of_criteria() -> None:
    assert rule_problems({**SHNOR_BASIC, "combine": "at_least", "k": 3}, KNOWN) == [
        "«Не менее K критериев»: K = 3 больше числа критериев (2)."
    ]
    assert rule_problems({**SHNOR_BASIC, "combine": "at_least", "k": 2}, KNOWN) == []


def test_need_more_years_than_the_span() -> None:
    assert rule_problems(_definition(span=3, need=4), KNOWN) == [
        "Критерий K1: «не менее N из 3 лет» — N должно быть от 1 до 3."
    ]


def test_a_duplicate_code() -> None:
    assert rule_problems(_definition(code="K2"), KNOWN) == [
        "Критерий K2: код повторяется — у каждого критерия свой код."
    ]


@pytest.mark.parametrize("weight", ["-1", "abc", None])
def test_a_bad_weight(weight: Any) -> None:
    definition = _definition(weight=weight)
    definition["criteria"][1]["weight"] = "2,5"  # a decimal comma is a good weight
    assert rule_problems(definition, KNOWN) == ["Критерий K1: вес — неотрицательное число."]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"threshold": "quartile", "value": "4"},
            "Критерий K1: квартилей может быть 1, 2 или 3, указано 4.",
        ),
        (
            {"threshold": "decile", "value": "10"},
            "Критерий K1: децилей может быть от 1 до 9, указано 10.",
        ),
        (
            {"threshold": "share_of_schools", "value": "0"},
            "Критерий K1: доля ОО должна быть больше 0 и не больше 100 %, указано 0.",
        ),
        (
            {"threshold": "worse_than_region", "value": "-2"},
            "Критерий K1: разница в пунктах не может быть отрицательной.",
        ),
        ({"threshold": "median"}, "Критерий K1: неизвестный вид порога «median»."),
        ({"value": "много"}, "Критерий K1: не задано значение порога (число)."),
        ({"min_n": -1}, "Критерий K1: минимальное число участников — целое число не меньше 0."),
        ({"grade": 12}, "Критерий K1: класс — число от 1 до 11."),
        ({"code": ""}, "Критерий 1: не задан код (например, K1)."),
    ],
)
def test_other_bad_criteria_name_the_criterion(changes: dict[str, Any], message: str) -> None:
    assert rule_problems(_definition(**changes), KNOWN) == [message]


def test_bad_rule_settings() -> None:
    assert rule_problems({**SHNOR_BASIC, "combine": "weighted", "min_score": "0"}, KNOWN) == [
        "Взвешенная сумма: порог суммы весов должен быть больше 0."
    ]
    assert rule_problems({**SHNOR_BASIC, "markers": "hide"}, KNOWN) == [
        "Неизвестная обработка маркеров «hide»."
    ]
    assert rule_problems({**SHNOR_BASIC, "context": "similar", "context_band": "0"}, KNOWN) == [
        "Сравнение со схожими ОО: ширина полосы ИСБШ — от 0 до 100 пунктов."
    ]


def test_every_problem_is_reported_at_once() -> None:
    definition = _definition(indicator="vpr.nonsense", value="101", weight="-1")
    definition["combine"], definition["k"] = "at_least", 5
    assert rule_problems(definition, KNOWN) == [
        "Критерий K1: показатель «vpr.nonsense» не найден в каталоге.",
        "Критерий K1: процентиль должен быть от 0 до 100, указано 101.",
        "Критерий K1: вес — неотрицательное число.",
        "«Не менее K критериев»: K = 5 больше числа критериев (2).",
    ]
