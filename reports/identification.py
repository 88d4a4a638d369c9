"""Identification rules (ШНОР, ШНСУ) as data, and their application: plain Python, no Django.

A rule is a list of criteria and a way to combine them (DOMAIN §7). A criterion names an
indicator of the catalogue (or the passport's well-being index), a filter (procedure,
subject, grade), a threshold kind, a number of years («at least `need` of the last
`span`»), a minimum number of participants and a weight. The kinds, with "worse" meaning
higher for an indicator where lower is better (the share of «2») and lower otherwise:

* ``absolute`` — worse than the value: «не ниже X» where lower is better, «ниже X» else;
* ``percentile`` — at or beyond the P-th percentile (PERCENTILE.INC, linear interpolation)
  of the value over the comparison group of that year (P is given as is: 90 for the share
  of «2», 10 for a mean score);
* ``quartile`` / ``decile`` — in the worst q quarters / d tenths: the percentile
  1 − q/4 (or 1 − d/10) where lower is better, q/4 (d/10) else;
* ``share_of_schools`` — among the worst S % of the group's schools by count (rounded up,
  ties at the cut all in): the ШНСУ rule of the well-being index;
* ``worse_than_municipality`` / ``worse_than_region`` — worse than the municipality's
  (region's) stored value of the same indicator by N points or more.

The comparison group is the municipality's general schools with at least `min_n`
participants and a value that year. A year in which the school has fewer than `min_n`
participants, or no value, does not count for it.

Social-context adjustment (optional, per rule):

* ``similar`` — each school is compared with the schools of similar context: those whose
  ИСБШ of that year is within ± `context_band` points of its own (itself included); with
  fewer than `context_min_group` such schools the whole group is used, and the protocol
  says so. ``worse_than_municipality`` compares with the mean of that group.
* ``residual`` — «добавленная ценность»: an ordinary least-squares line value = a + b·ИСБШ
  over the group of the year; each school's figure is its residual (value − the line's
  value for its index), and the threshold applies to residuals (for
  ``worse_than_municipality`` / ``absolute``: worse than expected by N points). A school
  without an index does not count that year.

Combination: ``any`` criterion; ``at_least`` K criteria; ``weighted``: the sum of the
weights of the met criteria ≥ T. Schools with objectivity markers in the years the rule
reads are ``excluded``, listed ``separate``ly, ``flag``ged, or the markers are ``ignore``d.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from assessments.dynamics import percentile_inc
from msoko import formatting

K = TypeVar("K")

THRESHOLD_KINDS: dict[str, str] = {
    "absolute": "абсолютное значение",
    "percentile": "процентиль ОО муниципалитета",
    "quartile": "худшие квартили ОО муниципалитета",
    "decile": "худшие децили ОО муниципалитета",
    "share_of_schools": "доля ОО с худшими значениями",
    "worse_than_municipality": "хуже муниципального значения на N",
    "worse_than_region": "хуже регионального значения на N",
}
COMBINE: dict[str, str] = {
    "any": "любой критерий",
    "at_least": "не менее K критериев",
    "weighted": "взвешенная сумма не ниже порога",
}
MARKER_HANDLING: dict[str, str] = {
    "flag": "включаются в перечень с отметкой",
    "separate": "рассматриваются отдельно",
    "exclude": "исключаются из перечня",
    "ignore": "маркеры не учитываются",
}
CONTEXT: dict[str, str] = {
    "none": "без поправки",
    "similar": "сравнение с ОО схожего социального контекста (ИСБШ ± N)",
    "residual": "остаток регрессии на ИСБШ («добавленная ценность»)",
}
CONTEXT_INDEX = "passport.wellbeing_index"  # the ИСБШ, read from the social passports

OUTCOMES = {
    "listed": "в перечне",
    "separate": "рассматривается отдельно (маркеры)",
    "excluded": "исключена (маркеры)",
    "not_listed": "не отобрана",
}


@dataclass(frozen=True)
class Criterion:
    code: str
    indicator: str
    threshold: str = "percentile"
    value: Decimal = Decimal("90")
    procedure: str = ""
    subject: str = ""
    grade: int | None = None
    span: int = 3
    need: int = 2
    min_n: int = 10
    weight: Decimal = Decimal("1")
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "indicator": self.indicator,
            "threshold": self.threshold,
            "value": str(self.value),
            "procedure": self.procedure,
            "subject": self.subject,
            "grade": self.grade,
            "span": self.span,
            "need": self.need,
            "min_n": self.min_n,
            "weight": str(self.weight),
            "description": self.description,
        }


@dataclass(frozen=True)
class Rule:
    criteria: tuple[Criterion, ...]
    combine: str = "any"
    k: int = 1
    min_score: Decimal = Decimal("0")
    markers: str = "flag"
    context: str = "none"
    context_band: Decimal = Decimal("10")
    context_min_group: int = 5

    @property
    def years_read(self) -> int:
        return max((c.span for c in self.criteria), default=1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "criteria": [c.to_dict() for c in self.criteria],
            "combine": self.combine,
            "k": self.k,
            "min_score": str(self.min_score),
            "markers": self.markers,
            "context": self.context,
            "context_band": str(self.context_band),
            "context_min_group": self.context_min_group,
        }


def _criterion(code: str, indicator: str, description: str) -> dict[str, Any]:
    return Criterion(code, indicator, description=description).to_dict()


# «ШНОР — базовое правило», version 1 (the shipped default).
SHNOR_BASIC: dict[str, Any] = Rule(
    criteria=(
        Criterion(
            "K1",
            "vpr.fail_share_year",
            description="ВПР: доля «2» за год (все предметы и классы) не ниже 90-го "
            "процентиля ОО муниципалитета хотя бы в 2 из 3 последних лет",
        ),
        Criterion(
            "K2",
            "oge.fail_share_year",
            description="ОГЭ (русский язык и математика): доля «2» за год не ниже 90-го "
            "процентиля ОО муниципалитета хотя бы в 2 из 3 последних лет",
        ),
    ),
).to_dict()

# «ШНСУ — индекс социального благополучия», version 1: the behaviour before rules were
# data — the 25 % of general schools with the lowest ИСБШ of the year, ties included.
SHNSU_BASIC: dict[str, Any] = Rule(
    criteria=(
        Criterion(
            "S1",
            CONTEXT_INDEX,
            threshold="share_of_schools",
            value=Decimal("25"),
            span=1,
            need=1,
            min_n=0,
            description="ИСБШ года в числе 25 % самых низких среди ОО муниципалитета",
        ),
    ),
    markers="ignore",
).to_dict()

# Kept for the callers written before the rules were data.
DEFAULT_RULE: tuple[Criterion, ...] = tuple(
    Criterion(**{**c, "value": Decimal(c["value"]), "weight": Decimal(c["weight"])})
    for c in SHNOR_BASIC["criteria"]
)


# --- reading and checking a rule's definition ---------------------------------------------


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    value = _decimal(raw)
    return int(value) if value is not None and value == value.to_integral_value() else None


def rule_problems(definition: Mapping[str, Any], known: Mapping[str, Any]) -> list[str]:
    """What is wrong with a rule's definition, in Russian (empty: the rule can be applied).

    `known`: the indicator codes that exist (the catalogue and the context index).
    """
    problems: list[str] = []
    criteria = definition.get("criteria") or []
    if not isinstance(criteria, list) or not criteria:
        return ["В правиле нет ни одного критерия: добавьте хотя бы один."]
    seen: set[str] = set()
    for number, raw in enumerate(criteria, start=1):
        if not isinstance(raw, Mapping):
            problems.append(f"Критерий {number}: описание не распознано.")
            continue
        code = str(raw.get("code") or "").strip()
        where = f"Критерий {code or number}"
        if not code:
            problems.append(f"Критерий {number}: не задан код (например, K{number}).")
        elif code in seen:
            problems.append(f"{where}: код повторяется — у каждого критерия свой код.")
        seen.add(code)
        indicator = str(raw.get("indicator") or "").strip()
        if not indicator:
            problems.append(f"{where}: не выбран показатель.")
        elif indicator not in known:
            problems.append(f"{where}: показатель «{indicator}» не найден в каталоге.")
        kind = raw.get("threshold")
        value = _decimal(raw.get("value"))
        if kind not in THRESHOLD_KINDS:
            problems.append(f"{where}: неизвестный вид порога «{kind}».")
        elif value is None:
            problems.append(f"{where}: не задано значение порога (число).")
        elif kind == "percentile" and not 0 <= value <= 100:
            problems.append(
                f"{where}: процентиль должен быть от 0 до 100, указано {raw.get('value')}."
            )
        elif kind == "share_of_schools" and not 0 < value <= 100:
            problems.append(
                f"{where}: доля ОО должна быть больше 0 и не больше 100 %, указано "
                f"{raw.get('value')}."
            )
        elif kind == "quartile" and value not in (1, 2, 3):
            problems.append(
                f"{where}: квартилей может быть 1, 2 или 3, указано {raw.get('value')}."
            )
        elif kind == "decile" and not (1 <= value <= 9 and value == int(value)):
            problems.append(f"{where}: децилей может быть от 1 до 9, указано {raw.get('value')}.")
        elif kind in ("worse_than_municipality", "worse_than_region") and value < 0:
            problems.append(f"{where}: разница в пунктах не может быть отрицательной.")
        span, need, min_n = _int(raw.get("span")), _int(raw.get("need")), _int(raw.get("min_n"))
        if span is None or not 1 <= span <= 10:
            problems.append(f"{where}: число лет должно быть от 1 до 10.")
        elif need is None or not 1 <= need <= span:
            problems.append(f"{where}: «не менее N из {span} лет» — N должно быть от 1 до {span}.")
        if min_n is None or min_n < 0:
            problems.append(f"{where}: минимальное число участников — целое число не меньше 0.")
        weight = _decimal(raw.get("weight", 1))
        if weight is None or weight < 0:
            problems.append(f"{where}: вес — неотрицательное число.")
        grade = raw.get("grade")
        if grade not in (None, "") and (_int(grade) is None or not 1 <= (_int(grade) or 0) <= 11):
            problems.append(f"{where}: класс — число от 1 до 11.")
    combine = definition.get("combine", "any")
    if combine not in COMBINE:
        problems.append(f"Неизвестный способ сочетания критериев «{combine}».")
    elif combine == "at_least":
        k = _int(definition.get("k"))
        if k is None or k < 1:
            problems.append("«Не менее K критериев»: K — целое число от 1.")
        elif k > len(criteria):
            problems.append(
                f"«Не менее K критериев»: K = {k} больше числа критериев ({len(criteria)})."
            )
    elif combine == "weighted":
        score = _decimal(definition.get("min_score"))
        if score is None or score <= 0:
            problems.append("Взвешенная сумма: порог суммы весов должен быть больше 0.")
    if definition.get("markers", "flag") not in MARKER_HANDLING:
        problems.append(f"Неизвестная обработка маркеров «{definition.get('markers')}».")
    context = definition.get("context", "none")
    if context not in CONTEXT:
        problems.append(f"Неизвестная поправка на контекст «{context}».")
    elif context == "similar":
        band = _decimal(definition.get("context_band"))
        if band is None or not 0 < band <= 100:
            problems.append("Сравнение со схожими ОО: ширина полосы ИСБШ — от 0 до 100 пунктов.")
        group = definition.get("context_min_group", 5)
        if _int(group) is None or not 2 <= (_int(group) or 0) <= 100:
            problems.append(
                "Сравнение со схожими ОО: наименьшая группа сравнения — целое число от 2 до 100."
            )
    return problems


def rule_from_definition(definition: Mapping[str, Any]) -> Rule:
    """The rule of a definition that `rule_problems` passed."""
    criteria = []
    for raw in definition["criteria"]:
        grade = _int(raw.get("grade"))
        criteria.append(
            Criterion(
                code=str(raw["code"]).strip(),
                indicator=str(raw["indicator"]).strip(),
                threshold=raw["threshold"],
                value=_decimal(raw["value"]) or Decimal(0),
                procedure=str(raw.get("procedure") or ""),
                subject=str(raw.get("subject") or ""),
                grade=grade,
                span=_int(raw.get("span")) or 1,
                need=_int(raw.get("need")) or 1,
                min_n=_int(raw.get("min_n")) or 0,
                weight=_decimal(raw.get("weight", 1)) or Decimal(0),
                description=str(raw.get("description") or ""),
            )
        )
    return Rule(
        criteria=tuple(criteria),
        combine=definition.get("combine", "any"),
        k=_int(definition.get("k")) or 1,
        min_score=_decimal(definition.get("min_score")) or Decimal(0),
        markers=definition.get("markers", "flag"),
        context=definition.get("context", "none"),
        context_band=_decimal(definition.get("context_band")) or Decimal(10),
        context_min_group=_int(definition.get("context_min_group")) or 5,
    )


def criterion_text(criterion: Criterion, higher_is_better: bool | None) -> str:
    """The criterion in words, for the protocol and the rule's page."""
    if criterion.description:
        return criterion.description
    worse = "не выше" if higher_is_better else "не ниже"
    value = str(criterion.value).replace(".", ",")
    kind = {
        "absolute": f"значение {worse if not higher_is_better else 'ниже'} {value}",
        "percentile": f"значение {worse} {value}-го процентиля",
        "quartile": f"в {value} худш. квартил(ях)",
        "decile": f"в {value} худш. децил(ях)",
        "share_of_schools": f"в числе {value} % ОО с худшими значениями",
        "worse_than_municipality": f"хуже муниципального значения на {value} и более",
        "worse_than_region": f"хуже регионального значения на {value} и более",
    }[criterion.threshold]
    years = f"хотя бы в {criterion.need} из {criterion.span} лет" if criterion.span > 1 else ""
    return " ".join(part for part in (criterion.indicator, kind, years) if part)


