"""Grading scales: how a primary score (первичный балл) becomes a mark 2–5.

Scales change every year and differ by procedure, subject and grade, so they are data,
not code: a :class:`Scale` is stored as JSON (``Scale.to_dict`` / ``Scale.from_dict``) in the
campaign's JSONField and versioned with the campaign.

A scale has two parts:

* bands — the minimum primary score for each mark «2»…«5» («2» starts at 0);
* conditions — ОГЭ-style extra requirements for a mark, e.g. ОГЭ математика: «3» only with
  at least 2 points for the geometry tasks; ОГЭ русский: «4» / «5» only with at least 4 / 6
  points on the literacy criteria ГК1–ГК4.

A condition attached to a mark also applies to every higher mark (a pupil without the two
geometry points gets «2» whatever the total). If a condition fails, the pupil gets the
highest mark whose band is reached and whose conditions, and the conditions of all lower
marks, hold.

Plain Python on purpose (no Django): the rules must be readable and testable in isolation.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from msoko import formatting

__all__ = [
    "DEMO_SCALES",
    "MARKS",
    "SCHEMA_VERSION",
    "Band",
    "MarkCondition",
    "Scale",
]

#: The marks every scale must define, lowest first.
MARKS: tuple[int, ...] = (2, 3, 4, 5)

#: Version of the JSON layout written by :meth:`Scale.to_dict`; bump it and teach
#: :meth:`Scale.from_dict` the old layout when the layout changes.
SCHEMA_VERSION = 1


def _fmt_number(value: float) -> str:
    """A score as people write it: ``8``, ``7,5`` (decimal comma, msoko.formatting)."""
    return formatting.trimmed(value)


def _fmt_tasks(tasks: Iterable[str]) -> str:
    """Task numbers, with runs of consecutive whole numbers compressed: ``15–19, 23–25``."""
    items = list(tasks)
    if not items or not all(t.isdigit() for t in items):
        return ", ".join(items)
    numbers = [int(t) for t in items]
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _points_word(value: float) -> str:
    """Russian plural of «балл» after a number (the genitive after «не менее»)."""
    if not float(value).is_integer():
        return "балла"
    n = int(value)
    if n % 10 == 1 and n % 100 != 11:
        return "балла"  # «не менее 1 балла», «не менее 21 балла»
    return "баллов"


@dataclass(frozen=True)
class Band:
    """The lowest primary score that earns ``mark``."""

    mark: int
    min_primary: int


@dataclass(frozen=True)
class MarkCondition:
    """An extra requirement for ``mark`` (and every higher mark).

    The pupil must have at least ``min_points`` in total on ``tasks`` (task or criterion
    numbers as they appear in the campaign's task list: ``"15"``, ``"ГК1"``). A task that
    was not attempted (X) counts 0.
    """

    mark: int
    tasks: tuple[str, ...]
    min_points: float
    description: str = ""

    def describe(self) -> str:
        """Russian text, e.g. «не менее 2 баллов за задания 15–19, 23–25»."""
        if self.description:
            return self.description
        return (
            f"не менее {_fmt_number(self.min_points)} {_points_word(self.min_points)}"
            f" за задания {_fmt_tasks(self.tasks)}"
        )


@dataclass(frozen=True)
class Scale:
    """A grading scale for one campaign (procedure × year × subject × grade).

    ``title`` names the scale for people («ОГЭ 2026, математика»); ``source`` says where the
    numbers come from (the order or the ФИПИ recommendation, or «демонстрационные значения»).
    """

    max_primary: int
    bands: tuple[Band, ...]
    conditions: tuple[MarkCondition, ...] = ()
    title: str = ""
    source: str = ""

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_thresholds(
        cls,
        *,
        max_primary: int,
        thresholds: Mapping[int, int],
        conditions: Iterable[MarkCondition] = (),
        title: str = "",
        source: str = "",
    ) -> Scale:
        """Build a scale from the minimum scores for «3», «4», «5» («2» starts at 0)."""
        bands = [Band(2, 0)] + [Band(mark, thresholds[mark]) for mark in sorted(thresholds)]
        return cls(
            max_primary=max_primary,
            bands=tuple(bands),
            conditions=tuple(conditions),
            title=title,
            source=source,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready representation (for the campaign's JSONField)."""
        return {
            "schema": SCHEMA_VERSION,
            "title": self.title,
            "source": self.source,
            "max_primary": self.max_primary,
            "bands": [{"mark": b.mark, "min_primary": b.min_primary} for b in self.bands],
            "conditions": [
                {
                    "mark": c.mark,
                    "tasks": list(c.tasks),
                    "min_points": c.min_points,
                    "description": c.description,
                }
                for c in self.conditions
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scale:
        """Read what :meth:`to_dict` wrote.

        Raises ``ValueError`` (Russian message) when the structure is broken — a missing
        key, a number that is not a number. Whether the numbers make a sensible scale is
        :meth:`validate`'s job, so a form can show all problems at once.
        """
        schema = data.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise ValueError(f"Неизвестная версия формата шкалы: {schema!r}.")
        try:
            bands = tuple(
                Band(mark=_as_int(b["mark"]), min_primary=_as_int(b["min_primary"]))
                for b in data["bands"]
            )
            conditions = tuple(
                MarkCondition(
                    mark=_as_int(c["mark"]),
                    tasks=tuple(str(t) for t in c["tasks"]),
                    min_points=_as_number(c["min_points"]),
                    description=str(c.get("description", "")),
                )
                for c in data.get("conditions", ())
            )
            return cls(
                max_primary=_as_int(data["max_primary"]),
                bands=bands,
                conditions=conditions,
                title=str(data.get("title", "")),
                source=str(data.get("source", "")),
            )
        except KeyError as exc:
            raise ValueError(f"В описании шкалы нет поля {exc.args[0]!r}.") from exc
        except TypeError as exc:
            raise ValueError("Описание шкалы имеет неверную структуру.") from exc

    # ----------------------------------------------------------------- checks

    def validate(self, task_max: Mapping[str, float] | None = None) -> list[str]:
        """Problems with the scale, in Russian; an empty list means the scale is usable.

        With ``task_max`` (task number → max score of the campaign's tasks) the conditions
        are also checked against the task list: unknown tasks, unreachable minimums.
        """
        errors: list[str] = []
        if self.max_primary <= 0:
            errors.append("Максимальный первичный балл должен быть больше 0.")
        marks = [b.mark for b in self.bands]
        if sorted(marks) != list(MARKS) or len(marks) != len(MARKS):
            errors.append(
                "Шкала должна задавать ровно по одной границе для отметок «2», «3», «4», «5»."
            )
        by_mark = {b.mark: b.min_primary for b in self.bands}
        if 2 in by_mark and by_mark[2] != 0:
            errors.append(
                f"Отметка «2» должна начинаться с 0 баллов (указано {by_mark[2]}): "
                "шкала должна покрывать все баллы от 0 до максимума."
            )
        for low, high in itertools.pairwise(MARKS):
            if low in by_mark and high in by_mark and by_mark[high] <= by_mark[low]:
                errors.append(
                    f"Граница отметки «{high}» ({by_mark[high]}) должна быть больше "
                    f"границы отметки «{low}» ({by_mark[low]})."
                )
        for mark, minimum in sorted(by_mark.items()):
            if minimum < 0:
                errors.append(f"Граница отметки «{mark}» не может быть отрицательной.")
            elif self.max_primary > 0 and minimum > self.max_primary:
                errors.append(
                    f"Граница отметки «{mark}» ({minimum}) больше максимального "
                    f"первичного балла ({self.max_primary})."
                )
        for cond in self.conditions:
            prefix = f"Условие для отметки «{cond.mark}»"
            if cond.mark not in by_mark or cond.mark == MARKS[0]:
                errors.append(f"{prefix}: условие можно задать только для отметок «3», «4», «5».")
            if not cond.tasks:
                errors.append(f"{prefix}: не указаны задания.")
            if len(set(cond.tasks)) != len(cond.tasks):
                errors.append(f"{prefix}: задания повторяются.")
            if not math.isfinite(cond.min_points) or cond.min_points <= 0:
                errors.append(f"{prefix}: требуемый балл должен быть больше 0.")
            if task_max is not None:
                unknown = [t for t in cond.tasks if t not in task_max]
                if unknown:
                    errors.append(
                        f"{prefix}: в перечне заданий работы нет заданий {', '.join(unknown)}."
                    )
                else:
                    reachable = sum(task_max[t] for t in cond.tasks)
                    if cond.min_points > reachable:
                        errors.append(
                            f"{prefix}: требуется {_fmt_number(cond.min_points)} б., а за "
                            f"эти задания можно получить не более {_fmt_number(reachable)} б."
                        )
        return errors

    # cached_property writes straight into the instance __dict__, so it works on a frozen
    # dataclass and stays out of equality and hashing; mark_for runs per pupil.
    @cached_property
    def _errors(self) -> tuple[str, ...]:
        return tuple(self.validate())

    # ----------------------------------------------------------------- use

    def mark_for(self, primary: float, scores: Mapping[str, float | None] | None = None) -> int:
        """The mark for a pupil with ``primary`` points.

        ``scores`` maps task numbers to the pupil's points (None = not attempted, counts 0);
        it is needed only when a condition must be checked, i.e. when the primary score
        reaches a mark that carries a condition. Raises ``ValueError`` for an invalid
        scale, a score outside 0…max, or missing task scores that a condition needs.
        """
        if self._errors:
            raise ValueError("Шкала задана с ошибками: " + " ".join(self._errors))
        if not math.isfinite(primary) or primary < 0 or primary > self.max_primary:
            raise ValueError(
                f"Первичный балл {primary} вне диапазона 0–{self.max_primary} для этой шкалы."
            )
        bands = sorted(self.bands, key=lambda b: b.mark)
        result = bands[0].mark
        for band in bands[1:]:
            if primary < band.min_primary:
                break
            if not all(
                self._condition_holds(c, scores) for c in self.conditions if c.mark == band.mark
            ):
                break
            result = band.mark
        return result

    @staticmethod
    def _condition_holds(cond: MarkCondition, scores: Mapping[str, float | None] | None) -> bool:
        if scores is None:
            raise ValueError(
                f"Для отметки «{cond.mark}» нужны баллы за задания {_fmt_tasks(cond.tasks)}, "
                "а они не переданы."
            )
        total = 0.0
        for task in cond.tasks:
            if task not in scores:
                raise ValueError(
                    f"Нет балла за задание {task}, нужного для условия отметки «{cond.mark}»."
                )
            total += scores[task] or 0.0
        return total >= cond.min_points

    def describe(self) -> str:
        """Russian summary: «"2": 0–7, "3": 8–14 (…), "4": 15–21, "5": 22–31»."""
        bands = sorted(self.bands, key=lambda b: b.mark)
        parts: list[str] = []
        for i, band in enumerate(bands):
            upper = bands[i + 1].min_primary - 1 if i + 1 < len(bands) else self.max_primary
            text = f"«{band.mark}»: {band.min_primary}–{upper}"
            own = [c.describe() for c in self.conditions if c.mark == band.mark]
            if own:
                text += f" ({'; '.join(own)})"
            parts.append(text)
        result = ", ".join(parts)
        if self.conditions:
            result += ". Условие отметки действует и для более высоких отметок."
        return result


def _as_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"Ожидалось целое число, получено {value!r}.")


def _as_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"Ожидалось число, получено {value!r}.")
    return value


# --------------------------------------------------------------------------- demo data

_DEMO = "демонстрационные значения — перед использованием сверить с приказом региона"

_OGE_MATH_GEOMETRY = ("15", "16", "17", "18", "19", "23", "24", "25")
_OGE_RUS_LITERACY = ("ГК1", "ГК2", "ГК3", "ГК4")


def _vpr(subject: str, grade: int, max_primary: int, t3: int, t4: int, t5: int) -> Scale:
    return Scale.from_thresholds(
        max_primary=max_primary,
        thresholds={3: t3, 4: t4, 5: t5},
        title=f"ВПР 2026, {subject}, {grade} класс",
        source=_DEMO,
    )


#: Example scales for the demo, keyed by (procedure, subject, grade) with the codes
#: ``vpr`` / ``oge`` and ``russian`` / ``math``. ALL VALUES ARE DEMO VALUES:
#:
#: * ВПР русский 4: max 38, «3» from 14, «4» from 24, «5» from 33 (the 2025 ФИОКО
#:   recommendation as remembered, used as the 2026 demo scale).
#: * ВПР математика 4–8: ВПР-like values of earlier years, not checked against 2026.
#: * ОГЭ русский: max 37, «3» from 15, «4» from 26 with ≥ 4 points on ГК1–ГК4, «5» from 33
#:   with ≥ 6 points on ГК1–ГК4 (as given in the project brief; the ФИПИ recommendation of
#:   2024–2025 had «4» from 23 and «5» from 29 — verify against the region's order).
#: * ОГЭ математика: max 31, «3» from 8, «4» from 15, «5» from 22; every positive mark
#:   needs ≥ 2 points on the geometry tasks 15–19 and 23–25 (the 2024–2025 ФИПИ layout of
#:   25 tasks).
DEMO_SCALES: dict[tuple[str, str, int], Scale] = {
    ("vpr", "russian", 4): _vpr("русский язык", 4, 38, 14, 24, 33),
    ("vpr", "math", 4): _vpr("математика", 4, 20, 6, 10, 15),
    ("vpr", "math", 5): _vpr("математика", 5, 20, 5, 10, 15),
    ("vpr", "math", 6): _vpr("математика", 6, 20, 6, 10, 14),
    ("vpr", "math", 7): _vpr("математика", 7, 19, 6, 12, 16),
    ("vpr", "math", 8): _vpr("математика", 8, 25, 8, 15, 20),
    ("oge", "russian", 9): Scale.from_thresholds(
        max_primary=37,
        thresholds={3: 15, 4: 26, 5: 33},
        conditions=(
            MarkCondition(
                mark=4,
                tasks=_OGE_RUS_LITERACY,
                min_points=4,
                description="не менее 4 баллов по критериям грамотности ГК1–ГК4",
            ),
            MarkCondition(
                mark=5,
                tasks=_OGE_RUS_LITERACY,
                min_points=6,
                description="не менее 6 баллов по критериям грамотности ГК1–ГК4",
            ),
        ),
        title="ОГЭ 2026, русский язык",
        source=_DEMO,
    ),
    ("oge", "math", 9): Scale.from_thresholds(
        max_primary=31,
        thresholds={3: 8, 4: 15, 5: 22},
        conditions=(
            MarkCondition(
                mark=3,
                tasks=_OGE_MATH_GEOMETRY,
                min_points=2,
                description="не менее 2 баллов за задания по геометрии 15–19, 23–25",
            ),
        ),
        title="ОГЭ 2026, математика",
        source=_DEMO,
    ),
}
