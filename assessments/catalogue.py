"""The indicator catalogue: every indicator by a stable code, with what it means.

Dashboards, identification rules, data collection and reports refer to indicators by
code (`vpr.fail_share`, `ege.below_min`…). Each has a Russian name, a unit, the direction
of work it serves (DOMAIN §8), whether higher is better, its formula in words, and the
computation: a registered function of the stored figures of one school or municipality
(`CampaignStats` for marks, `EgeStats` for ЕГЭ test scores). Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessments import collected as _collected
from assessments.indicators import CampaignStats, EgeStats

COMPUTED = "computed"  # from results
COLLECTED = "collected"  # from schools (data collection, a later issue)
SOURCE_LABELS = {COMPUTED: "рассчитывается по результатам", COLLECTED: "собирается от ОО"}

# What a computation reads: the figures of a campaign («marks»), or its ЕГЭ figures at the
# minimum for the attestat or for university; «year»: a whole year's computation stores it.
MARKS = "marks"
YEAR = "year"
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
    # The value from the imported reference forms of the region or Russia: a function of
    # their percents by form («marks»: "2".."5", «journal»: "lowered"…); None: not there.
    from_reference: Callable[[Mapping[str, Mapping[str, Any]]], Decimal | None] | None = None
    # How a collected indicator is reported and checked (None: computed from results).
    collect: _collected.Collect | None = None

    @property
    def places(self) -> int:
        """Decimal places it is shown with: percents and scores to tenths, marks to hundredths."""
        if self.collect is not None and self.collect.kind == _collected.COUNT:
            return 0 if self.collect.integer else 1
        return {"%": 1, "балл": 1, "отметка": 2, "на 100": 1}.get(self.unit, 0)

    @property
    def procedure(self) -> str:
        return self.code.split(".", 1)[0]

    def value(self, figures: CampaignStats | EgeStats) -> Decimal | int | None:
        """The indicator's value from one set of stored figures (None: not defined there)."""
        return None if self.compute is None else self.compute(figures)

    def reference_value(self, percents: Mapping[str, Mapping[str, Any]]) -> Decimal | None:
        """The value at the region's or Russia's level from their imported forms."""
        return None if self.from_reference is None else self.from_reference(percents)


def _ref_sum(form: str, *keys: str) -> Callable[[Mapping[str, Mapping[str, Any]]], Decimal | None]:
    """The sum of the reference form's percents at `keys` (None when one is missing)."""

    def compute(percents: Mapping[str, Mapping[str, Any]]) -> Decimal | None:
        values = [percents.get(form, {}).get(key) for key in keys]
        if any(value is None for value in values):
            return None
        return sum((Decimal(str(value)) for value in values), Decimal(0))

    return compute


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
    references = {
        "fail_share": _ref_sum("marks", "2"),
        "pass_rate": _ref_sum("marks", "3", "4", "5"),
        "quality": _ref_sum("marks", "4", "5"),
        "journal_lowered": _ref_sum("journal", "lowered"),
        "journal_raised": _ref_sum("journal", "raised"),
    }
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
                from_reference=references.get(key),
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


# --- indicators of a whole year, stored by their year computations ----------------------
# (assessments.services.olympiads: ВсОШ; assessments.services.graduates: ЕГЭ per graduate)