# --- applying a rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class Obs:
    """A school's value of a criterion's indicator in a year, with its participants."""

    value: Decimal | None
    n: int


@dataclass(frozen=True)
class YearCheck:
    year: int
    value: Decimal | None
    n: int
    cut: Decimal | None  # the threshold the value was compared with (None: none that year)
    met: bool | None  # None: the year does not count for the school
    figure: Decimal | None = None  # the compared figure when it is not the value (residual)
    note: str = ""


@dataclass(frozen=True)
class CriterionResult(Generic[K]):
    criterion: Criterion
    school: K
    years: tuple[YearCheck, ...]

    @property
    def met_years(self) -> int:
        return sum(1 for y in self.years if y.met)

    @property
    def met(self) -> bool:
        return self.met_years >= self.criterion.need


@dataclass(frozen=True)
class Outcome(Generic[K]):
    school: K
    checks: tuple[CriterionResult[K], ...]
    score: Decimal
    met_count: int
    rule_met: bool
    markers: tuple[str, ...]
    outcome: str  # a key of OUTCOMES

    @property
    def met_codes(self) -> list[str]:
        return [c.criterion.code for c in self.checks if c.met]


@dataclass
class Inputs(Generic[K]):
    """What a rule reads, already restricted to the municipality's general schools.

    `series[criterion code][year][school]`; `refs[criterion code][year]` = {"municipality":
    v, "region": v}; `index[year][school]` = ИСБШ; `markers[school]` = the marker codes
    raised in the years the rule reads; `higher_is_better[criterion code]`.
    """

    series: Mapping[str, Mapping[int, Mapping[K, Obs]]]
    higher_is_better: Mapping[str, bool | None]
    refs: Mapping[str, Mapping[int, Mapping[str, Decimal | None]]] = field(default_factory=dict)
    index: Mapping[int, Mapping[K, Decimal | None]] = field(default_factory=dict)
    markers: Mapping[K, tuple[str, ...]] = field(default_factory=dict)


