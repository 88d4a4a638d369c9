"""A generated municipality for the identification runs: stored year indicators of ВПР and
ОГЭ, written directly as the figures jobs would (IndicatorValue rows under FiguresRun rows).

30 general schools, «МБОУ СОШ № 01» … «№ 30», and a kindergarten. An ordinary school k has
3 + (k + year) mod 6 % of «2» (3…8; every value occurs each year), with 50 ВПР and 20 ОГЭ
participants. Planted:

* W1 (№ 26), W2 (№ 27), W3 (№ 28) — high in every year but one criterion-year each:
  ВПР 2024 W1 30, W2 25; 2025 W1 32, W2 26, W3 28; 2026 W1 31, W2 27, W3 29;
  ОГЭ 2024 W1 30, W3 35; 2025 W1 33, W2 30, W3 36; 2026 W1 34, W2 31, W3 37;
* O (№ 29) — high once per procedure: ВПР 2024 40, ОГЭ 2024 45;
* S (№ 30) — 60 % every year, but only 6 ВПР and 4 ОГЭ participants (fewer than 10).

Each year and procedure has exactly three high schools among the 29 counted (S is not), so
the 90th percentile (PERCENTILE.INC, rank 0,9 × 28 = 25,2) lies between the highest
ordinary value, 8, and the lowest high one: ВПР 2024 8 + 0,2 × (25 − 8) = 11,4; 2025
8 + 0,2 × 18 = 11,6; 2026 8 + 0,2 × 19 = 11,8; ОГЭ 2024 8 + 0,2 × (30 − 8) = 12,4; 2025 12,4;
2026 8 + 0,2 × 23 = 12,6. The default rule lists W1, W2 and W3, and not O (once) or S.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments.models import (
    Campaign,
    FiguresRun,
    IndicatorValue,
    ObjectivityMarker,
    Procedure,
    Subject,
)
from schools.models import Municipality, School
from tests.factories import SchoolFactory

D = Decimal
YEARS = (2024, 2025, 2026)
CODES = {"vpr": "vpr.fail_share_year", "oge": "oge.fail_share_year"}
PARTICIPANTS = {"vpr": 50, "oge": 20}
SMALL = {"vpr": 6, "oge": 4}
PLANTED_NUMBERS = {"W1": 26, "W2": 27, "W3": 28, "O": 29, "S": 30}
HIGH: dict[tuple[str, int], dict[str, int]] = {
    ("vpr", 2024): {"W1": 30, "W2": 25, "O": 40},
    ("vpr", 2025): {"W1": 32, "W2": 26, "W3": 28},
    ("vpr", 2026): {"W1": 31, "W2": 27, "W3": 29},
    ("oge", 2024): {"W1": 30, "W3": 35, "O": 45},
    ("oge", 2025): {"W1": 33, "W2": 30, "W3": 36},
    ("oge", 2026): {"W1": 34, "W2": 31, "W3": 37},
}
CUTS: dict[tuple[str, int], str] = {
    ("vpr", 2024): "11.4",
    ("vpr", 2025): "11.6",
    ("vpr", 2026): "11.8",
    ("oge", 2024): "12.4",
    ("oge", 2025): "12.4",
    ("oge", 2026): "12.6",
}


def ordinary(k: int, year: int) -> Decimal:
    return D(3 + (k + year) % 6)


@dataclass
class World:
    municipality: Municipality
    schools: dict[str, School]  # "W1", "W2", "W3", "O", "S", "N01" … "N25", "kindergarten"
    runs: dict[tuple[str, int], FiguresRun] = field(default_factory=dict)

    def value(self, key: str, procedure: str, year: int) -> tuple[Decimal, int]:
        """The planted (value, n) of a school."""
        if key == "S":
            return D(60), SMALL[procedure]
        high = HIGH[(procedure, year)].get(key)
        if high is not None:
            return D(high), PARTICIPANTS[procedure]
        number = PLANTED_NUMBERS.get(key) or int(key[1:])
        return ordinary(number, year), PARTICIPANTS[procedure]

    def key_of(self, school_id: int) -> str:
        return next(k for k, s in self.schools.items() if s.pk == school_id)


def store(
    municipality: Municipality,
    procedure: str,
    year: int,
    values: Mapping[School, tuple[Decimal | None, int]],
) -> FiguresRun:
    """A figures run of a procedure's year with its school rows and the municipality's row."""
    run = FiguresRun.objects.create(
        year=year, procedure=procedure, municipality=municipality, code_version=1
    )
    rows = [
        IndicatorValue(
            run=run,
            municipality=municipality,
            level="school",
            school=school,
            year=year,
            procedure=procedure,
            code=CODES[procedure],
            value=value,
            n=n,
        )
        for school, (value, n) in values.items()
    ]
    total = sum(n for _v, n in values.values())
    fails = sum((v or 0) * n for v, n in values.values())
    rows.append(
        IndicatorValue(
            run=run,
            municipality=municipality,
            level="municipality",
            year=year,
            procedure=procedure,
            code=CODES[procedure],
            value=(D(fails) / total).quantize(D("0.0001")) if total else None,
            n=total,
        )
    )
    IndicatorValue.objects.bulk_create(rows)
    return run


def planted_world(
    municipality: Municipality, *, procedures: tuple[str, ...] = ("vpr", "oge")
) -> World:
    schools: dict[str, Any] = {}  # the factories' School rows
    for k in range(1, 31):
        key = next((p for p, n in PLANTED_NUMBERS.items() if n == k), f"N{k:02d}")
        schools[key] = SchoolFactory(
            municipality=municipality, short_name=f"МБОУ СОШ № {k:02d}", login=f"edu77{k:04d}"
        )
    schools["kindergarten"] = SchoolFactory(
        municipality=municipality, short_name="МБДОУ Детский сад № 1", org_type="doo"
    )
    world = World(municipality, schools)
    for procedure in procedures:
        for year in YEARS:
            values = {
                school: world.value(key, procedure, year)
                for key, school in schools.items()
                if key != "kindergarten"
            }
            values[schools["kindergarten"]] = (D(90), 30)  # not a general school: never read
            world.runs[(procedure, year)] = store(municipality, procedure, year, values)
    return world


def campaign(procedure: str, year: int, *, subject: str = "russian", grade: int = 5) -> Campaign:
    found, _ = Campaign.objects.get_or_create(
        procedure=Procedure.objects.get(code=procedure),
        year=year,
        subject=Subject.objects.get(code=subject),
        grade=grade,
    )
    return found


def marker(school: School, year: int, code: str, *, raised: bool = True) -> ObjectivityMarker:
    """An objectivity marker of a ВПР campaign of `year`, stored with the campaign's figures run."""
    of = campaign("vpr", year)
    run = FiguresRun.objects.create(
        campaign=of, year=year, procedure="vpr", municipality=school.municipality, code_version=1
    )
    fields: dict[str, Any] = {
        "run": run,
        "campaign": of,
        "municipality": school.municipality,
        "school": school,
        "year": year,
        "code": code,
        "value": D(3),
        "threshold": D(2),
        "raised": raised,
        "params_version": 1,
    }
    # What the marker is about (procedure, subject, grade) is being added to the model
    # (assessments/migrations/0012): filled where the model has it.
    names = {f.name for f in ObjectivityMarker._meta.get_fields()}
    if "procedure" in names:
        fields |= {"procedure": "vpr", "subject": of.subject, "grade": of.grade}
    return ObjectivityMarker.objects.create(**fields)
