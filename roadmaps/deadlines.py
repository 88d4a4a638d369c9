"""Deadline phrases of road maps («Сроки» column) → schedules → occurrences.

Road maps give deadlines as free Russian text: «сентябрь 2020 г.», «ежегодно, декабрь»,
«до 01 марта года, следующего за отчетным», «по потребности». ``parse_deadline`` reads such
a phrase into a :class:`Schedule` (stored in a JSONField, so it round-trips through
``to_dict`` / ``from_dict``); ``occurrences`` turns a schedule into the dated instances of
a task inside the road map's period, each of which later gets its own status and evidence.

The parser never guesses: a phrase with a word it does not understand becomes
``Schedule(kind="unparsed")`` with the text kept verbatim, and the specialist schedules the
task by hand.  Plain Python, no Django imports (STYLE §2).

Decisions (each is repeated where it is applied):

* A month means the whole month: it starts on the 1st and is due on its last day.
  A year means the whole calendar year (due 31 December); a quarter or a calendar half-year
  is due on its last day.
* «до 1 августа 2020» is due on 1 August itself and has no start date; «до августа» is due
  on 1 August too.
* Half-years («в конце каждого полугодия», «I полугодие 2021») are calendar half-years:
  January–June (due 30 June) and July–December (due 31 December).  The academic reading
  gives the same due dates (the first school half-year ends in December; results of the
  second are due with the academic year, 30 June), so only the labels would differ.
* An academic year (учебный год) runs from 1 September to 30 June of the next year: classes
  end in May, but ГИА and the results of the year fall in June, and the seeds themselves
  put «по итогам учебного года» «до 01 июля».
* School terms («по итогам четверти») end on 31 October, 31 December, 31 March and 31 May.
* An occurrence belongs to the road map period ``[start_year, end_year]`` when the period it
  covers (a calendar year, quarter, month, a school year or term, a reporting year) ends in
  one of those calendar years; so for 2021–2023 «в течение учебного года» gives 2020/21,
  2021/22 and 2022/23.  A relative deadline («до 01 марта года, следующего за отчетным»)
  therefore may be due in ``end_year + 1``.  Cycles of «1 раз в N лет» start in
  ``start_year`` and are kept when they start inside the period (otherwise a three-year
  cycle would vanish from a four-year road map); each cycle is due at its end.
* A relative deadline's occurrence starts the day after its reporting period ends (the
  analysis of 2021 is done from 1 January 2022 to 1 March 2022) and is labelled «за 2021 год».
* Explicit dates are returned even outside the period; the caller flags them.
* «постоянно», «в течение всего периода», «в течение года» give one occurrence per
  calendar year (1 January – 31 December); «в течение учебного года» one per academic year.
* A phrase with months but no year («август», «апрель-май») sits in a road map spanning
  several years, so it is read as yearly in those months, like «ежегодно, август».
* «<месяц> 2020 г., ежегодно» (also «…, обновление ежегодно», «…; пополнение: ежегодно»)
  means: first in that month of 2020, then every year in the same month(s).
* «2020-2022 гг.» alone is one range (one occurrence from 1 January 2020 to 31 December
  2022); «ежегодно, 2020-2022 гг.» is yearly in those years.
* «ежегодно, в соответствии с Планом-графиком» is yearly, due at year end (the plan sets
  the day); the qualifier is kept in ``note``.  Without a frequency, «по графику …»,
  «по потребности», «при попадании в выборку НИКО» are conditional and get no occurrences.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, cast

__all__ = [
    "Frequency",
    "Kind",
    "Occurrence",
    "Schedule",
    "Window",
    "YearSlot",
    "occurrences",
    "parse_deadline",
]

Kind = Literal["date", "range", "recurring", "relative", "continuous", "conditional", "unparsed"]
Frequency = Literal[
    "yearly", "half_yearly", "quarterly", "monthly", "school_terms", "every_n_years"
]

KINDS: tuple[Kind, ...] = (
    "date",
    "range",
    "recurring",
    "relative",
    "continuous",
    "conditional",
    "unparsed",
)
FREQUENCIES: tuple[Frequency, ...] = (
    "yearly",
    "half_yearly",
    "quarterly",
    "monthly",
    "school_terms",
    "every_n_years",
)

MONTHS_NOM = tuple(
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()  # noqa: SIM905
)
MONTHS_GEN = tuple(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()  # noqa: SIM905
)
ROMAN = ("I", "II", "III", "IV")

# Academic year: 1 September → 30 June (see the module docstring).
ACADEMIC_START = (9, 1)
ACADEMIC_END = (6, 30)
# School terms (четверти): (start month, due month, due day, in the spring half?).
# Each term is taken to start the day after the previous one is due.
SCHOOL_TERMS = ((9, 10, 31, False), (11, 12, 31, False), (1, 3, 31, True), (4, 5, 31, True))


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, _last_day(year, month))


def _academic_label(end_year: int) -> str:
    """«2020/21 уч. год» for the school year that ends in ``end_year``."""
    return f"{end_year - 1}/{end_year % 100:02d} уч. год"


def _safe_date(year: int, month: int, day: int) -> datetime.date:
    """A date, with a day past the month's end clamped (29 февраля in a common year)."""
    return datetime.date(year, month, min(day, _last_day(year, month)))


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Window:
    """One explicit dated window: due date, optional start, Russian label."""

    due: datetime.date
    starts: datetime.date | None
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "starts": self.starts.isoformat() if self.starts else None,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Window:
        starts = data.get("starts")
        return cls(
            due=datetime.date.fromisoformat(str(data["due"])),
            starts=datetime.date.fromisoformat(str(starts)) if starts else None,
            label=str(data.get("label", "")),
        )