def _worse(value: Decimal, cut: Decimal, *, bad_high: bool, strict_low: bool = True) -> bool:
    if bad_high:
        return value >= cut
    return value < cut if strict_low else value <= cut


def _fit(points: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal] | None:
    """Intercept and slope of value = a + b·index by least squares (None: not defined)."""
    if len(points) < 3:
        return None
    n = Decimal(len(points))
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return mean_y - slope * mean_x, slope


def _share_cut(values: list[Decimal], share: Decimal, *, bad_high: bool) -> Decimal | None:
    """The value at the edge of the worst `share` % of the schools (rounded up)."""
    if not values:
        return None
    count = math.ceil(len(values) * float(share) / 100)
    if count <= 0:
        return None
    ordered = sorted(values, reverse=bad_high)
    return ordered[min(count, len(ordered)) - 1]


def _cut(
    criterion: Criterion, values: list[Decimal], *, bad_high: bool, ref: Decimal | None
) -> Decimal | None:
    kind, value = criterion.threshold, criterion.value
    if kind == "absolute":
        return value
    if kind in ("worse_than_municipality", "worse_than_region"):
        if ref is None:
            return None
        return ref + value if bad_high else ref - value
    if not values:
        return None
    if kind == "share_of_schools":
        return _share_cut(values, value, bad_high=bad_high)
    if kind == "percentile":
        share = value / 100
    elif kind == "quartile":
        share = 1 - value / 4 if bad_high else value / 4
    else:  # decile
        share = 1 - value / 10 if bad_high else value / 10
    return percentile_inc(values, share)


