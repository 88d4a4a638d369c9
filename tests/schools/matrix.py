"""Permission-matrix cases of the registry pages (see tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from schools.models import RegistryUpload
from tests.matrix import Case, editors_only, everyone

OWN_SCHOOL = everyone(200, director_b=404)
PASSPORT_EDIT = everyone(200, official=403, director_b=404)

CASES: dict[str, Case] = {
    "schools:school_list": Case(everyone(200)),
    "schools:school_create": Case(editors_only()),
    "schools:school_detail": Case(OWN_SCHOOL, args=lambda w: [w["school_a"].pk]),
    "schools:school_update": Case(editors_only(), args=lambda w: [w["school_a"].pk]),
    "schools:passport_create": Case(PASSPORT_EDIT, args=lambda w: [w["school_a"].pk]),
    "schools:passport_update": Case(PASSPORT_EDIT, args=lambda w: [w["passport_a"].pk]),
    "schools:wellbeing": Case(everyone(200)),
    "schools:wellbeing_recompute": Case(editors_only(302), method="post"),
    "schools:registry_upload": Case(editors_only()),
    "schools:registry_template": Case(editors_only()),
    # A deployment-wide editor is asked which municipality; a bound one gets his own.
    "schools:registry_export": Case(everyone(403, specialist=302, admin=302, specialist_m2=200)),
    "schools:registry_upload_detail": Case(editors_only(), args=lambda w: [w["upload"].pk]),
    "schools:registry_upload_confirm": Case(
        editors_only(302), args=lambda w: [w["upload"].pk], method="post"
    ),
    "schools:registry_upload_file": Case(editors_only(), args=lambda w: [w["upload"].pk]),
    "schools:registry_upload_progress": Case(editors_only(), args=lambda w: [w["upload"].pk]),
}


def build_world(world: dict[str, Any]) -> None:
    upload = RegistryUpload(
        status=RegistryUpload.Status.REJECTED,
        uploaded_by=world["specialist"],
        municipality=world["municipality"],
    )
    upload.store(filename="reestr.xlsx", data=b"PK")
    upload.save()
    world["upload"] = upload
