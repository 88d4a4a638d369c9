"""Objectivity markers (маркеры необъективности): the rules, as plain functions of figures.

Plain Python, no Django: each marker takes the figures it needs (from the stored figures of
assessments.indicators, or numbers read from the stored indicator values) and its
parameters, and returns a `Marker` — its code, value, threshold, whether it is raised, and
the evidence (the numbers it was decided from), so that a page, an export and a protocol
can say why (`explain` puts a stored marker into words). The parameters are data
(`DEFAULT_PARAMS`, version 1); the jobs that store markers keep the version they used.

The methods:

* `score_peaks` — a peak at a cut-off: the number of pupils with exactly the first primary
  score of «3», «4» or «5» against the expectation from the neighbouring scores (the mean of
  the counts at c − 2, c − 1, c + 1, c + 2). Raised when at some cut-off the count is at
  least `ratio` times the expectation, exceeds it by `min_excess` pupils, and the Poisson
  tail probability of so many with that expectation is below `p_value` — at `min_peaks` (2)
  cut-offs or more, since one school's counts per score are small and a single lucky peak
  among some 900 school × campaign × cut-off tests a year is chance; only from
  `min_participants` participants (50: fewer cannot show a peak). The value is the largest
  ratio over the cut-offs.
* `hard_over_basic` — tasks of levels П and В solved better than tasks of level Б (mean task
  success, points) while the municipality shows the usual order (Б above П / В). The value
  is the school's difference П/В − Б.
* `journal_gap` — the share of «понизили» or of «повысили» (ВПР mark against the journal)
  far above the region's (or, without the region, the municipality's). The value is the
  larger excess, in points.
* `above_unconfirmed` — ВПР quality well above the municipality's, for a school that is not
  a гимназия or лицей, while neither its ОГЭ quality is above the municipality's by
  `oge_excess` points nor its ЕГЭ mean test score by `ege_excess` (no ОГЭ and no ЕГЭ: not
  confirmed). `ege_excess` was added before this marker was first stored, so version 1
  of it has always had it.
* `cohort_drop` — the same cohort's quality falls sharply from grade 4 to grade 5.
* `vpr_over_oge` — ВПР quality far above the school's ОГЭ quality in the same subject.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments.indicators import CampaignStats, round_half_up
from msoko import formatting

#: Parameters of every marker, version 1. A changed parameter makes a new version.
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "score_peaks": {
        "min_participants": 50,
        "ratio": "1.5",
        "min_excess": 3,
        "p_value": "0.01",
        "window": 2,
        "min_peaks": 2,
    },
    "hard_over_basic": {"min_participants": 10, "margin": "0"},
    "journal_gap": {"min_compared": 10, "excess": "20"},
    "above_unconfirmed": {
        "min_participants": 10,
        "vpr_excess": "20",
        "oge_excess": "10",
        "ege_excess": "5",
    },
    "cohort_drop": {"min_participants": 10, "drop": "25"},
    "vpr_over_oge": {"min_participants": 10, "gap": "25"},
}
PARAMS_VERSION = 1

MARKER_NAMES = {
    "above_unconfirmed": "Результаты ВПР выше муниципальных и не подтверждены ОГЭ / ЕГЭ",
    "hard_over_basic": "Задания П / В выполнены лучше заданий Б",
    "score_peaks": "Пики распределения первичных баллов на границах отметок",
    "journal_gap": "Большая доля понизивших или повысивших отметку по журналу",
    "cohort_drop": "Резкое падение результатов того же класса с 4 по 5 класс",
    "vpr_over_oge": "ВПР намного выше ОГЭ той же ОО по тому же предмету",
    "federal_list": "ОО в федеральном перечне ОО с признаками необъективности",
}

#: Short names, where a long one does not fit (a chart's categories, a narrow cell).
MARKER_SHORT = {
    "above_unconfirmed": "Не подтверждено ОГЭ / ЕГЭ",
    "hard_over_basic": "П / В лучше Б",
    "score_peaks": "Пики на границах",
    "journal_gap": "Расхождение с журналом",
    "cohort_drop": "Падение 4 → 5 класс",
    "vpr_over_oge": "ВПР выше ОГЭ",
    "federal_list": "Федеральный перечень",
}


@dataclass(frozen=True)
class Marker:
    """One marker of one school: its value against its threshold, and why."""

    code: str
    value: Decimal | None
    threshold: Decimal
    raised: bool
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str = ""  # when not decided: why (too few participants, no data)


def _params(code: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**DEFAULT_PARAMS[code], **(params or {})}


def _undecided(code: str, threshold: Decimal, reason: str) -> Marker:
    return Marker(code, None, threshold, False, {}, reason)


# --------------------------------------------------------------------------- score peaks


def poisson_tail(count: int, expected: float) -> float:
    """P(X ≥ count) for X ~ Poisson(expected)."""
    if count <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    if expected > 500:  # the normal approximation (exp(−λ) would underflow)
        return 0.5 * math.erfc((count - 0.5 - expected) / math.sqrt(2 * expected))
    term = math.exp(-expected)
    below = term
    for k in range(1, count):
        term *= expected / k
        below += term
    return max(0.0, 1.0 - below)


def score_peaks(
    distribution: Sequence[int], cutoffs: Sequence[int], params: Mapping[str, Any] | None = None
) -> Marker:
    """Peaks of the primary-score distribution at the cut-offs (see the module's method).

    `distribution[s]` is the number of pupils with primary score s; `cutoffs` the first
    score of each mark above «2».
    """
    p = _params("score_peaks", params)
    ratio_limit = Decimal(p["ratio"])
    participants = sum(distribution)
    if participants < p["min_participants"]:
        return _undecided(
            "score_peaks",
            ratio_limit,
            f"участников {participants}, метод применяется от {p['min_participants']}",
        )
    window = int(p["window"])
    at: dict[str, Any] = {}
    best: Decimal | None = None
    peaks = 0
    for cut in cutoffs:
        neighbours = [
            distribution[s]
            for s in range(cut - window, cut + window + 1)
            if s != cut and 0 <= s < len(distribution)
        ]
        if not neighbours or not 0 <= cut < len(distribution):
            continue
        expected = sum(neighbours) / len(neighbours)
        count = distribution[cut]
        ratio = Decimal(count) / Decimal(str(expected)) if expected else None
        tail = poisson_tail(count, expected)
        peak = (
            ratio is not None
            and ratio >= ratio_limit
            and count - expected >= p["min_excess"]
            and tail < float(p["p_value"])
        )
        at[str(cut)] = {
            "count": count,
            "expected": str(round_half_up(Decimal(str(expected)), 2)),
            "ratio": None if ratio is None else str(round_half_up(ratio, 2)),
            "p": f"{tail:.2g}",
            "peak": peak,
        }
        peaks += peak
        if ratio is not None and (best is None or ratio > best):
            best = ratio
    if best is None:
        return _undecided("score_peaks", ratio_limit, "нет границ отметок для проверки")
    return Marker(
        "score_peaks",
        round_half_up(best, 2),
        ratio_limit,
        peaks >= min(int(p["min_peaks"]), len(at)),
        {"cutoffs": at, "participants": participants, "peaks": peaks},
    )


# --------------------------------------------------------------------------- hard over basic


def level_success(stats: CampaignStats) -> dict[str, Decimal | None]:
    """Mean task success of the basic (Б) and of the harder (П, В) tasks, points."""
    groups: dict[str, list[Decimal]] = {"basic": [], "hard": []}
    for task in stats.tasks:
        if task.success is None or task.level not in ("Б", "П", "В"):
            continue
        groups["basic" if task.level == "Б" else "hard"].append(task.success)
    return {
        key: (sum(values, Decimal(0)) / len(values) if values else None)
        for key, values in groups.items()
    }


def hard_over_basic(
    school: CampaignStats, municipality: CampaignStats, params: Mapping[str, Any] | None = None
) -> Marker:
    """П / В solved better than Б in the school while the municipality shows Б above П / В."""
    p = _params("hard_over_basic", params)
    margin = Decimal(p["margin"])
    if school.participants < p["min_participants"]:
        return _undecided(
            "hard_over_basic",
            margin,
            f"участников {school.participants} (нужно {p['min_participants']})",
        )
    own, total = level_success(school), level_success(municipality)
    if None in (own["basic"], own["hard"], total["basic"], total["hard"]):
        return _undecided("hard_over_basic", margin, "нет заданий обоих уровней с результатами")
    difference = own["hard"] - own["basic"]  # type: ignore[operator]
    usual = total["basic"] > total["hard"]  # type: ignore[operator]
    return Marker(
        "hard_over_basic",
        round_half_up(difference, 1),
        margin,
        usual and difference > margin,
        {
            "school_basic": str(round_half_up(own["basic"], 1)),
            "school_hard": str(round_half_up(own["hard"], 1)),
            "municipality_basic": str(round_half_up(total["basic"], 1)),
            "municipality_hard": str(round_half_up(total["hard"], 1)),
        },
    )


# --------------------------------------------------------------------------- journal gap


def journal_gap(
    school: CampaignStats,
    reference_lowered: Decimal | None,
    reference_raised: Decimal | None,
    params: Mapping[str, Any] | None = None,
) -> Marker:
    """«Понизили» or «повысили» far above the reference (the region's, else the municipality's)."""
    p = _params("journal_gap", params)
    limit = Decimal(p["excess"])
    journal = school.journal
    if journal.compared < p["min_compared"]:
        return _undecided(
            "journal_gap",
            limit,
            f"с отметкой по журналу {journal.compared} (нужно {p['min_compared']})",
        )
    excesses = {}
    for key, own, reference in (
        ("lowered", journal.lowered_percent, reference_lowered),
        ("raised", journal.raised_percent, reference_raised),
    ):
        if own is not None and reference is not None:
            excesses[key] = own - reference
    if not excesses:
        return _undecided("journal_gap", limit, "нет значений для сравнения")
    key, excess = max(excesses.items(), key=lambda item: item[1])
    return Marker(
        "journal_gap",
        round_half_up(excess, 1),
        limit,
        excess >= limit,
        {
            "which": key,
            "lowered": str(round_half_up(journal.lowered_percent, 1)),
            "raised": str(round_half_up(journal.raised_percent, 1)),
            "reference_lowered": None if reference_lowered is None else str(reference_lowered),
            "reference_raised": None if reference_raised is None else str(reference_raised),
        },
    )


# --------------------------------------------------------------------------- across procedures


def above_unconfirmed(
    *,
    vpr_quality: Decimal | None,
    vpr_municipality: Decimal | None,
    oge_quality: Decimal | None,
    oge_municipality: Decimal | None,
    n: int,
    selective: bool,
    ege_mean: Decimal | None = None,
    ege_municipality: Decimal | None = None,
    params: Mapping[str, Any] | None = None,
) -> Marker:
    """ВПР quality well above the municipality's, not a гимназия / лицей (`selective`), and
    neither the school's ОГЭ quality above the municipality's by `oge_excess` points nor its
    ЕГЭ mean test score by `ege_excess` (no ОГЭ and no ЕГЭ: not confirmed)."""
    p = _params("above_unconfirmed", params)
    limit = Decimal(p["vpr_excess"])
    if n < p["min_participants"] or vpr_quality is None or vpr_municipality is None:
        return _undecided("above_unconfirmed", limit, "мало участников или нет данных ВПР")
    excess = vpr_quality - vpr_municipality
    oge_excess = (
        oge_quality - oge_municipality
        if oge_quality is not None and oge_municipality is not None
        else None
    )
    ege_excess = (
        ege_mean - ege_municipality
        if ege_mean is not None and ege_municipality is not None
        else None
    )
    confirmed_by = []
    if oge_excess is not None and oge_excess >= Decimal(p["oge_excess"]):
        confirmed_by.append("oge")
    if ege_excess is not None and ege_excess >= Decimal(p["ege_excess"]):
        confirmed_by.append("ege")
    return Marker(
        "above_unconfirmed",
        round_half_up(excess, 1),
        limit,
        excess >= limit and not selective and not confirmed_by,
        {
            "vpr_quality": str(vpr_quality),
            "vpr_municipality": str(vpr_municipality),
            "oge_quality": None if oge_quality is None else str(oge_quality),
            "oge_municipality": None if oge_municipality is None else str(oge_municipality),
            "oge_excess": None if oge_excess is None else str(round_half_up(oge_excess, 1)),
            "ege_mean": None if ege_mean is None else str(ege_mean),
            "ege_municipality": None if ege_municipality is None else str(ege_municipality),
            "ege_excess": None if ege_excess is None else str(round_half_up(ege_excess, 1)),
            "confirmed_by": confirmed_by,
            "selective": selective,
        },
    )


def _gap(
    code: str,
    limit_key: str,
    high: tuple[str, Decimal | None],
    low: tuple[str, Decimal | None],
    n: int,
    params: Mapping[str, Any] | None,
    missing: str,
) -> Marker:
    """Raised when `high` exceeds `low` by the parameter `limit_key` points or more."""
    p = _params(code, params)
    limit = Decimal(p[limit_key])
    (high_name, high_value), (low_name, low_value) = high, low
    if n < p["min_participants"] or high_value is None or low_value is None:
        return _undecided(code, limit, missing)
    difference = high_value - low_value
    return Marker(
        code,
        round_half_up(difference, 1),
        limit,
        difference >= limit,
        {high_name: str(high_value), low_name: str(low_value)},
    )


def cohort_drop(
    *,
    grade4_quality: Decimal | None,
    grade5_quality: Decimal | None,
    n: int,
    params: Mapping[str, Any] | None = None,
) -> Marker:
    """The same cohort's quality falls from grade 4 to grade 5 by `drop` points or more."""
    return _gap(
        "cohort_drop",
        "drop",
        ("grade4", grade4_quality),
        ("grade5", grade5_quality),
        n,
        params,
        "мало участников или нет обоих лет",
    )


def vpr_over_oge(
    *,
    vpr_quality: Decimal | None,
    oge_quality: Decimal | None,
    n: int,
    params: Mapping[str, Any] | None = None,
) -> Marker:
    """ВПР quality above the same school's ОГЭ quality in the subject by `gap` points or more."""
    return _gap(
        "vpr_over_oge",
        "gap",
        ("vpr_quality", vpr_quality),
        ("oge_quality", oge_quality),
        n,
        params,
        "мало участников или нет ВПР и ОГЭ",
    )


# --------------------------------------------------------------------------- in words


def _n(value: Any, places: int = 1) -> str:
    return formatting.number(value, places)


def _pct(value: Any) -> str:
    return formatting.percent(value, 1)


def _points(value: Any) -> str:
    return f"{formatting.signed(value, 1)} п."


def explain(
    code: str,
    value: Any,
    threshold: Any,
    evidence: Mapping[str, Any] | None,
    *,
    reason: str = "",
) -> str:
    """A stored marker in words: what was compared, with the numbers, against which threshold.

    `evidence` is the marker's stored evidence (as the functions above and the jobs that
    store markers give it); an undecided marker says why (`reason`).
    """
    e = dict(evidence or {})
    if value is None and code != "federal_list":
        return f"Не решено: {reason}." if reason else "Не решено: нет данных."
    if code == "score_peaks":
        cuts = e.get("cutoffs") or {}
        parts = [
            f"{cut} б. — {info.get('count')} уч. при ожидаемых {_n(info.get('expected'))}"
            + (" (пик)" if info.get("peak") else "")
            for cut, info in sorted(cuts.items(), key=lambda item: int(item[0]))
        ]
        return (
            f"Пики на границах отметок: {e.get('peaks', 0)} из {len(cuts)}; наибольшее "
            f"отношение к ожидаемому {_n(value, 2)} (порог {_n(threshold, 2)}), участников "
            f"{e.get('participants', '—')}. Границы: {'; '.join(parts)}."
        )
    if code == "hard_over_basic":
        return (
            f"В ОО задания П / В выполнены на {_pct(e.get('school_hard'))}, задания Б — на "
            f"{_pct(e.get('school_basic'))} (разница {_points(value)}); в муниципалитете Б — "
            f"{_pct(e.get('municipality_basic'))}, П / В — {_pct(e.get('municipality_hard'))}."
        )
    if code == "journal_gap":
        where = "в регионе" if e.get("reference") == "region" else "в муниципалитете"
        which = "понизивших" if e.get("which") == "lowered" else "повысивших"
        return (
            f"Понизили отметку по журналу {_pct(e.get('lowered'))}, повысили "
            f"{_pct(e.get('raised'))}; {where}: понизили {_pct(e.get('reference_lowered'))}, "
            f"повысили {_pct(e.get('reference_raised'))}. Доля {which} выше на "
            f"{_n(value)} п. (порог {_n(threshold)} п.)."
        )
    if code == "above_unconfirmed":
        text = (
            f"Качество знаний по ВПР {_pct(e.get('vpr_quality'))} при "
            f"{_pct(e.get('vpr_municipality'))} в муниципалитете ({_points(value)}, порог "
            f"{_points(threshold)})"
        )
        if e.get("vpr_region") is not None:
            text += f", в регионе {_pct(e.get('vpr_region'))}"
        text += ". "
        if e.get("oge_excess") is not None:
            subjects = e.get("oge_subjects_label") or "ОГЭ"
            text += (
                f"{subjects}: {_pct(e.get('oge_quality'))} при {_pct(e.get('oge_municipality'))} "
                f"в муниципалитете ({_points(e.get('oge_excess'))}). "
            )
        else:
            text += "ОГЭ в ОО нет (или мало участников). "
        if e.get("ege_excess") is not None:
            text += (
                f"ЕГЭ, средний тестовый балл: {_n(e.get('ege_mean'))} при "
                f"{_n(e.get('ege_municipality'))} в муниципалитете ({_points(e.get('ege_excess'))}). "
            )
        else:
            text += "ЕГЭ в ОО нет (или мало участников). "
        if e.get("selective"):
            text += "ОО — гимназия или лицей: высокие результаты ожидаемы."
        elif e.get("confirmed_by"):
            names = {"oge": "ОГЭ", "ege": "ЕГЭ"}
            text += "Подтверждены: " + ", ".join(names[c] for c in e["confirmed_by"]) + "."
        else:
            text += "Результаты ВПР не подтверждены ни ОГЭ, ни ЕГЭ."
        return text.strip()
    if code == "cohort_drop":
        before = e.get("year_before")
        after = before + 1 if isinstance(before, int) else None
        how = "по классам" if e.get("method") == "class" else "по параллели"
        return (
            f"Качество знаний того же класса: 4 класс{f' {before} г.' if before else ''} — "
            f"{_pct(e.get('grade4'))}, 5 класс{f' {after} г.' if after else ''} — "
            f"{_pct(e.get('grade5'))}; падение на {_n(value)} п. (порог {_n(threshold)} п.), "
            f"сопоставлено {how}."
        )
    if code == "vpr_over_oge":
        return (
            f"Качество знаний по ВПР {_pct(e.get('vpr_quality'))}, по ОГЭ того же предмета "
            f"{_pct(e.get('oge_quality'))} в той же ОО; ВПР выше на {_n(value)} п. (порог "
            f"{_n(threshold)} п.)."
        )
    if code == "federal_list":
        where = f"столбец «{e.get('column', '')}»"
        source = f", файл «{e['file']}», строка {e.get('row')}" if e.get("file") else ""
        return f"ОО в федеральном перечне ОО с маркерами необъективности: {where}{source}."
    return MARKER_NAMES.get(code, code)
