"""The share of «2» of a whole year of a procedure, per school: every subject and grade pooled.

The ШНОР rule's criteria (K1 for ВПР, K2 for ОГЭ русский язык and математика) read a
school's share of «2» among its participants with a mark over the whole year, not per
campaign. A year computation of the figures registry: it reads the marks of the year's
results (a light read: school and mark only) and stores `vpr.fail_share_year` /
`oge.fail_share_year` per school and for the municipality, n = participants with a mark.
It follows every ВПР or ОГЭ campaign's figures (assessments.services.figures) and
`manage.py compute_indicators --year Y`. Reading the results rather than the stored
campaign figures keeps it free of the order in which the campaign jobs finish.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from assessments.choices import ProcedureCode
from assessments.indicators import percent
from assessments.models import Result
from assessments.services.figures import YearValue, year_figures_register

#: The subjects pooled per procedure (None: every subject).
POOLED_SUBJECTS: dict[str, tuple[str, ...] | None] = {
    ProcedureCode.VPR.value: None,
    ProcedureCode.OGE.value: ("russian", "math"),
}


def pooled_fail_share(
    procedure: str, year: int, municipality_id: int
) -> tuple[list[YearValue], list[dict[str, Any]]]:
    """Each school's and the municipality's share of «2» over the year's campaigns."""
    results = Result.objects.filter(
        campaign__procedure__code=procedure,
        campaign__year=year,
        school__municipality_id=municipality_id,
        absent=False,
        mark__isnull=False,
    )
    subjects = POOLED_SUBJECTS[procedure]
    if subjects is not None:
        results = results.filter(campaign__subject__code__in=subjects)
    with_mark: Counter[int] = Counter()
    fails: Counter[int] = Counter()
    campaigns: set[int] = set()
    for school_id, mark, campaign_id in results.values_list(
        "school_id", "mark", "campaign_id"
    ).iterator(chunk_size=20000):
        with_mark[school_id] += 1
        fails[school_id] += mark == 2
        campaigns.add(campaign_id)
    code = f"{procedure}.fail_share_year"
    values = [
        YearValue(code=code, value=percent(fails[pk], with_mark[pk]), n=with_mark[pk], school_id=pk)
        for pk in sorted(with_mark)
    ]
    if with_mark:
        total, failed = sum(with_mark.values()), sum(fails.values())
        values.append(YearValue(code=code, value=percent(failed, total), n=total))
    return values, [{"campaigns": sorted(campaigns)}]


@year_figures_register(ProcedureCode.VPR.value)
def vpr_year_figures(
    year: int, municipality_id: int
) -> tuple[list[YearValue], list[dict[str, Any]]]:
    return pooled_fail_share(ProcedureCode.VPR.value, year, municipality_id)


@year_figures_register(ProcedureCode.OGE.value)
def oge_year_figures(
    year: int, municipality_id: int
) -> tuple[list[YearValue], list[dict[str, Any]]]:
    return pooled_fail_share(ProcedureCode.OGE.value, year, municipality_id)