_YEAR: tuple[tuple[str, str, str, str, bool | None, str], ...] = (
    (
        "vsosh.participants",
        "ВсОШ: участников",
        "чел.",
        "1.3",
        True,
        "Число участий в этапе олимпиады (участник одного предмета считается один раз в предмете).",
    ),
    (
        "vsosh.winners",
        "ВсОШ: победителей",
        "чел.",
        "1.3",
        True,
        "Число участий в этапе со статусом «победитель».",
    ),
    (
        "vsosh.prizewinners",
        "ВсОШ: призёров",
        "чел.",
        "1.3",
        True,
        "Число участий в этапе со статусом «призёр».",
    ),
    (
        "vsosh.participants_per_100",
        "ВсОШ: участников на 100 обучающихся",
        "на 100",
        "1.3",
        True,
        "Участия в этапе, делённые на число обучающихся по социальному паспорту года, × 100.",
    ),
    (
        "vsosh.winners_per_100",
        "ВсОШ: победителей на 100 обучающихся",
        "на 100",
        "1.3",
        True,
        "Дипломы победителя этапа, делённые на число обучающихся по социальному паспорту "
        "года, × 100.",
    ),
    (
        "vsosh.prizewinners_per_100",
        "ВсОШ: призёров на 100 обучающихся",
        "на 100",
        "1.3",
        True,
        "Дипломы призёра этапа, делённые на число обучающихся по социальному паспорту года, × 100.",
    ),
    (
        "ege.graduates",
        "ЕГЭ: выпускников, сдававших ЕГЭ",
        "чел.",
        "1.1",
        None,
        "Число разных кодов участников ЕГЭ года в ОО (по всем предметам).",
    ),
    (
        "ege.graduates_220",
        "ЕГЭ: выпускники с 220 и более баллами по трём предметам",
        "%",
        "1.3",
        True,
        "Выпускники, у которых сумма трёх лучших тестовых баллов не меньше 220, делённые "
        "на выпускников, сдававших ЕГЭ, × 100.",
    ),
    (
        "ege.above_min_3",
        "ЕГЭ: выпускники выше минимума для вуза по трём и более предметам",
        "%",
        "1.1",
        True,
        "Выпускники, набравшие не ниже минимального балла для поступления в вуз по трём и "
        "более предметам, делённые на выпускников, сдававших ЕГЭ, × 100.",
    ),
    (
        "ege.medalists",
        "Медалисты",
        "чел.",
        "1.3",
        None,
        "Число выпускников с медалью «За особые успехи в учении» по списку года.",
    ),
    (
        "ege.medalists_unconfirmed",
        "Медалисты, не подтвердившие медаль на ЕГЭ",
        "%",
        "objectivity",
        False,
        "Медалисты, чьи результаты ЕГЭ не отвечают правилам подтверждения медали, делённые "
        "на медалистов, × 100.",
    ),
)
for _code, _name, _unit, _direction, _year_better, _formula in _YEAR:
    register(
        Indicator(
            code=_code,
            name=_name,
            unit=_unit,
            direction=_direction,
            higher_is_better=_year_better,
            formula=_formula,
            procedures=(_code.split(".", 1)[0],),
            figures=YEAR,
        )
    )

# The year's share of «2» per school, every subject and grade pooled (the ШНОР criteria K1,
# K2; assessments.services.pooled).
for _procedure, _title, _what in (
    ("vpr", "ВПР", "всех ВПР года (все предметы и классы)"),
    ("oge", "ОГЭ", "ОГЭ года по русскому языку и математике"),
):
    register(
        Indicator(
            code=f"{_procedure}.fail_share_year",
            name=f"{_title}: доля «2» за год",
            unit="%",
            direction="1.2",
            higher_is_better=False,
            formula=f"Участники с отметкой «2», делённые на участников с отметкой, × 100, по "
            f"результатам {_what} вместе.",
            procedures=(_procedure,),
            figures=YEAR,
        )
    )


# --- the collected indicators (fixtures/indicators/collected.json) -----------------------
# A school's yes / no or document is 1 or 0; the municipality's value of such an indicator
# is the share of its schools with «да», in percent.

_COLLECTED, SETS = _collected.load()
for _item, _collect in _COLLECTED:
    register(
        Indicator(
            code=_item["code"],
            name=_item["name"],
            unit=_collected.UNITS[_collect.kind],
            direction=_item["direction"],
            higher_is_better=_item.get("higher_is_better"),
            formula=_item.get("formula") or "",
            procedures=("mon",),
            figures=YEAR,
            source=COLLECTED,
            collect=_collect,
        )
    )


def collected_in(codes: Iterable[str]) -> list[Indicator]:
    """The collected indicators of `codes` (unknown or computed codes left out), in order."""
    return [CATALOGUE[c] for c in codes if c in CATALOGUE and CATALOGUE[c].collect is not None]


_COLLECTS = {code: i.collect for code, i in CATALOGUE.items() if i.collect is not None}


def collects() -> dict[str, _collected.Collect]:
    """code → how it is collected, of every collected indicator (built once: the catalogue
    does not change after it is loaded)."""
    return _COLLECTS
