"""Permission-matrix cases of the objectivity markers' pages (see tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from assessments.choices import UploadStatus
from assessments.models import FederalListUpload, ObjectivityMarker
from tests.matrix import OWN_SCHOOL, Case, editors_only, everyone

EDITORS = editors_only(200)
EDITORS_REDIRECT = editors_only(302)


def _marker_a(world: dict[str, Any]) -> list[Any]:
    # Looked up when asked: the second world's figures of the shared campaign recompute the
    # first world's markers too (a new run replaces them, with new ids).
    marker = ObjectivityMarker.objects.get(
        school=world["school_a"], code="above_unconfirmed", campaign=world["campaign"]
    )
    return [marker.pk]


def _upload(world: dict[str, Any]) -> list[Any]:
    return [world["federal_upload"].pk]


CASES: dict[str, Case] = {
    # The lists read the markers the user sees (a director: his school's): no object in the URL.
    "assessments:objectivity_list": Case(everyone(200)),
    "assessments:objectivity_repeat": Case(everyone(200)),
    # One marker: a director sees his own school's only, another municipality's is 404.
    "assessments:objectivity_detail": Case(OWN_SCHOOL, args=_marker_a),
    # The federal list upload is the department's.
    "assessments:federal_list_upload": Case(EDITORS),
    "assessments:federal_list_upload_detail": Case(EDITORS, args=_upload),
    "assessments:federal_list_upload_progress": Case(EDITORS, args=_upload),
    "assessments:federal_list_upload_file": Case(EDITORS, args=_upload),
    # Confirming a rejected list is refused with a message and a redirect to its page.
    "assessments:federal_list_upload_confirm": Case(EDITORS_REDIRECT, args=_upload, method="post"),
}


def build_world(world: dict[str, Any]) -> None:
    """A rejected federal list of the department. School A's marker across procedures is
    stored with the world campaign's figures (matrix_campaigns)."""
    upload = FederalListUpload(
        status=UploadStatus.REJECTED,
        municipality=world["municipality"],
        uploaded_by=world["specialist"],
        report={"problems": [], "errors": 1, "problems_total": 0},
    )
    upload.store(filename="perechen.xlsx", data=b"PK\x03\x04")
    upload.save()
    world["federal_upload"] = upload
