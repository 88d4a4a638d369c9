"""The collected indicators: what schools (or the department) report, not results.

Reference data shipped with the portal in ``fixtures/indicators/collected.json`` (the
indicators the five seeds name, per direction, with the seed and section each comes
from) and registered into the same catalogue as the computed indicators
(`assessments.catalogue`), with ``source = collected``, so dashboards, identification
rules, decisions and documents read both alike by code. Plain Python, no Django.

Each indicator has a kind of value — a count, a share, yes / no, a text or a document —
who reports it (each school or the municipality), its validation, and a target. A share
is never typed: it names two counts of the same set, its numerator and denominator, and
is derived from them (`share_of`). The sets group the indicators of a direction; a data
collection takes a set (or part of one) for a year.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "indicators" / "collected.json"

COUNT = "count"
SHARE = "share"
BOOL = "bool"
TEXT = "text"
DOCUMENT = "document"
KINDS = {
    COUNT: "число",
    SHARE: "доля, %",
    BOOL: "да / нет",
    TEXT: "текст",
    DOCUMENT: "документ",
}
# The catalogue's unit of each kind (Indicator.unit; «%» is shown to tenths).
UNITS = {COUNT: "ед.", SHARE: "%", BOOL: "да/нет", TEXT: "текст", DOCUMENT: "документ"}
# The source documents (../shared/seeds/) the indicators come from, as a person cites them.
SEEDS = {
    "000": "Концепция развития муниципальных механизмов управления качеством образования, "
    "Сампурский район (пост. от 24.08.2021 № 465)",
    "001": "Муниципальная программа повышения качества образования, Магдагачинский район "
    "(приказ от 25.12.2019 № 341)",
    "002": "Концепция муниципальной системы оценки качества образования, Акушинский район",
    "003": "Мероприятия по приведению механизмов управления качеством образования в "
    "соответствие, г. Тула (приказ от 18.06.2021 № 175-осн)",
    "004": "План мероприятий «дорожной карты», Махнёвское МО (пост. от 02.11.2020 № 714)",
}
SCHOOL = "school"
MUNICIPALITY = "municipality"
PER = {SCHOOL: "каждая ОО", MUNICIPALITY: "муниципалитет"}
GTE = "gte"
LTE = "lte"
COMPARISONS = {GTE: "не менее", LTE: "не более"}
SLUGS = {
    "1.1": "quality",
    "1.2": "shnor",
    "1.3": "talents",
    "1.4": "career",
    "2.1": "heads",
    "2.2": "teachers",
    "2.3": "upbringing",
    "2.4": "preschool",
    "objectivity": "objectivity",
    "methodical": "methodical",
}
SHARE_PLACES = Decimal("0.0001")  # IndicatorValue keeps four places
HUNDRED = Decimal(100)
VALUE_LIMIT = Decimal("1000000000")
YES = frozenset({"да", "+", "1", "есть", "yes", "true"})
NO = frozenset({"нет", "-", "0", "no", "false"})


class ValueProblem(ValueError):
    """A value that cannot be taken; the message is for the user, in Russian."""


@dataclass(frozen=True)
class Collect:
    """How a collected indicator is reported, checked and judged."""

    kind: str
    per: str
    minimum: Decimal | None
    maximum: Decimal | None
    integer: bool
    numerator: str | None
    denominator: str | None
    target: str
    target_comparison: str
    target_value: Decimal | None
    survey: bool
    seed: str
    section: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def source(self) -> str:
        """Where it comes from, as cited: the document and its section."""
        document = SEEDS.get(self.seed, self.seed)
        return f"{document}: {self.section}" if self.section else document

    @property
    def derived(self) -> bool:
        """A share of two collected counts: derived, never typed."""
        return self.kind == SHARE and bool(self.numerator and self.denominator)

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, SHARE)

    @property
    def limits_text(self) -> str:
        """The validation in words, for the form and the template."""
        if self.kind == BOOL:
            return "да или нет"
        if self.kind == TEXT:
            return "текст"
        if self.kind == DOCUMENT:
            return "реквизиты или ссылка (http/https)"
        parts = ["целое число" if self.integer else "число"]
        if self.minimum is not None:
            parts.append(f"не меньше {plain_number(self.minimum)}")
        if self.maximum is not None:
            parts.append(f"не больше {plain_number(self.maximum)}")
        return ", ".join(parts)

    def target_met(self, value: Decimal | None) -> bool | None:
        """Whether a value meets the target (None: no target or no value)."""
        if value is None or self.target_value is None or not self.target_comparison:
            return None
        if self.target_comparison == GTE:
            return value >= self.target_value
        return value <= self.target_value

    def parse(self, raw: Any) -> tuple[Decimal | None, str]:
        """A typed value → (number, text); raises ValueProblem with the reason.

        Counts and shares give a number; yes / no gives 1 or 0; a text gives its text; a
        document gives 1 with its reference (a title, a number and date, or an http(s)
        link). An empty cell gives (None, "").
        """
        if raw is None:
            return None, ""
        if isinstance(raw, bool):
            text = "да" if raw else "нет"
        elif isinstance(raw, int | float | Decimal):
            text = str(raw)
        else:
            text = " ".join(str(raw).split())
        if not text:
            return None, ""
        if self.kind == TEXT:
            return None, text[:2000]
        if self.kind == DOCUMENT:
            lowered = text.lower()
            if "://" in lowered and not lowered.startswith(("http://", "https://")):
                raise ValueProblem("ссылка на документ — только http:// или https://")
            if lowered in NO:
                return Decimal(0), ""
            return Decimal(1), text[:2000]
        if self.kind == BOOL:
            word = text.lower().rstrip(".")
            if word in YES:
                return Decimal(1), ""
            if word in NO:
                return Decimal(0), ""
            raise ValueProblem(f"«{text}» — не «да» и не «нет»")
        return self.check_number(parse_number(text)), ""

    def check_number(self, number: Decimal) -> Decimal:
        if self.integer and number != number.to_integral_value():
            raise ValueProblem(f"{plain_number(number)} — нужно целое число")
        if self.minimum is not None and number < self.minimum:
            if self.minimum == 0:
                raise ValueProblem(f"{plain_number(number)} — отрицательное значение недопустимо")
            raise ValueProblem(
                f"{plain_number(number)} — меньше допустимого {plain_number(self.minimum)}"
            )
        if self.maximum is not None and number > self.maximum:
            if self.kind == SHARE and self.maximum == HUNDRED:
                raise ValueProblem(f"{plain_number(number)} % — доля не может быть больше 100 %")
            raise ValueProblem(
                f"{plain_number(number)} — больше допустимого {plain_number(self.maximum)}"
            )
        return number


@dataclass(frozen=True)
class IndicatorSet:
    """The indicators of a direction, in the order a form shows them."""

    code: str
    title: str
    direction: str
    indicators: tuple[str, ...]
    seed: str
    section: str

    @property
    def label(self) -> str:
        """«2.2 — Профессиональное развитие…»; a direction without a number by its title."""
        return f"{self.direction} — {self.title}" if self.direction[:1].isdigit() else self.title


def plain_number(number: Decimal) -> str:
    """A number in a message: «12,5», «3» (not the display format: no grouping)."""
    text = format(number.normalize(), "f") if number == number.normalize() else str(number)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_number(text: str) -> Decimal:
    """«1 234,5» / «12.5» / «45 %» → Decimal; ValueProblem for what is not a number."""
    cleaned = (
        text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    ).removesuffix("%")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem(f"«{text}» — не число") from None
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise ValueProblem(f"«{text}» — не число")
    return number


def share_of(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator × 100, four places, half up; None when either is missing or
    the denominator is 0. The caller has checked numerator ≤ denominator."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (numerator * HUNDRED / denominator).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def share_problem(name: str, numerator: Decimal | None, denominator: Decimal | None) -> str | None:
    """Why a share's counts do not go together (None: they do)."""
    if numerator is None or denominator is None:
        return None
    if numerator > denominator:
        return (
            f"«{name}»: числитель {plain_number(numerator)} больше знаменателя {plain_number(denominator)}"
            " — доля была бы больше 100 %"
        )
    if denominator == 0 and numerator:
        return f"«{name}»: знаменатель 0 при числителе {plain_number(numerator)}"
    return None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def read_fixture(
    data: Mapping[str, Any],
) -> tuple[list[tuple[dict[str, Any], Collect]], dict[str, IndicatorSet]]:
    """The fixture's indicators (their plain fields and how they are collected) and sets.

    Raises ValueError naming the indicator for a definition that does not hold together:
    a share without its counts, a count of another kind, a set naming an unknown code.
    """
    rows: list[tuple[dict[str, Any], Collect]] = []
    seen: dict[str, dict[str, Any]] = {}
    for item in data.get("indicators", []):
        code = item["code"]
        if code in seen:
            raise ValueError(f"Собираемый показатель {code} описан дважды.")
        if item["unit"] not in KINDS or item["per"] not in PER or item["direction"] not in SLUGS:
            raise ValueError(
                f"Собираемый показатель {code}: неизвестные единица, уровень или направление."
            )
        seen[code] = item
        collect = Collect(
            kind=item["unit"],
            per=item["per"],
            minimum=_decimal(item.get("min")),
            maximum=_decimal(item.get("max")),
            integer=bool(item.get("integer")),
            numerator=item.get("numerator") or None,
            denominator=item.get("denominator") or None,
            target=item.get("target") or "",
            target_comparison=item.get("target_comparison") or "",
            target_value=_decimal(item.get("target_value")),
            survey=bool(item.get("survey")),
            seed=item.get("seed") or "",
            section=item.get("section") or "",
        )
        rows.append((item, collect))
    for item, collect in rows:
        if collect.kind == SHARE and not collect.survey and not collect.derived:
            raise ValueError(f"Доля {item['code']} должна называть числитель и знаменатель.")
        for part in (collect.numerator, collect.denominator):
            if part is None:
                continue
            other = seen.get(part)
            if other is None or other["unit"] != COUNT or other["per"] != collect.per:
                raise ValueError(
                    f"Доля {item['code']}: {part} — не собираемое число того же уровня."
                )
    sets: dict[str, IndicatorSet] = {}
    for item in data.get("sets", []):
        unknown = [code for code in item["indicators"] if code not in seen]
        if unknown:
            raise ValueError(f"Набор {item['code']}: нет показателей {', '.join(unknown)}.")
        sets[item["code"]] = IndicatorSet(
            code=item["code"],
            title=item["title"],
            direction=item["direction"],
            indicators=tuple(item["indicators"]),
            seed=item.get("seed") or "",
            section=item.get("section") or "",
        )
    return rows, sets