def _criterion_year(
    criterion: Criterion,
    year: int,
    observed: Mapping[K, Obs],
    inputs: Inputs[K],
    rule: Rule,
    schools: set[K],
) -> dict[K, YearCheck]:
    """Every school's check of one criterion in one year."""
    # an indicator with no better direction reads as its text says: «не ниже» the threshold
    bad_high = inputs.higher_is_better.get(criterion.code) is not True
    counted = {
        school: obs.value
        for school, obs in observed.items()
        if obs.value is not None and obs.n >= criterion.min_n
    }
    index = inputs.index.get(year, {})
    ref_of = inputs.refs.get(criterion.code, {}).get(year, {})
    ref_key = "region" if criterion.threshold == "worse_than_region" else "municipality"
    # «ниже X» is strict for an absolute value; «хуже на N и более» and the cuts include
    # the edge on both sides, as «не ниже» does where lower is better
    strict_low = criterion.threshold == "absolute"
    checks: dict[K, YearCheck] = {}
    figures: dict[K, Decimal] = dict(counted)
    fit_note = ""
    if rule.context == "residual":
        points = [(index[s], v) for s, v in counted.items() if index.get(s) is not None]
        fitted = _fit(points)  # type: ignore[arg-type]
        if fitted is None:
            fit_note = "регрессия не построена: меньше 3 ОО с ИСБШ"
            figures = {}
        else:
            a, b = fitted
            figures = {
                s: (v - (a + b * index[s])).quantize(Decimal("0.0001"))  # type: ignore[operator]
                for s, v in counted.items()
                if index.get(s) is not None
            }
            sign = "+" if b >= 0 else "−"
            fit_note = f"остаток регрессии: значение − ({_num(a)} {sign} {_num(abs(b))} × ИСБШ)"
    for school in schools:
        obs = observed.get(school, Obs(None, 0))
        if obs.value is None:
            checks[school] = YearCheck(year, None, obs.n, None, None, note="нет значения")
            continue
        if obs.n < criterion.min_n:
            checks[school] = YearCheck(
                year, obs.value, obs.n, None, None, note=f"участников меньше {criterion.min_n}"
            )
            continue
        if rule.context == "residual" and school not in figures:
            checks[school] = YearCheck(
                year,
                obs.value,
                obs.n,
                None,
                None,
                note="нет ИСБШ за год" if figures else fit_note,
            )
            continue
        group = list(figures.values())
        ref = ref_of.get(ref_key)
        note = fit_note
        if rule.context == "similar":
            own = index.get(school)
            similar = [
                v
                for s, v in counted.items()
                if own is not None
                and index.get(s) is not None
                and abs(index[s] - own) <= rule.context_band  # type: ignore[operator]
            ]
            if own is not None and len(similar) >= rule.context_min_group:
                group = similar
                note = f"группа сравнения: {len(similar)} ОО с ИСБШ {_num(own)} ± {_num(rule.context_band)}"
                if ref_key == "municipality":
                    ref = sum(similar, Decimal(0)) / len(similar)
            else:
                note = (
                    f"схожих ОО меньше {rule.context_min_group}: сравнение со всеми ОО"
                    if own is not None
                    else "нет ИСБШ: сравнение со всеми ОО"
                )
        if rule.context == "residual" and criterion.threshold in (
            "worse_than_municipality",
            "worse_than_region",
        ):
            ref = Decimal(0)  # worse than expected for its context by N
        cut = _cut(criterion, group, bad_high=bad_high, ref=ref)
        figure = figures[school]
        met = None if cut is None else _worse(figure, cut, bad_high=bad_high, strict_low=strict_low)
        checks[school] = YearCheck(
            year,
            obs.value,
            obs.n,
            cut,
            met,
            figure=figure if rule.context == "residual" else None,
            note=note if cut is not None else (note or "порог не определён"),
        )
    return checks