@dataclass(frozen=True)
class YearSlot:
    """A window inside every year of a yearly schedule («декабрь», «до 15 декабря»).

    ``start_month`` is ``None`` for a «до …» deadline (no start); ``due_day`` is ``None``
    for «the last day of ``due_month``».  ``name`` overrides the label («I квартал»).
    """

    due_month: int
    due_day: int | None = None
    start_month: int | None = None
    name: str = ""

    def window(self, year: int) -> tuple[datetime.date | None, datetime.date]:
        due = (
            _month_end(year, self.due_month)
            if self.due_day is None
            else _safe_date(year, self.due_month, self.due_day)
        )
        starts = datetime.date(year, self.start_month, 1) if self.start_month else None
        return starts, due

    def describe(self) -> str:
        if self.name:
            return self.name
        if self.start_month is None:
            day = self.due_day or _last_day(2001, self.due_month)
            return f"до {day} {MONTHS_GEN[self.due_month - 1]}"
        if self.start_month == self.due_month:
            text = MONTHS_NOM[self.due_month - 1]
        else:
            text = f"{MONTHS_NOM[self.start_month - 1]}–{MONTHS_NOM[self.due_month - 1]}"
        if self.due_day is not None:
            text += f" (до {self.due_day} {MONTHS_GEN[self.due_month - 1]})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "due_month": self.due_month,
            "due_day": self.due_day,
            "start_month": self.start_month,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> YearSlot:
        return cls(
            due_month=int(data["due_month"]),
            due_day=None if data.get("due_day") is None else int(data["due_day"]),
            start_month=None if data.get("start_month") is None else int(data["start_month"]),
            name=str(data.get("name", "")),
        )


@dataclass(frozen=True)
class Occurrence:
    """One dated instance of a road-map task (one per period of a recurring task)."""

    due: datetime.date
    starts: datetime.date | None
    label: str


