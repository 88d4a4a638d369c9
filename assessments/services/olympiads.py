"""The stored figures of ВсОШ: a year computation of the figures registry.

`olympiad_year_figures` reads one municipality's olympiad results of a year and the
schools' social passports of that year, computes every stage's figures with
`assessments.olympiads`, and gives them to `year_figures_compute` as `YearValue` rows:
per school and for the municipality, per subject and over all subjects (subject None),
the stage in `part`. It runs after every ВсОШ import (a job queued by
`assessments.services.imports`), in `manage.py compute_indicators --year Y` and in the
demo. Pages read the stored rows (`IndicatorValue`), never the results.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assessments.choices import ProcedureCode, UploadStatus
from assessments.models import OlympiadResult, ResultUpload
from assessments.olympiads import OlympiadFigures, OlympiadRecord, olympiad_figures
from assessments.services.figures import YearValue, year_figures_register
from schools.models import School, SocialPassport

VSOSH = ProcedureCode.VSOSH.value

#: The stored codes (assessments.catalogue) and the figure each one takes.
CODES: tuple[tuple[str, str], ...] = (
    ("vsosh.participants", "participants"),
    ("vsosh.winners", "winners"),
    ("vsosh.prizewinners", "prizewinners"),
    ("vsosh.participants_per_100", "participants_per_100"),
    ("vsosh.winners_per_100", "winners_per_100"),
    ("vsosh.prizewinners_per_100", "prizewinners_per_100"),
)


def _values(
    figures: OlympiadFigures, *, school_id: int | None, subject_id: int | None, stage: str
) -> list[YearValue]:
    values = []
    for code, attr in CODES:
        value: Decimal | int | None = getattr(figures, attr)
        values.append(
            YearValue(
                code=code,
                value=value,
                n=figures.participants,
                school_id=school_id,
                subject_id=subject_id,
                part=stage,
            )
        )
    return values


@year_figures_register(VSOSH)
def olympiad_year_figures(
    year: int, municipality_id: int
) -> tuple[list[YearValue], list[dict[str, Any]]]:
    """The ВсОШ values of one year in one municipality, and the uploads they came from.

    Every active general school of the municipality is reported at each stage of the year
    (0 participations is a figure too); enrolment is the social passport of the same year.
    """
    records = [
        OlympiadRecord(*row)
        for row in OlympiadResult.objects.filter(
            year=year, school__municipality_id=municipality_id
        ).values_list("school_id", "stage", "subject_id", "grade", "participant_code", "status")
    ]
    enrolment: dict[int, int | None] = dict(
        SocialPassport.objects.filter(
            year=year, school__municipality_id=municipality_id
        ).values_list("school_id", "pupils_total")
    )
    general = School.objects.filter(municipality_id=municipality_id, is_active=True).general()
    rows = olympiad_figures(
        records, enrolment, schools=general.values_list("pk", flat=True) if records else ()
    )
    values = [
        value
        for row in rows
        for value in _values(
            row.figures, school_id=row.school_id, subject_id=row.subject_id, stage=row.stage
        )
    ]
    return values, _sources(year, municipality_id)


def _sources(year: int, municipality_id: int) -> list[dict[str, Any]]:
    """The imported uploads whose olympiad results the figures were made from."""
    upload_ids = (
        OlympiadResult.objects.filter(
            year=year, school__municipality_id=municipality_id, upload__isnull=False
        )
        .values_list("upload_id", flat=True)
        .distinct()
    )
    return [
        {"upload": pk, "sha256": sha, "file": name, "imported_at": at.isoformat() if at else None}
        for pk, sha, name, at in ResultUpload.objects.filter(
            pk__in=list(upload_ids), status=UploadStatus.IMPORTED
        )
        .order_by("pk")
        .values_list("pk", "sha256", "filename", "imported_at")
    ]
