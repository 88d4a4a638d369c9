"""Permission-matrix cases of the dashboards (see tests/test_permissions.py).

The school card is an object URL: a director sees only his own school's card, and a
specialist of the other municipality gets 404 for this one's schools.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import OWN_SCHOOL, Case, editors_only, everyone
from tests.reports import matrix_directions

CASES: dict[str, Case] = {
    "reports:indicator": Case(everyone(200)),
    "reports:cohorts": Case(everyone(200)),
    "reports:vpr_oge": Case(everyone(200)),
    "reports:school_card": Case(OWN_SCHOOL, args=lambda w: [w["school_a"].pk]),
    # identification: the rules are the deployment's; runs and lists are a municipality's
    "reports:rule_list": Case(everyone(200)),
    "reports:rule_detail": Case(everyone(200), args=lambda w: ["shnor_basic"], scoped=False),
    "reports:rule_version_new": Case(editors_only(), args=lambda w: ["shnor_basic"], scoped=False),
    "reports:rule_version_edit": Case(
        editors_only(302), args=lambda w: ["shnor_basic", 1], scoped=False
    ),
    "reports:run_create": Case(
        editors_only(302), args=lambda w: ["shnor_basic"], method="post", scoped=False
    ),
    "reports:run_detail": Case(everyone(200), args=lambda w: [w["identification_run"].pk]),
    "reports:run_pdf": Case(
        everyone(200, director_a=403, director_b=403),
        args=lambda w: [w["identification_run"].pk],
    ),
    "reports:run_xlsx": Case(
        everyone(200, director_a=403, director_b=403),
        args=lambda w: [w["identification_run"].pk],
    ),
    "reports:list_detail": Case(everyone(200), args=lambda w: [w["school_list"].pk]),
    "reports:list_entry": Case(
        editors_only(302), args=lambda w: [w["school_list"].pk], method="post"
    ),
    "reports:list_confirm": Case(
        editors_only(302), args=lambda w: [w["school_list"].pk], method="post"
    ),
    "reports:groups": Case(everyone(200)),
    # documents: the department's for everyone of the municipality, a card for its school
    "reports:document_list": Case(everyone(200)),
    "reports:document_create": Case(everyone(302), method="post"),
    "reports:document_detail": Case(
        everyone(200, director_a=404, director_b=404), args=lambda w: [w["document"].pk]
    ),
    "reports:document_pdf": Case(
        everyone(200, director_a=404, director_b=404), args=lambda w: [w["document"].pk]
    ),
    "reports:document_docx": Case(
        everyone(200, director_a=404, director_b=404), args=lambda w: [w["document"].pk]
    ),
    "reports:document_comments": Case(
        editors_only(302), args=lambda w: [w["document"].pk], method="post", role_checked_first=True
    ),
}
PARTS = (matrix_directions,)
for _part in PARTS:
    CASES.update(_part.CASES)


def build_world(world: dict[str, Any]) -> None:
    """The dashboards read the stored values of the campaigns the other apps made."""
    _identification(world)
    for part in PARTS:
        part.build_world(world)


def _identification(world: dict[str, Any]) -> None:
    """A finished run of the default rule with its files and its draft list."""
    from django.core.files.base import ContentFile

    from reports.choices import RuleKind, RunStatus
    from reports.models import IdentificationRun, RuleVersion, SchoolList, SchoolListEntry

    version = RuleVersion.objects.get(rule__code="shnor_basic", version=1)
    run = IdentificationRun(
        version=version,
        municipality=world["municipality"],
        year=2026,
        status=RunStatus.DONE,
        protocol={"schools": [], "criteria": [], "totals": {"listed": 0}},
        protocol_sha256="0" * 64,
    )
    run.pdf.save("protocol.pdf", ContentFile(b"%PDF-1.4 protocol"), save=False)
    run.xlsx.save("protocol.xlsx", ContentFile(b"PK protocol"), save=False)
    run.save()
    school_list = SchoolList.objects.create(
        municipality=world["municipality"], year=2026, kind=RuleKind.SHNOR, run=run
    )
    SchoolListEntry.objects.create(school_list=school_list, school=world["school_a"])
    world.update(identification_run=run, school_list=school_list)
    _documents(world)


def _documents(world: dict[str, Any]) -> None:
    """A finished municipal document and a finished card of school A."""
    from django.core.files.base import ContentFile

    from reports.models import DocumentStatus, ReportDocument

    made = {}
    for key, kind, school in (
        ("document", "vpr", None),
        ("card", "school_card", world["school_a"]),
    ):
        document = ReportDocument(
            kind=kind,
            year=2026,
            municipality=world["municipality"],
            school=school,
            title=kind,
            status=DocumentStatus.DONE,
            params={"commentaries": [["summary", "Выводы"]]},
        )
        document.pdf.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4 document"), save=False)
        document.docx.save(f"{kind}.docx", ContentFile(b"PK document"), save=False)
        document.save()
        made[key] = document
    world.update(made)