def _num(value: Decimal) -> str:
    return formatting.number(value, 2)


def apply_rule(rule: Rule, inputs: Inputs[K], *, year: int, schools: set[K]) -> dict[K, Outcome[K]]:
    """Every school's outcome of `rule` for `year`: its checks, score and place in the list."""
    per_school: dict[K, list[CriterionResult[K]]] = {school: [] for school in schools}
    for criterion in rule.criteria:
        series = inputs.series.get(criterion.code, {})
        by_year = {
            y: _criterion_year(criterion, y, series.get(y, {}), inputs, rule, schools)
            for y in range(year - criterion.span + 1, year + 1)
        }
        for school in schools:
            per_school[school].append(
                CriterionResult(
                    criterion, school, tuple(by_year[y][school] for y in sorted(by_year))
                )
            )
    outcomes: dict[K, Outcome[K]] = {}
    for school, checks in per_school.items():
        met = [c for c in checks if c.met]
        score = sum((c.criterion.weight for c in met), Decimal(0))
        if rule.combine == "at_least":
            rule_met = len(met) >= rule.k
        elif rule.combine == "weighted":
            rule_met = score >= rule.min_score
        else:
            rule_met = bool(met)
        markers = (
            tuple(sorted(set(inputs.markers.get(school, ())))) if rule.markers != "ignore" else ()
        )
        if not rule_met:
            outcome = "not_listed"
        elif markers and rule.markers == "exclude":
            outcome = "excluded"
        elif markers and rule.markers == "separate":
            outcome = "separate"
        else:
            outcome = "listed"
        outcomes[school] = Outcome(
            school, tuple(checks), score, len(met), rule_met, markers, outcome
        )
    return outcomes