def load(
    path: Path = FIXTURE,
) -> tuple[list[tuple[dict[str, Any], Collect]], dict[str, IndicatorSet]]:
    if not path.exists():
        return [], {}
    return read_fixture(json.loads(path.read_text(encoding="utf-8")))


def with_counts(codes: Iterable[str], collects: Mapping[str, Collect]) -> list[str]:
    """`codes` with the numerator and denominator of each derived share, in order, once."""
    out: list[str] = []
    for code in codes:
        collect = collects.get(code)
        parts = [collect.numerator, collect.denominator] if collect and collect.derived else []
        for part in [*parts, code]:
            if part and part not in out:
                out.append(part)
    return out


def school_values(
    codes: Iterable[str], typed: Mapping[str, Decimal | None], collects: Mapping[str, Collect]
) -> dict[str, Decimal | None]:
    """A school's values of `codes`: the typed ones, and each derived share from its counts."""
    out: dict[str, Decimal | None] = {}
    for code in codes:
        collect = collects.get(code)
        if collect is None or collect.kind == TEXT:
            continue
        if collect.derived:
            out[code] = share_of(
                typed.get(collect.numerator or ""), typed.get(collect.denominator or "")
            )
        else:
            out[code] = typed.get(code)
    return out


def municipal_value(
    code: str,
    collect: Collect,
    schools: Iterable[Mapping[str, Decimal | None]],
    weights: Mapping[int, int] | None = None,
) -> tuple[Decimal | None, int]:
    """The municipality's value of a school indicator from its schools' values, and n.

    A count is the sum over the schools that reported it; a derived share is pooled (the
    sum of the numerators over the sum of the denominators, schools with both); a yes / no
    or a document is the share of schools with «да» (%); a survey share is the mean of the
    schools' shares weighted by their respondents (`weights`: position → n, else equal).
    n is the number of schools counted (a pooled share: the sum of its denominators).
    """
    rows = list(schools)
    if collect.derived:
        pairs: list[tuple[Decimal, Decimal]] = []
        for row in rows:
            a, b = row.get(collect.numerator or ""), row.get(collect.denominator or "")
            if a is not None and b is not None:
                pairs.append((a, b))
        total = sum((b for _a, b in pairs), Decimal(0))
        return share_of(sum((a for a, _b in pairs), Decimal(0)), total), int(total)
    given = [(index, row[code]) for index, row in enumerate(rows) if row.get(code) is not None]
    if not given:
        return None, 0
    values = [value for _index, value in given if value is not None]
    if collect.kind == COUNT:
        return sum(values, Decimal(0)), len(values)
    if collect.kind in (BOOL, DOCUMENT):
        yes = sum(1 for value in values if value)
        return share_of(Decimal(yes), Decimal(len(values))), len(values)
    weighted = [
        (value, Decimal((weights or {}).get(index, 1) or 1))
        for index, value in given
        if value is not None
    ]
    total = sum((w for _v, w in weighted), Decimal(0))
    mean = sum((v * w for v, w in weighted), Decimal(0)) / total
    return mean.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP), len(values)