@dataclass(frozen=True)
class Schedule:
    """What a deadline phrase means; ``text`` is always the phrase verbatim.

    Which fields matter depends on ``kind``:

    * ``date`` / ``range``: ``windows`` (explicit dates; ``range`` is a single from–to span).
    * ``recurring``: ``frequency``; ``slots`` for yearly (empty = the whole year);
      ``interval`` for ``every_n_years``; ``academic`` labels yearly occurrences by school
      year; bounds ``first_year`` / ``last_year`` and ``since`` (occurrences due earlier are
      dropped) narrow it.
    * ``relative``: ``frequency`` is the reporting period (yearly, quarterly, monthly);
      due on ``due_day`` of the month after it (monthly/quarterly) or on ``due_day`` of
      ``due_month`` of the next year (yearly); bounded by ``first_year`` / ``last_year``.
    * ``continuous``: per calendar year, or per school year when ``academic``.
    * ``conditional``: ``condition`` (normalised phrase); no occurrences.
    * ``note``: a qualifier understood but not used for dates («в соответствии с
      Планом-графиком», «обновление», «для каждой образовательной организации»).
    """

    kind: Kind
    text: str
    windows: tuple[Window, ...] = ()
    frequency: Frequency | None = None
    interval: int = 1
    slots: tuple[YearSlot, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    since: datetime.date | None = None
    academic: bool = False
    due_month: int | None = None
    due_day: int | None = None
    condition: str = ""
    note: str = ""

    # -- JSON -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; ``Schedule.from_dict(s.to_dict()) == s``."""
        return {
            "kind": self.kind,
            "text": self.text,
            "windows": [w.to_dict() for w in self.windows],
            "frequency": self.frequency,
            "interval": self.interval,
            "slots": [s.to_dict() for s in self.slots],
            "first_year": self.first_year,
            "last_year": self.last_year,
            "since": self.since.isoformat() if self.since else None,
            "academic": self.academic,
            "due_month": self.due_month,
            "due_day": self.due_day,
            "condition": self.condition,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        """Inverse of ``to_dict``; an unknown kind or frequency is rejected."""
        kind = str(data.get("kind", "unparsed"))
        if kind not in KINDS:
            raise ValueError(f"unknown schedule kind: {kind!r}")
        frequency = data.get("frequency")
        if frequency is not None and frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency: {frequency!r}")
        since = data.get("since")

        def _opt_int(key: str) -> int | None:
            value = data.get(key)
            return None if value is None else int(value)

        return cls(
            kind=kind,
            text=str(data.get("text", "")),
            windows=tuple(Window.from_dict(w) for w in data.get("windows", ())),
            frequency=cast(Frequency | None, frequency),
            interval=int(data.get("interval", 1)),
            slots=tuple(YearSlot.from_dict(s) for s in data.get("slots", ())),
            first_year=_opt_int("first_year"),
            last_year=_opt_int("last_year"),
            since=datetime.date.fromisoformat(str(since)) if since else None,
            academic=bool(data.get("academic", False)),
            due_month=_opt_int("due_month"),
            due_day=_opt_int("due_day"),
            condition=str(data.get("condition", "")),
            note=str(data.get("note", "")),
        )

    # -- text -----------------------------------------------------------------
    def describe(self) -> str:
        """A short Russian description for the UI, e.g. «ежегодно, до 30 ноября»."""
        if self.kind in ("date", "range"):
            text = "; ".join(w.label for w in self.windows)
        elif self.kind == "recurring":
            text = self._describe_recurring()
        elif self.kind == "relative":
            text = self._describe_relative()
        elif self.kind == "continuous":
            text = (
                "в течение учебного года (каждый учебный год)"
                if self.academic
                else "постоянно (каждый календарный год)"
            )
        elif self.kind == "conditional":
            text = f"по условию: {self.condition or _clean(self.text)}"
        else:
            return f"срок не распознан: «{_clean(self.text)}»"
        if self.note:
            text += f" ({self.note})"
        return text

    def _bounds(self) -> str:
        parts = []
        if self.first_year is not None and self.last_year is not None:
            parts.append(f"{self.first_year}–{self.last_year}")
        elif self.first_year is not None:
            parts.append(f"с {self.first_year}")
        elif self.last_year is not None:
            parts.append(f"по {self.last_year}")
        if self.since is not None:
            parts.append(f"начиная с {MONTHS_GEN[self.since.month - 1]} {self.since.year}")
        return (", " + ", ".join(parts)) if parts else ""

    def _describe_recurring(self) -> str:
        if self.frequency == "yearly":
            head = "ежегодно"
            if self.slots:
                head += ", " + ", ".join(s.describe() for s in self.slots)
            if self.academic:
                head += " (по учебным годам)"
        elif self.frequency == "quarterly":
            head = "ежеквартально"
        elif self.frequency == "monthly":
            head = "ежемесячно"
        elif self.frequency == "half_yearly":
            head = "каждое полугодие (до 30 июня и до 31 декабря)"
        elif self.frequency == "school_terms":
            head = "по итогам каждой четверти"
        else:
            head = f"1 раз в {self.interval} {_years_word(self.interval)}"
        return head + self._bounds()

    def _describe_relative(self) -> str:
        day = self.due_day or 1
        if self.frequency == "yearly" and self.due_month:
            return (
                f"ежегодно, до {day} {MONTHS_GEN[self.due_month - 1]} года, "
                f"следующего за отчётным{self._bounds()}"
            )
        unit = "кварталом" if self.frequency == "quarterly" else "месяцем"
        return f"до {day} числа месяца, следующего за отчётным {unit}{self._bounds()}"


def _years_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "года"
    return "лет"


def _clean(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ occurrences


def occurrences(schedule: Schedule, start_year: int, end_year: int) -> list[Occurrence]:
    """Dated instances of ``schedule`` for a road map covering ``start_year..end_year``.

    See the module docstring for the rules; conditional and unparsed schedules give none
    (a specialist adds occurrences by hand), explicit dates are returned as they are.
    """
    found: list[Occurrence]
    if schedule.kind in ("date", "range"):
        found = [Occurrence(w.due, w.starts, w.label) for w in schedule.windows]
    elif schedule.kind == "recurring":
        found = list(_recurring(schedule, start_year, end_year))
    elif schedule.kind == "relative":
        found = list(_relative(schedule, start_year, end_year))
    elif schedule.kind == "continuous":
        found = list(_continuous(schedule, start_year, end_year))
    else:
        found = []
    unique = dict.fromkeys(found)  # a phrase may repeat a date («Февраль 2021 … Февраль 2021»)
    return sorted(unique, key=lambda o: (o.due, o.starts or o.due, o.label))


def _years(schedule: Schedule, start_year: int, end_year: int) -> range:
    first = max(start_year, schedule.first_year or start_year)
    last = min(end_year, schedule.last_year or end_year)
    return range(first, last + 1)


def _recurring(schedule: Schedule, start_year: int, end_year: int) -> Iterator[Occurrence]:
    years = _years(schedule, start_year, end_year)
    freq = schedule.frequency
    candidates: list[Occurrence] = []
    if freq == "yearly":
        slots = schedule.slots or (YearSlot(due_month=12, start_month=1),)
        for year in years:
            for slot in slots:
                starts, due = slot.window(year)
                if schedule.academic:
                    label = _academic_label(year)
                elif not schedule.slots:
                    label = str(year)
                else:
                    label = f"{slot.describe()} {year}"
                candidates.append(Occurrence(due, starts, label))
    elif freq == "quarterly":
        for year in years:
            for q in range(4):
                first_month = 3 * q + 1
                candidates.append(
                    Occurrence(
                        _month_end(year, first_month + 2),
                        datetime.date(year, first_month, 1),
                        f"{ROMAN[q]} квартал {year}",
                    )
                )
    elif freq == "half_yearly":
        # Calendar half-years: the academic reading has the same due dates.
        for year in years:
            candidates.append(
                Occurrence(
                    datetime.date(year, 6, 30), datetime.date(year, 1, 1), f"I полугодие {year}"
                )
            )
            candidates.append(
                Occurrence(
                    datetime.date(year, 12, 31), datetime.date(year, 7, 1), f"II полугодие {year}"
                )
            )
    elif freq == "monthly":
        for year in years:
            for month in range(1, 13):
                candidates.append(
                    Occurrence(
                        _month_end(year, month),
                        datetime.date(year, month, 1),
                        f"{MONTHS_NOM[month - 1]} {year}",
                    )
                )
    elif freq == "school_terms":
        for year in years:  # the calendar year in which the term ends
            for number, (start_month, month, day, spring) in enumerate(SCHOOL_TERMS, start=1):
                academic_end = year if spring else year + 1
                label = (
                    f"{ROMAN[number - 1]} четверть "
                    f"{academic_end - 1}/{academic_end % 100:02d} уч. года"
                )
                candidates.append(
                    Occurrence(
                        datetime.date(year, month, day), datetime.date(year, start_month, 1), label
                    )
                )
    elif freq == "every_n_years":
        # Cycles start in start_year (or the schedule's first year) and are kept when they
        # start inside the period; each is due at the end of its last year.
        step = max(schedule.interval, 1)
        first = max(start_year, schedule.first_year or start_year)
        last = min(end_year, schedule.last_year or end_year)
        for cycle_start in range(first, last + 1, step):
            cycle_end = cycle_start + step - 1
            candidates.append(
                Occurrence(
                    datetime.date(cycle_end, 12, 31),
                    datetime.date(cycle_start, 1, 1),
                    f"{cycle_start}–{cycle_end}" if step > 1 else str(cycle_start),
                )
            )
    for occ in candidates:
        if schedule.since is None or occ.due >= schedule.since:
            yield occ
    for window in schedule.windows:
        yield Occurrence(window.due, window.starts, window.label)


def _relative(schedule: Schedule, start_year: int, end_year: int) -> Iterator[Occurrence]:
    day = schedule.due_day or 1
    for year in _years(schedule, start_year, end_year):
        if schedule.frequency == "yearly":
            due = _safe_date(year + 1, schedule.due_month or 1, day)
            yield Occurrence(due, datetime.date(year + 1, 1, 1), f"за {year} год")
        elif schedule.frequency == "quarterly":
            for q in range(4):
                last_month = 3 * q + 3
                due = _after_month(year, last_month, day)
                yield Occurrence(
                    due, _after_month(year, last_month, 1), f"за {ROMAN[q]} квартал {year}"
                )
        elif schedule.frequency == "monthly":
            for month in range(1, 13):
                yield Occurrence(
                    _after_month(year, month, day),
                    _after_month(year, month, 1),
                    f"за {MONTHS_NOM[month - 1]} {year}",
                )


def _after_month(year: int, month: int, day: int) -> datetime.date:
    """``day`` of the month that follows ``month`` of ``year``."""
    if month == 12:
        return _safe_date(year + 1, 1, day)
    return _safe_date(year, month + 1, day)


def _continuous(schedule: Schedule, start_year: int, end_year: int) -> Iterator[Occurrence]:
    for year in _years(schedule, start_year, end_year):
        if schedule.academic:
            # The school year that ends in ``year``: 1 September → 30 June.
            yield Occurrence(
                datetime.date(year, *ACADEMIC_END),
                datetime.date(year - 1, *ACADEMIC_START),
                _academic_label(year),
            )
        else:
            yield Occurrence(datetime.date(year, 12, 31), datetime.date(year, 1, 1), str(year))


# ----------------------------------------------------------------------- parsing


def parse_deadline(text: str) -> Schedule:
    """Read a Russian deadline phrase; never raises, never guesses.

    Whatever cannot be read completely gives ``Schedule(kind="unparsed", text=text)``.
    """
    raw = text if isinstance(text, str) else str(text)
    try:
        parsed = _parse(raw)
    except Exception:  # the parser must never break an import of a road map
        parsed = None
    return parsed if parsed is not None else Schedule(kind="unparsed", text=raw)


_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def _normalize(text: str) -> str:
    s = text.replace("\u00a0", " ").lower().replace("ё", "е")
    s = _DASHES.sub("-", s)
    s = re.sub(r"<[^>]+>", " ", s)  # <p> left over from Word → HTML conversions
    s = s.replace("\\", "/")
    return _SPACES.sub(" ", s).strip()


_MONTH_RE = (
    r"(?P<month>январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяею]\b|июн\w*|июл\w*|август\w*|"
    r"сентябр\w*|октябр\w*|ноябр\w*|декабр\w*)"
)
_MONTH_STEMS = tuple(
    "январ феврал март апрел ма июн июл август сентябр октябр ноябр декабр".split()  # noqa: SIM905
)


def _month_number(word: str) -> int:
    # "март" must be tested before "ма" (май / мая).
    for index in (2, *[i for i in range(12) if i != 2]):
        if word.startswith(_MONTH_STEMS[index]):
            return index + 1
    raise ValueError(word)


_CONTINUOUS_CALENDAR = {
    "постоянно",
    "в течение всего периода",
    "в течение периода",
    "весь период",
    "в течение всего срока",
    "в течение всего срока реализации",
    "в течение срока реализации",
    "на протяжении всего периода",
    "в течение года",
    "в течение всего года",
    "в течение календарного года",
    "в течение каждого года",
}
_CONTINUOUS_ACADEMIC = {
    "в течение учебного года",
    "в течение всего учебного года",
    "в течение уч года",
    "в течение каждого учебного года",
    "в учебном году",
}

_CONDITIONAL = re.compile(
    r"по потребности|по мере необходимости|при необходимости|по необходимости|"
    r"по запросу|по мере поступления|при попадании в выборку|в случае попадания в выборку|"
    r"по графику|согласно графику|в соответствии с графиком|"
    r"в соответствии с план\w*|согласно план\w*|по плану|по отдельному (?:плану|графику)|"
    r"по результатам участия|в сроки,? (?:установленные|определенные)|"
    r"по мере проведения"
)

# Qualifiers that are understood but do not move dates; moved into ``note``.
_NOTES = (
    re.compile(r"(?:в соответствии с|согласно|по) план\w*\s*-\s*график\w*"),
    re.compile(r"(?:в соответствии с|согласно|по) график\w*(?: проведения [\w/ -]+?)?(?=[,;.]|$)"),
    re.compile(r"по итогам отчетного периода"),
    re.compile(r"для каждой образовательной организации|для каждой оо\b"),
    re.compile(r"\bобновлени\w*|\bпополнени\w*|\bактуализаци\w*"),
)

_RELATIVE_YEAR = re.compile(
    r"до (?P<day>\d{1,2})(?:-?го)? " + _MONTH_RE + r",? года,? следующего за отчетным(?: годом)?"
)
_RELATIVE_PERIOD = re.compile(
    r"до (?P<day>\d{1,2})(?:-?го)? числа (?:месяца,? )?следующего за отчетным"
    r"(?P<unit> кварталом| месяцем| периодом)?(?: месяца| месяцем)?"
)
_YEAR_RANGE = re.compile(r"(?<!\d)(20\d{2})\s*(?:-|–|по)?\s*(20\d{2})(?!\d)")

_FREQUENCY_PATTERNS: tuple[tuple[re.Pattern[str], Frequency], ...] = (
    (
        re.compile(r"ежеквартально|(?:1|один) раз в квартал|каждый квартал|поквартально"),
        "quarterly",
    ),
    (re.compile(r"ежемесячно|(?:1|один) раз в месяц|каждый месяц"), "monthly"),
    (
        re.compile(
            r"в конце каждого полугодия|каждое полугодие|(?:1|один) раз в полугодие|"
            r"по итогам (?:каждого )?полугодия|по полугодиям|раз в полугодие"
        ),
        "half_yearly",
    ),
    (re.compile(r"по итогам (?:каждой )?четверти|по четвертям"), "school_terms"),
    (
        re.compile(r"ежегодно|каждый год|(?:1|один) раз в год\b|по итогам (?:календарного )?года"),
        "yearly",
    ),
)
_EVERY_N_YEARS = re.compile(r"(?:1|один) раз в (?P<n>\d+|два|три|четыре|пять) (?:года|лет)")
_NUMBER_WORDS = {"два": 2, "три": 3, "четыре": 4, "пять": 5}
_ACADEMIC_RESULT = re.compile(r"по итогам (?:каждого )?учебного года")


def _parse(raw: str) -> Schedule | None:
    s = _normalize(raw)
    if not s:
        return None

    # Relative: «до 01 марта года, следующего за отчетным» (+ optional years 2020-2022).
    match = _RELATIVE_YEAR.search(s)
    if match:
        rest, notes = _strip_notes(s[: match.start()] + " " + s[match.end() :])
        rest = re.sub(r"ежегодно|[()]", " ", rest)
        bounds = _bounds_only(rest)
        if bounds is None:
            return None
        return Schedule(
            kind="relative",
            text=raw,
            frequency="yearly",
            due_month=_month_number(match.group("month")),
            due_day=int(match.group("day")),
            first_year=bounds[0],
            last_year=bounds[1],
            note=notes,
        )
    match = _RELATIVE_PERIOD.search(s)
    if match:
        unit = (match.group("unit") or "").strip()
        rest, notes = _strip_notes(s[: match.start()] + " " + s[match.end() :])
        rest = re.sub(r"ежеквартально|ежемесячно|[()]", " ", rest)
        bounds = _bounds_only(rest)
        if bounds is None or unit == "периодом":
            return None
        frequency: Frequency = "quarterly" if unit == "кварталом" else "monthly"
        if "кварт" in s and unit != "месяцем":
            frequency = "quarterly"
        return Schedule(
            kind="relative",
            text=raw,
            frequency=frequency,
            due_day=int(match.group("day")),
            first_year=bounds[0],
            last_year=bounds[1],
            note=notes,
        )

    # Continuous.
    bare = _SPACES.sub(" ", re.sub(r"[.,;:!()]", " ", s)).strip()
    bare = re.sub(r"\bуч\b", "уч", bare)
    if bare in _CONTINUOUS_CALENDAR:
        return Schedule(kind="continuous", text=raw)
    if bare in _CONTINUOUS_ACADEMIC:
        return Schedule(kind="continuous", text=raw, academic=True)

    # Every N years («1 раз в 3 года для каждой образовательной организации»).
    match = _EVERY_N_YEARS.search(s)
    if match:
        n_text = match.group("n")
        n = int(n_text) if n_text.isdigit() else _NUMBER_WORDS[n_text]
        rest, notes = _strip_notes(s[: match.start()] + " " + s[match.end() :])
        bounds = _bounds_only(rest)
        if bounds is None or n < 1:
            return None
        return Schedule(
            kind="recurring",
            text=raw,
            frequency="every_n_years",
            interval=n,
            first_year=bounds[0],
            last_year=bounds[1],
            note=notes,
        )

    # Recurring with a named frequency.
    found: list[Frequency] = []
    rest = s
    academic = False
    if _ACADEMIC_RESULT.search(rest):
        academic = True
        found.append("yearly")
        rest = _ACADEMIC_RESULT.sub(" ", rest)
    for pattern, frequency in _FREQUENCY_PATTERNS:
        if pattern.search(rest):
            found.append(frequency)
            rest = pattern.sub(" ", rest)
    if found:
        # «1 раз в квартал, ежегодно»: the finer frequency wins, «ежегодно» only repeats it.
        finer = [f for f in found if f != "yearly"]
        if len(set(finer)) > 1:
            return None
        return _recurring_schedule(raw, rest, finer[0] if finer else "yearly", academic)

    # Explicit dates («сентябрь 2020 г.», «январь, июль 2021 года», «2020-2023»).
    rest, notes = _strip_notes(s)
    items = _parse_items(rest)
    if items is not None and items:
        if all(item.year_less for item in items):
            # A month without a year in a multi-year road map recurs every year.
            slots = _slots(items)
            if slots is None:
                return None
            return Schedule(kind="recurring", text=raw, frequency="yearly", slots=slots, note=notes)
        if any(item.year_less for item in items):
            return None
        windows = tuple(item.as_window() for item in items)
        kind: Kind = "range" if len(items) == 1 and items[0].span else "date"
        return Schedule(kind=kind, text=raw, windows=windows, note=notes)

    # Conditional: no dates and no frequency, but a known condition.
    match = _CONDITIONAL.search(s)
    if match and not re.search(r"\d", s):
        return Schedule(kind="conditional", text=raw, condition=_clean(raw))
    return None


def _strip_notes(s: str) -> tuple[str, str]:
    notes: list[str] = []
    # Parentheses without dates inside are comments («(по индивидуальным планам работы …)»).
    for match in list(re.finditer(r"\(([^()]*)\)?", s)):
        inner = match.group(1)
        if not re.search(r"\d|" + _MONTH_RE, inner):
            notes.append(_clean(inner))
            s = s.replace(match.group(0), " ")
    for pattern in _NOTES:
        for match in list(pattern.finditer(s)):
            notes.append(_clean(match.group(0)))
        s = pattern.sub(" ", s)
    s = s.replace("(", " ").replace(")", " ")
    return _SPACES.sub(" ", s).strip(), "; ".join(n for n in notes if n)


def _bounds_only(rest: str) -> tuple[int | None, int | None] | None:
    """Year bounds in a remainder that may only hold «2020-2022 гг.» and fillers."""
    items = _parse_items(rest)
    if items is None:
        return None
    if not items:
        return (None, None)
    if len(items) == 1 and items[0].is_years:
        return (items[0].start_year, items[0].end_year)
    return None


def _recurring_schedule(
    raw: str, rest: str, frequency: Frequency, academic: bool
) -> Schedule | None:
    rest, notes = _strip_notes(rest)
    since: datetime.date | None = None
    since_match = re.search(r"(?:^|\s)(?:с|начиная с)\s+(.+)$", rest)
    if since_match:
        since_items = _parse_items(since_match.group(1))
        if not since_items or len(since_items) != 1 or since_items[0].year_less:
            return None
        since = since_items[0].start_date()
        rest = rest[: since_match.start()]
    items = _parse_items(rest)
    if items is None:
        return None
    first_year: int | None = None
    last_year: int | None = None
    slot_items: list[_Item] = []
    for item in items:
        if item.is_years:
            if first_year is not None:
                return None
            first_year, last_year = item.start_year, item.end_year
        else:
            slot_items.append(item)
    slots: tuple[YearSlot, ...] = ()
    if slot_items:
        if frequency != "yearly":
            return None
        built = _slots(slot_items)
        if built is None:
            return None
        slots = built
        dated = [item.start_date() for item in slot_items if not item.year_less]
        if dated:
            # «октябрь 2020 г., ежегодно»: from October 2020 on, every October.
            since = min([*dated, since] if since else dated)
    if academic and not slots:
        slots = (YearSlot(due_month=ACADEMIC_END[0], due_day=ACADEMIC_END[1]),)
    return Schedule(
        kind="recurring",
        text=raw,
        frequency=frequency,
        slots=slots,
        first_year=first_year,
        last_year=last_year,
        since=since,
        academic=academic,
        note=notes,
    )


def _slots(items: Iterable[_Item]) -> tuple[YearSlot, ...] | None:
    slots: list[YearSlot] = []
    for item in items:
        slot = item.as_slot()
        if slot is None:
            return None
        if slot not in slots:
            slots.append(slot)
    return tuple(sorted(slots, key=lambda s: (s.due_month, s.due_day or 31)))


# ---------------------------------------------------------------- explicit items


@dataclass
class _Point:
    """One end of an explicit date: a day, a month, a quarter, a half-year or a year."""

    unit: Literal["day", "month", "quarter", "half", "year", "academic"]
    year: int | None = None
    month: int = 1  # first month of the unit
    months: int = 12  # length of the unit in months
    day: int | None = None
    number: int = 0  # quarter / half number

    def start(self, year: int) -> datetime.date:
        if self.unit == "day":
            # No clamping: «31.02.2021» is not a date, the phrase stays unparsed.
            return datetime.date(year, self.month, self.day or 1)
        if self.unit == "academic":
            return datetime.date(year - 1, *ACADEMIC_START)
        return datetime.date(year, self.month, 1)

    def end(self, year: int) -> datetime.date:
        if self.unit == "day":
            # No clamping: «31.02.2021» is not a date, the phrase stays unparsed.
            return datetime.date(year, self.month, self.day or 1)
        if self.unit == "academic":
            return datetime.date(year, *ACADEMIC_END)
        last_month = self.month + self.months - 1
        return _month_end(year, last_month)

    def label(self, year: int | None) -> str:
        suffix = f" {year}" if year is not None else ""
        if self.unit == "day":
            return f"{self.day} {MONTHS_GEN[self.month - 1]}{suffix}"
        if self.unit == "month":
            return f"{MONTHS_NOM[self.month - 1]}{suffix}"
        if self.unit == "quarter":
            return f"{ROMAN[self.number - 1]} квартал{suffix}"
        if self.unit == "half":
            return f"{ROMAN[self.number - 1]} полугодие{suffix}"
        if self.unit == "academic":
            return _academic_label(year or 0)
        return str(year)


@dataclass
class _Item:
    """A parsed explicit item: a point, «до» a point, or a span of two points."""

    first: _Point
    last: _Point
    span: bool = False
    until: bool = False  # «до 1 августа»: due that day, no start

    @property
    def year_less(self) -> bool:
        return self.first.year is None or self.last.year is None

    @property
    def is_years(self) -> bool:
        return self.first.unit == "year" and self.last.unit == "year" and not self.until

    @property
    def start_year(self) -> int | None:
        return self.first.year

    @property
    def end_year(self) -> int | None:
        return self.last.year

    def start_date(self) -> datetime.date:
        assert self.first.year is not None
        if self.until:
            return self.last.start(self.first.year)
        return self.first.start(self.first.year)

    def as_window(self) -> Window:
        assert self.first.year is not None and self.last.year is not None
        if self.until:
            due = self.last.start(self.last.year)
            return Window(due=due, starts=None, label=f"до {self.last.label(self.last.year)}")
        starts = self.first.start(self.first.year)
        due = self.last.end(self.last.year)
        if due < starts:
            raise ValueError("a span that ends before it starts")  # «2022-2020»
        if not self.span:
            return Window(due=due, starts=starts, label=self.first.label(self.first.year))
        return Window(due=due, starts=starts, label=self._span_label())

    def _span_label(self) -> str:
        first, last = self.first, self.last
        if first.unit == "year" and last.unit == "year":
            return f"{first.year}–{last.year}"
        if first.year == last.year and first.unit == last.unit == "quarter":
            return f"{ROMAN[first.number - 1]}–{ROMAN[last.number - 1]} квартал {last.year}"
        if first.year == last.year and first.unit == last.unit == "month":
            return f"{MONTHS_NOM[first.month - 1]}–{MONTHS_NOM[last.month - 1]} {last.year}"
        if first.unit == "academic" and last.unit == "academic":
            return _academic_label(last.year or 0)
        return f"{first.label(first.year)} – {last.label(last.year)}"

    def as_slot(self) -> YearSlot | None:
        """The same window inside any year, if it fits in one calendar year."""
        first, last = self.first, self.last
        if first.unit in ("year", "academic") or last.unit in ("year", "academic"):
            return None
        if first.year is not None and last.year is not None and first.year != last.year:
            return None
        if self.until:
            return YearSlot(due_month=last.month, due_day=last.day or 1)
        due_month = last.month + last.months - 1 if last.unit != "day" else last.month
        start_month = first.month
        if due_month < start_month:
            return None
        name = ""
        if not self.span and first.unit in ("quarter", "half"):
            name = first.label(None)
        elif self.span and first.unit == last.unit == "quarter":
            name = f"{ROMAN[first.number - 1]}–{ROMAN[last.number - 1]} квартал"
        return YearSlot(
            due_month=due_month,
            due_day=last.day if last.unit == "day" else None,
            start_month=start_month,
            name=name,
        )


_TOKEN = re.compile(
    r"(?P<date>(?<!\d)\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d))"
    r"|(?P<ayear>(?<!\d)20\d{2}\s*/\s*(?:20)?\d{2}(?!\d))"
    r"|(?P<yyyy>(?<!\d)20\d{2}20\d{2}(?!\d))"
    r"|(?P<year>(?<!\d)(?:19|20)\d{2}(?!\d))"
    r"|(?P<num>\d{1,2})(?:-?(?:го|й|е|ое|ого))?(?![\d.])"
    r"|" + _MONTH_RE + r"|(?P<roman>\b(?:iv|i{1,3})\b)"
    r"|(?P<quarter>квартал\w*|кв\b)"
    r"|(?P<half>полугоди\w*)"
    r"|(?P<academic>учебн\w*|уч\b)"
    r"|(?P<dash>-)"
    r"|(?P<sep>[,;:/]|\bи\b)"
    r"|(?P<word>[a-zа-я]+)"
    r"|(?P<dot>\.)"
)
# Words that carry no date meaning of their own («г.», «в течение 2021 года»).
_FILLERS = frozenset("г гг год года году годы годов в во течение срок месяц числа число".split())  # noqa: SIM905


def _tokenize(s: str) -> list[tuple[str, str]] | None:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(s):
        if s[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(s, position)
        if match is None or match.lastgroup is None:
            return None
        kind = match.lastgroup
        value = match.group(kind)
        position = match.end()
        if kind == "word":
            if value in _FILLERS:
                continue
            if value in ("до", "с", "по"):
                tokens.append((value, value))
                continue
            return None  # a word we do not understand: do not guess
        if kind == "dot":
            continue  # «г.», «гг.» leave their dots behind
        tokens.append((kind, value))
    return tokens


def _parse_items(s: str) -> list[_Item] | None:
    """Explicit items of a phrase, or ``None`` when anything in it is not understood."""
    tokens = _tokenize(s)
    if tokens is None:
        return None
    items: list[_Item] = []
    index = 0
    pending: list[_Item] = []  # items waiting for a trailing year («январь, июль 2021»)

    def point_at(i: int) -> tuple[_Point, int] | None:
        if i >= len(tokens):
            return None
        kind, value = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if kind == "date":
            day_text, month_text, year_text = value.split(".")
            year_value = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
            if not 1 <= int(month_text) <= 12 or not 1 <= int(day_text) <= 31:
                return None
            return _Point("day", year_value, int(month_text), 1, int(day_text)), i + 1
        if kind in ("num", "roman") and nxt[0] in ("month", "quarter", "half"):
            number = int(value) if kind == "num" else ROMAN.index(value.upper()) + 1
            if nxt[0] == "month":
                month = _month_number(nxt[1])
                if kind != "num" or not 1 <= number <= _last_day(2000, month):
                    return None
                point = _Point("day", None, month, 1, number)
            elif nxt[0] == "quarter":
                if not 1 <= number <= 4:
                    return None
                point = _Point("quarter", None, 3 * number - 2, 3, number=number)
            else:
                if not 1 <= number <= 2:
                    return None
                point = _Point("half", None, 6 * number - 5, 6, number=number)
            j = i + 2
            if j < len(tokens) and tokens[j][0] == "year":
                point.year = int(tokens[j][1])
                j += 1
            return point, j
        if kind == "month":
            point = _Point("month", None, _month_number(value), 1)
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "year":
                point.year = int(tokens[j][1])
                j += 1
            return point, j
        if kind == "year":
            return _Point("year", int(value), 1, 12), i + 1
        return None

    while index < len(tokens):
        kind = tokens[index][0]
        if kind == "sep":
            index += 1
            continue
        until = False
        since = False
        if kind == "до":
            until = True
            index += 1
        elif kind == "с":
            since = True
            index += 1
        # «2020-2021 учебного года», «2020/2021 учебный год», «20202022 гг.»
        if index < len(tokens) and tokens[index][0] == "ayear":
            first_text, second_text = re.split(r"\s*/\s*", tokens[index][1])
            end = int(second_text) if len(second_text) == 4 else 2000 + int(second_text)
            if end != int(first_text) + 1 or until or since:
                return None
            index += 1
            if index < len(tokens) and tokens[index][0] == "academic":
                index += 1
            point = _Point("academic", end)
            items.append(_Item(point, point, span=True))
            continue
        if index < len(tokens) and tokens[index][0] == "yyyy":
            text = tokens[index][1]
            first_year, last_year = int(text[:4]), int(text[4:])
            if last_year <= first_year or until or since:
                return None
            items.append(_Item(_Point("year", first_year), _Point("year", last_year), span=True))
            index += 1
            continue
        # «3-4 квартал 2020»: two numbers sharing one unit.
        if (
            index + 3 < len(tokens)
            and tokens[index][0] in ("num", "roman")
            and tokens[index + 1][0] == "dash"
            and tokens[index + 2][0] in ("num", "roman")
            and tokens[index + 3][0] in ("quarter", "half")
            and not until
        ):
            unit = tokens[index + 3][0]
            first_kind, first_value = tokens[index]
            tail = point_at(index + 2)
            if tail is None:
                return None
            last, index = tail
            number = (
                int(first_value) if first_kind == "num" else ROMAN.index(first_value.upper()) + 1
            )
            months = 3 if unit == "quarter" else 6
            if not 1 <= number < last.number:
                return None
            first = _Point(
                cast(Literal["quarter", "half"], unit),
                last.year,
                months * number - months + 1,
                months,
                number=number,
            )
            item = _Item(first, last, span=True)
            items.append(item)
            if last.year is None:
                pending.append(item)
            else:
                _give_year(pending, last.year)
            continue
        head = point_at(index)
        if head is None:
            return None
        first, index = head
        last = first
        span = False
        if (
            not until
            and index < len(tokens)
            and tokens[index][0] in ("dash", "по")
            and (tokens[index][0] == "dash" or since)
        ):
            tail = point_at(index + 1)
            if tail is None:
                return None
            last, index = tail
            span = True
            if index < len(tokens) and tokens[index][0] == "academic":
                # «2020-2021 учебного года» → the school year 2020/21.
                index += 1
                if not (first.unit == last.unit == "year" and first.year and last.year):
                    return None
                if last.year != first.year + 1:
                    return None
                point = _Point("academic", last.year)
                items.append(_Item(point, point, span=True))
                continue
        elif since:
            return None  # «с …» without «по …» is handled by the recurring reader
        if index < len(tokens) and tokens[index][0] == "academic":
            return None
        if last.year is not None and first.year is None and first.unit == last.unit:
            first.year = last.year
        if first.year is not None and last.year is None:
            if last.unit in ("month", "day") and last.month >= first.month:
                last.year = first.year
            else:
                return None
        if first.unit == "year" and not span and not until and pending:
            _give_year(pending, first.year)  # «октябрь, 2020»: the year of the months before
            continue
        item = _Item(first, last, span=span, until=until)
        items.append(item)
        if item.year_less:
            pending.append(item)
        else:
            _give_year(pending, item.last.year)
    return items


def _give_year(pending: list[_Item], year: int | None) -> None:
    """«Январь, июль 2021 года»: earlier year-less items take the next stated year."""
    if year is None:
        return
    for item in pending:
        if item.first.year is None:
            item.first.year = year
        if item.last.year is None:
            item.last.year = year
    pending.clear()