# --- the functions of the first version, kept for their callers --------------------------


def percentile_criterion(
    criterion: Criterion,
    series: Mapping[int, Mapping[K, tuple[Decimal | None, int]]],
    *,
    year: int,
) -> dict[K, CriterionResult[K]]:
    """Each school's check of a percentile `criterion` for `year`; `series[y][school] =
    (value, n)`, where higher values are worse."""
    rule = Rule(criteria=(criterion,))
    inputs: Inputs[K] = Inputs(
        series={criterion.code: {y: {s: Obs(*o) for s, o in v.items()} for y, v in series.items()}},
        higher_is_better={criterion.code: False},
    )
    schools = {s for by_school in series.values() for s in by_school}
    return {
        school: outcome.checks[0]
        for school, outcome in apply_rule(rule, inputs, year=year, schools=schools).items()
    }


def identify(
    rule: tuple[Criterion, ...],
    series: Mapping[str, Mapping[int, Mapping[K, tuple[Decimal | None, int]]]],
    *,
    year: int,
) -> dict[K, list[CriterionResult[K]]]:
    """The schools listed by percentile criteria combined with «any» (higher is worse)."""
    results: dict[K, list[CriterionResult[K]]] = {}
    for criterion in rule:
        for school, result in percentile_criterion(
            criterion, series.get(criterion.indicator, {}), year=year
        ).items():
            results.setdefault(school, []).append(result)
    return {school: checks for school, checks in results.items() if any(c.met for c in checks)}
