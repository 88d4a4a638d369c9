"""Writing collected values (data collections, survey aggregates) into the indicator store.

The values schools report are stored as `IndicatorValue` rows of procedure «mon» beside
the assessments' ones, so dashboards, identification rules and documents read both alike.
Each source (an approved collection, a year's survey aggregates) is one `FiguresRun` with
its `source_key`; storing again under a key replaces the values of the codes given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from assessments.choices import ProcedureCode
from assessments.models import FiguresRun, IndicatorValue
from assessments.services.figures import YearValue, year_values_write

MONITORING = ProcedureCode.MONITORING.value
COLLECTED_VERSION = 1


@transaction.atomic
def collected_store(
    *,
    municipality_id: int,
    year: int,
    source_key: str,
    codes: Iterable[str],
    values: Iterable[YearValue],
    sources: list[dict[str, Any]],
) -> FiguresRun | None:
    """Store `values` under `source_key`, replacing what the key held for `codes`.

    Returns the run (None when nothing is left under the key: the run is removed).
    """
    codes = set(codes)
    run = (
        FiguresRun.objects.select_for_update()
        .filter(
            procedure=MONITORING, year=year, municipality_id=municipality_id, source_key=source_key
        )
        .first()
    )
    if run is None:
        run = FiguresRun.objects.create(
            campaign=None,
            year=year,
            procedure=MONITORING,
            municipality_id=municipality_id,
            code_version=COLLECTED_VERSION,
            sources=sources,
            source_key=source_key,
        )
    else:
        run.values.filter(code__in=codes).delete()
        run.sources = sources
    rows = [v for v in values if v.code in codes and v.value is not None]
    year_values_write(run, rows)
    if not run.values.exists():
        run.delete()
        return None
    run.participants = max(
        (v.n for v in rows if v.school_id is None), default=run.participants or 0
    )
    run.save(update_fields=["sources", "participants"])
    return run


@transaction.atomic
def collected_remove(*, municipality_id: int, source_key: str) -> int:
    """Take a source's values out of the store; the number of values removed."""
    runs = FiguresRun.objects.filter(
        procedure=MONITORING, municipality_id=municipality_id, source_key=source_key
    )
    removed = IndicatorValue.objects.filter(run__in=runs).count()
    runs.delete()
    return removed
