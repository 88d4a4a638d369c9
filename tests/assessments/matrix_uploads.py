"""Permission-matrix cases of the uploads pages of the assessments app."""

from __future__ import annotations

from typing import Any

from assessments.choices import UploadStatus
from assessments.models import ResultUpload
from tests.matrix import Case, everyone

UPLOADERS = everyone(200, official=403)
# An upload of school A: its director and the department see it; director B gets 404.
OWN_UPLOAD = everyone(200, director_b=404)
# Confirming a rejected upload is refused with a message and a redirect to its page.
CONFIRM = everyone(302, official=403, director_b=404)

CASES: dict[str, Case] = {
    "assessments:upload_list": Case(everyone(200)),
    "assessments:upload_create": Case(UPLOADERS),
    "assessments:upload_detail": Case(OWN_UPLOAD, args=lambda w: [w["result_upload_a"].pk]),
    "assessments:upload_progress": Case(OWN_UPLOAD, args=lambda w: [w["result_upload_a"].pk]),
    "assessments:upload_file": Case(OWN_UPLOAD, args=lambda w: [w["result_upload_a"].pk]),
    "assessments:upload_confirm": Case(
        CONFIRM, args=lambda w: [w["result_upload_a"].pk], method="post"
    ),
}


def build_world(world: dict[str, Any]) -> None:
    """A rejected upload of school A (made by its director), under a key of our own."""
    upload = ResultUpload(
        status=UploadStatus.REJECTED,
        school=world["school_a"],
        municipality=world["municipality"],
        uploaded_by=world["director_a"],
        report={"problems": [], "errors": 1, "problems_total": 0},
    )
    upload.store(filename="f1.xlsx", data=b"PK\x03\x04")
    upload.save()
    world["result_upload_a"] = upload
