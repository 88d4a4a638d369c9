"""Permission-matrix cases of the roadmaps pages (see tests/test_permissions.py).

The world has one road map with a task for school A (so director B gets 404 on it), an
occurrence of school A with an evidence file, a PDF, an import, a self-assessment and the
specialist's ICS feed (its secret token is the key, so every visitor gets 200).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from msoko.choices import JobStatus
from msoko.jobs import job_create
from msoko.models import Job
from roadmaps import services
from roadmaps.models import CycleAssessment, Direction, Evidence, RoadmapImport, RoadmapPdf
from tests.matrix import Case, editors_only, everyone
from tests.roadmaps import matrix_collections, matrix_decisions, matrix_risks
from tests.roadmaps.builders import make_roadmap, make_task

OWN_SCHOOL = everyone(200, director_b=404)
WIDE_ONLY = everyone(200, director_a=403, director_b=403)


def _a(key: str) -> Any:
    return lambda w: [w[key].pk]


CASES: dict[str, Case] = {
    "roadmaps:roadmap_list": Case(everyone(200)),
    "roadmaps:roadmap_create": Case(editors_only()),
    "roadmaps:roadmap_detail": Case(OWN_SCHOOL, args=_a("roadmap")),
    "roadmaps:roadmap_update": Case(editors_only(), args=_a("roadmap")),
    "roadmaps:roadmap_export": Case(OWN_SCHOOL, args=_a("roadmap")),
    "roadmaps:roadmap_timeline": Case(OWN_SCHOOL, args=_a("roadmap")),
    "roadmaps:roadmap_pdf": Case(
        everyone(302, director_a=403, director_b=403), args=_a("roadmap"), method="post"
    ),
    "roadmaps:section_create": Case(editors_only(), args=_a("roadmap")),
    "roadmaps:task_create": Case(editors_only(), args=_a("roadmap")),
    "roadmaps:pdf_detail": Case(WIDE_ONLY, args=_a("pdf")),
    "roadmaps:pdf_download": Case(WIDE_ONLY, args=_a("pdf")),
    "roadmaps:direction_create": Case(editors_only()),
    "roadmaps:task_detail": Case(OWN_SCHOOL, args=_a("task")),
    "roadmaps:task_update": Case(editors_only(), args=_a("task")),
    "roadmaps:task_comment": Case(
        everyone(302, official=403, director_b=404),
        args=_a("task"),
        method="post",
        role_checked_first=False,
    ),
    "roadmaps:occurrence_add": Case(editors_only(302), args=_a("task"), method="post"),
    "roadmaps:occurrence_list": Case(everyone(200)),
    "roadmaps:occurrence_detail": Case(OWN_SCHOOL, args=_a("occurrence")),
    "roadmaps:evidence_add": Case(
        everyone(302, official=403, director_b=404), args=_a("occurrence"), method="post"
    ),
    "roadmaps:evidence_download": Case(OWN_SCHOOL, args=_a("evidence")),
    "roadmaps:calendar": Case(everyone(200)),
    "roadmaps:ics_settings": Case(everyone(200)),
    "roadmaps:ics_reset": Case(everyone(302), method="post"),
    "roadmaps:ics_revoke": Case(everyone(302), method="post"),
    "roadmaps:ics_feed": Case(
        everyone(200, anonymous=200, no_role=200), args=lambda w: [w["feed"].token], scoped=False
    ),
    "roadmaps:notification_list": Case(everyone(200)),
    "roadmaps:notifications_read": Case(everyone(302), method="post"),
    "roadmaps:import_upload": Case(editors_only()),
    "roadmaps:import_detail": Case(editors_only(), args=_a("roadmap_import")),
    "roadmaps:import_confirm": Case(editors_only(302), args=_a("roadmap_import"), method="post"),
    "roadmaps:import_progress": Case(editors_only(), args=_a("roadmap_import")),
    "roadmaps:import_file": Case(editors_only(), args=_a("roadmap_import")),
    "roadmaps:cycle_summary": Case(WIDE_ONLY),
    "roadmaps:cycle_create": Case(editors_only()),
    "roadmaps:cycle_detail": Case(WIDE_ONLY, args=_a("cycle")),
    "roadmaps:cycle_update": Case(editors_only(), args=_a("cycle")),
    "roadmaps:cycle_document": Case(WIDE_ONLY, args=lambda w: [w["cycle"].pk, "goals"]),
}
PARTS = (matrix_risks, matrix_decisions, matrix_collections)
for _part in PARTS:
    CASES.update(_part.CASES)


def build_world(world: dict[str, Any]) -> None:
    """Add the objects this app's URLs need (one per school where it matters)."""
    specialist = world["specialist"]
    roadmap = make_roadmap(specialist, municipality=world["municipality"])
    task = make_task(roadmap, schools=[world["school_a"]], user=specialist)
    occurrence = task.occurrences.get(school=world["school_a"], label="декабрь 2024")
    evidence = Evidence(
        occurrence=occurrence,
        original_name="otchet.pdf",
        content_type="application/pdf",
        sha256="a" * 64,
        extension=".pdf",
    )
    evidence.file.save("otchet.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    evidence.save()
    job = job_create(
        kind="roadmap_pdf",
        title="PDF",
        created_by=specialist,
        municipality_id=world["municipality"].pk,
    )
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100)
    pdf = RoadmapPdf(roadmap=roadmap, job=job, pages=1)
    pdf.file.save("map.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    pdf.save()
    record = RoadmapImport(
        status=RoadmapImport.Status.REJECTED,
        params={"title": "Карта", "start_year": 2024, "end_year": 2026},
        report={"errors": ["Строка 3: нет названия мероприятия"], "warnings": []},
        uploaded_by=specialist,
        municipality=world["municipality"],
    )
    record.store(filename="karta.xlsx", data=b"PK")
    record.save()
    cycle = services.cycle_assessment_create(
        direction=Direction.objects.get(code="1.1"),
        year=2025,
        user=specialist,
        municipality=world["municipality"],
    )
    goals = cycle.scores.get(element="goals")
    goals.document.save("goals.pdf", ContentFile(b"%PDF-1.4 goals"), save=False)
    goals.document_name = "Цели.pdf"
    goals.save()
    world.update(
        roadmap=roadmap,
        task=task,
        occurrence=occurrence,
        evidence=evidence,
        pdf=pdf,
        roadmap_import=record,
        cycle=cycle,
        feed=services.calendar_feed_get(user=specialist),
    )
    assert CycleAssessment.objects.filter(municipality=world["municipality"]).count() == 1
    for part in PARTS:
        part.build_world(world)
