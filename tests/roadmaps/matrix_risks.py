"""Permission-matrix cases of the risks pages (part of tests/roadmaps/matrix.py).

The world gives school A a risk profile of 2025 with one selected risk, a curator, and a
refused risk-workbook upload of the municipality; the reference (risk directions and
their template measures) belongs to no municipality.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from roadmaps import services_risks
from roadmaps.models import MeasureTemplate, RiskDirection, RiskUpload, SchoolRisk
from tests.matrix import OWN_SCHOOL, Case, editors_only, everyone

YEAR = 2025


def _a(key: str) -> Any:
    return lambda w: [w[key].pk]


PROFILE_WRITE = everyone(302, official=403, director_b=404)

CASES: dict[str, Case] = {
    "roadmaps:risk_overview": Case(everyone(200)),
    "roadmaps:risk_direction_list": Case(everyone(200)),
    "roadmaps:risk_direction_create": Case(editors_only()),
    "roadmaps:risk_direction_detail": Case(everyone(200), args=_a("risk"), scoped=False),
    "roadmaps:risk_direction_update": Case(editors_only(), args=_a("risk"), scoped=False),
    "roadmaps:measure_template_create": Case(editors_only(), args=_a("risk"), scoped=False),
    "roadmaps:measure_template_update": Case(editors_only(), args=_a("measure"), scoped=False),
    "roadmaps:measure_template_delete": Case(
        editors_only(302), args=_a("measure"), method="post", scoped=False
    ),
    "roadmaps:risk_profile": Case(OWN_SCHOOL, args=lambda w: [w["school_a"].pk, YEAR]),
    "roadmaps:risk_programme_create": Case(
        PROFILE_WRITE, args=lambda w: [w["school_a"].pk, YEAR], method="post"
    ),
    "roadmaps:risk_curator": Case(OWN_SCHOOL, args=lambda w: [w["school_a"].pk]),
    "roadmaps:risk_import": Case(editors_only()),
    "roadmaps:risk_import_template": Case(editors_only()),
    "roadmaps:risk_import_detail": Case(editors_only(), args=_a("risk_upload")),
    "roadmaps:risk_import_confirm": Case(editors_only(302), args=_a("risk_upload"), method="post"),
    "roadmaps:risk_import_progress": Case(editors_only(), args=_a("risk_upload")),
    "roadmaps:risk_import_file": Case(editors_only(), args=_a("risk_upload")),
}


def build_world(world: dict[str, Any]) -> None:
    """Add the objects these pages need."""
    specialist = world["specialist"]
    risk = RiskDirection.objects.get(code="equipment")
    measure = MeasureTemplate.objects.create(
        risk=risk, order=9, title="Мероприятие для проверки прав", deadline_text="ежегодно, май"
    )
    SchoolRisk.objects.create(
        school=world["school_a"],
        year=YEAR,
        risk=risk,
        value=Decimal("62.5"),
        level="high",
        selected=True,
        evidence="Анкетирование педагогов",
    )
    services_risks.curator_assign(school=world["school_a"], curator=specialist, user=specialist)
    upload = RiskUpload(
        status=RiskUpload.Status.REJECTED,
        year=YEAR,
        report={"problems": [], "errors": 1},
        uploaded_by=specialist,
        municipality=world["municipality"],
    )
    upload.store(filename="riski.xlsx", data=b"PK")
    upload.save()
    world.update(risk=risk, measure=measure, risk_upload=upload)
