"""The indicator catalogue: every indicator by a stable code, with what it means.

Dashboards, identification rules, data collection and reports refer to indicators by
code (`vpr.fail_share`, `ege.below_min`…). Each has a Russian name, a unit, the direction
of work it serves (DOMAIN §8), whether higher is better, its formula in words, and the
computation: a registered function of the stored figures of one school or municipality
(`CampaignStats` for marks, `EgeStats` for ЕГЭ test scores). Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessments.indicators import CampaignStats, EgeStats

COMPUTED = "computed"  # from results
COLLECTED = "collected"  # from schools (data collection, a later issue)
SOURCE_LABELS = {COMPUTED: "рассчитывается по результатам", COLLECTED: "собирается от ОО"}

# What a computation reads: the figures of a campaign («marks»), or its ЕГЭ figures at the
# minimum for the attestat or for university.
MARKS = "marks"
EGE_ATTESTAT = "ege:attestat"
EGE_UNIVERSITY = "ege:university"


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue."""

    code: str
    name: str
    unit: str
    direction: str  # the DOMAIN §8 direction code, e.g. «1.1»
    higher_is_better: bool | None  # None: neither (a count of participants)
    formula: str  # the computation in words, shown on the catalogue page
    procedures: tuple[str, ...]
    figures: str = MARKS
    source: str = COMPUTED
    compute: Callable[[Any], Decimal | int | None] | None = None
    # An ЕГЭ figure that does not depend on the minimum may be read from any ЕГЭ row (the
    # year's minimums may not be set).
    any_minimum: bool = False

    @property
    def places(self) -> int:
        """Decimal places it is shown with: percents and scores to tenths, marks to hundredths."""
        return {"%": 1, "балл": 1, "отметка": 2}.get(self.unit, 0)

    @property
    def procedure(self) -> str:
        return self.code.split(".", 1)[0]

    def value(self, figures: CampaignStats | EgeStats) -> Decimal | int | None:
        """The indicator's value from one set of stored figures (None: not defined there)."""
        return None if self.compute is None else self.compute(figures)


CATALOGUE: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in CATALOGUE:
        raise ValueError(f"Показатель {indicator.code} уже есть в каталоге.")
    CATALOGUE[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    """The indicator of `code`, or a Russian message naming the codes that exist."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(
            f"Показателя «{code}» нет в каталоге; есть: {', '.join(sorted(CATALOGUE))}."
        ) from None


def for_procedure(procedure: str) -> list[Indicator]:
    return [i for i in CATALOGUE.values() if procedure in i.procedures]


# --- the indicators computed from results ------------------------------------------------

_MARK_PROCEDURES = {"vpr": "1.1", "oge": "1.1", "niko": "1.1", "rkr": "1.1", "mop": "1.1"}
_TITLES = {"vpr": "ВПР", "oge": "ОГЭ", "niko": "НИКО", "rkr": "РКР", "mop": "МОП"}


def _marks(procedure: str) -> None:
    title = _TITLES[procedure]
    direction = _MARK_PROCEDURES[procedure]
    rows: list[tuple[str, str, str, bool | None, str, Callable[[CampaignStats], Any]]] = [
        (
            "participants",
            f"{title}: участников",
            "чел.",
            None,
            "Число выполнявших работу (отсутствовавшие не считаются).",
            lambda s: s.participants,
        ),
        (
            "fail_share",
            f"{title}: доля «2»",
            "%",
            False,
            "Участники с отметкой «2», делённые на участников с отметкой, × 100.",
            lambda s: s.mark_percents.get(2),
        ),
        (
            "pass_rate",
            f"{title}: успеваемость",
            "%",
            True,
            "Участники с отметками «3»–«5», делённые на участников с отметкой, × 100.",
            lambda s: s.pass_rate,
        ),
        (
            "quality",
            f"{title}: качество знаний",
            "%",
            True,
            "Участники с отметками «4» и «5», делённые на участников с отметкой, × 100.",
            lambda s: s.quality_rate,
        ),
        (
            "mean_mark",
            f"{title}: средняя отметка",
            "отметка",
            True,
            "Сумма отметок, делённая на число участников с отметкой.",
            lambda s: s.mean_mark,
        ),
        (
            "mean_primary_percent",
            f"{title}: средний первичный балл, % от максимума",
            "%",
            True,
            "Средний первичный балл, делённый на максимальный первичный балл работы, × 100.",
            lambda s: s.mean_primary_percent,
        ),
    ]
    if procedure == "vpr":
        rows += [
            (
                "journal_lowered",
                "ВПР: понизили отметку по журналу",
                "%",
                None,
                "Участники, чья отметка за ВПР ниже отметки по журналу, делённые на "
                "участников с обеими отметками, × 100.",
                lambda s: s.journal.lowered_percent,
            ),
            (
                "journal_raised",
                "ВПР: повысили отметку по журналу",
                "%",
                None,
                "Участники, чья отметка за ВПР выше отметки по журналу, делённые на "
                "участников с обеими отметками, × 100.",
                lambda s: s.journal.raised_percent,
            ),
        ]
    for key, name, unit, better, formula, compute in rows:
        register(
            Indicator(
                code=f"{procedure}.{key}",
                name=name,
                unit=unit,
                direction=direction,
                higher_is_better=better,
                formula=formula,
                procedures=(procedure,),
                compute=compute,
            )
        )


for _procedure in _MARK_PROCEDURES:
    _marks(_procedure)

# ЕГЭ: key, name, unit, direction, better, formula, the minimum it is counted against (None:
# any, it does not depend on the minimum), computation.
_EGE: tuple[tuple[str, str, str, str, bool, str, str | None, Callable[[EgeStats], Any]], ...] = (
    (
        "mean_test",
        "ЕГЭ: средний тестовый балл",
        "балл",
        "1.1",
        True,
        "Сумма тестовых баллов, делённая на число участников с тестовым баллом.",
        None,
        lambda e: e.mean_score,
    ),
    (
        "below_min",
        "ЕГЭ: ниже минимального балла для аттестата",
        "%",
        "1.2",
        False,
        "Участники с тестовым баллом ниже минимума для аттестата, делённые на "
        "участников с тестовым баллом, × 100.",
        EGE_ATTESTAT,
        lambda e: e.below_minimum_percent,
    ),
    (
        "below_university",
        "ЕГЭ: ниже минимального балла для поступления в вуз",
        "%",
        "1.1",
        False,
        "Участники с тестовым баллом ниже минимума Рособрнадзора для вуза, делённые "
        "на участников с тестовым баллом, × 100.",
        EGE_UNIVERSITY,
        lambda e: e.below_minimum_percent,
    ),
    (
        "high_band",
        "ЕГЭ: 81–100 баллов",
        "%",
        "1.3",
        True,
        "Участники с тестовым баллом от 81 до 100 (обе границы включены), делённые "
        "на участников с тестовым баллом, × 100.",
        None,
        lambda e: e.in_high_band_percent,
    ),
    (
        "hundred",
        "ЕГЭ: стобалльники",
        "чел.",
        "1.3",
        True,
        "Число участников со 100 тестовыми баллами.",
        None,
        lambda e: e.hundred,
    ),
)
for _key, _name, _unit, _direction, _better, _formula, _minimum, _compute in _EGE:
    register(
        Indicator(
            code=f"ege.{_key}",
            name=_name,
            unit=_unit,
            direction=_direction,
            higher_is_better=_better,
            formula=_formula,
            procedures=("ege",),
            figures=_minimum or EGE_ATTESTAT,
            any_minimum=_minimum is None,
            compute=_compute,
        )
    )
