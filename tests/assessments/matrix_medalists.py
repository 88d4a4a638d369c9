"""Permission-matrix cases of the medalists and ЕГЭ-per-graduate pages (see
tests/test_permissions.py), and the small ЕГЭ year the matrix and the medalist tests share."""

from __future__ import annotations

from typing import Any

from assessments.choices import UploadStatus
from assessments.models import Campaign, Medalist, MedalistUpload, Procedure, Result, Subject
from assessments.services.figures import year_figures_compute
from tests.matrix import Case, editors_only, everyone

YEAR = 2025


def _medalist_a(world: dict[str, Any]) -> list[Any]:
    return [world["medalist_a"].pk]


def _upload(world: dict[str, Any]) -> list[Any]:
    return [world["medalist_upload"].pk]


# The department's pages: a director or an official has none of them (403 before any lookup).
EDITORS = editors_only(200)
# A write: done and sent back to the list; the others are refused.
EDITORS_REDIRECT = editors_only(302)

CASES: dict[str, Case] = {
    # The lists read the user's municipality (a director: his school): no object in the URL.
    "assessments:medalist_list": Case(everyone(200)),
    "assessments:ege_graduates": Case(everyone(200)),
    "assessments:medalist_create": Case(EDITORS),
    "assessments:medalist_delete": Case(EDITORS_REDIRECT, args=_medalist_a, method="post"),
    "assessments:medalist_upload": Case(EDITORS),
    "assessments:medalist_upload_detail": Case(EDITORS, args=_upload),
    "assessments:medalist_upload_progress": Case(EDITORS, args=_upload),
    "assessments:medalist_upload_file": Case(EDITORS, args=_upload),
    # Confirming a rejected list is refused with a message and a redirect to its page.
    "assessments:medalist_upload_confirm": Case(EDITORS_REDIRECT, args=_upload, method="post"),
}

# (participant code, subject code, test score, mark) of the world's ЕГЭ year.
RESULTS_A: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("a-1", "russian", 82, None),
    ("a-1", "math_profile", 74, None),
    ("a-1", "physics", 70, None),  # 226 on three subjects, three above the minimum
    ("a-2", "russian", 64, None),
    ("a-2", "math_base", None, 5),  # I степени not confirmed: русский 64 < 70
)
RESULTS_B: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("b-1", "russian", 50, None),
    ("b-1", "math_profile", 40, None),
)


def ege_campaign(subject: str, year: int = YEAR) -> Campaign:
    campaign, _ = Campaign.objects.get_or_create(
        procedure=Procedure.objects.get(code="ege"),
        year=year,
        subject=Subject.objects.get(code=subject),
        grade=11,
    )
    return campaign


def add_ege(
    school: Any,
    rows: tuple[tuple[str, str, int | None, int | None], ...],
    *,
    year: int = YEAR,
    absent: tuple[str, ...] = (),
) -> None:
    """ЕГЭ results of a school: one Result per (code, subject); `absent` codes did not write."""
    Result.objects.bulk_create(
        Result(
            campaign=ege_campaign(subject, year),
            school=school,
            participant_code=code,
            test_score=score,
            mark=mark,
            absent=code in absent,
        )
        for code, subject, score, mark in rows
    )


def build_world(world: dict[str, Any]) -> None:
    """ЕГЭ results and medalists of both schools with their stored year figures, and a
    rejected medalist list of the department."""
    add_ege(world["school_a"], RESULTS_A)
    add_ege(world["school_b"], RESULTS_B)
    world["medalist_a"] = Medalist.objects.create(
        year=YEAR, school=world["school_a"], participant_code="a-2", medal="first"
    )
    Medalist.objects.create(
        year=YEAR, school=world["school_b"], participant_code="b-9", medal="second"
    )
    year_figures_compute(procedure="ege", year=YEAR, municipality_id=world["municipality"].pk)
    upload = MedalistUpload(
        status=UploadStatus.REJECTED,
        municipality=world["municipality"],
        uploaded_by=world["specialist"],
        report={"problems": [], "errors": 1, "problems_total": 0},
    )
    upload.store(filename="medalisty.xlsx", data=b"PK\x03\x04")
    upload.save()
    world["medalist_upload"] = upload
