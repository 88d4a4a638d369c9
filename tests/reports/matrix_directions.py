"""Permission-matrix cases of the direction dashboards (part of tests/reports/matrix.py).

The pages read the user's own municipality (a deployment-wide user chooses one); the
direction code belongs to no municipality. The world stores a year of monitoring values
of the first set's indicators (school A and the municipality), so the pages render them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.matrix import Case, everyone

YEAR = 2025

CASES: dict[str, Case] = {
    "reports:direction_list": Case(everyone(200)),
    "reports:direction": Case(everyone(200), args=lambda w: [_direction()], scoped=False),
}


def _direction() -> str:
    from assessments import catalogue

    return next(iter(catalogue.SETS.values())).direction if catalogue.SETS else "1.1"


def build_world(world: dict[str, Any]) -> None:
    """One collection's values: school A's and the municipality's, for the first set."""
    from assessments import catalogue
    from assessments.models import FiguresRun, IndicatorValue

    if not catalogue.SETS:
        return
    codes = [c for c in next(iter(catalogue.SETS.values())).indicators if c in catalogue.CATALOGUE]
    run = FiguresRun.objects.create(
        campaign=None,
        year=YEAR,
        procedure="mon",
        municipality=world["municipality"],
        code_version=1,
        source_key="collection:matrix",
    )
    for code in codes:
        collect = catalogue.CATALOGUE[code].collect
        if collect is None or collect.kind == "text":
            continue
        value = Decimal(1) if collect.kind in ("bool", "document") else Decimal(5)
        places = [None, world["school_a"]] if collect.per == "school" else [None]
        for school in places:
            IndicatorValue.objects.create(
                run=run,
                municipality=world["municipality"],
                level="municipality" if school is None else "school",
                school=school,
                year=YEAR,
                procedure="mon",
                code=code,
                value=value,
                n=1,
            )
