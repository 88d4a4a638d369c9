"""Permission-matrix cases of the data-collection pages (part of tests/roadmaps/matrix.py).

The world gives a collection of school A only (so the director of school B is outside
it) answering the road map's task, a template upload of school A's director (refused),
and a refused survey upload of the municipality.
"""

from __future__ import annotations

import datetime
from typing import Any

from assessments import catalogue
from assessments import collected as col
from roadmaps import services_collections as collections
from roadmaps.models import CollectionUpload, SurveyUpload
from tests.matrix import OWN_SCHOOL, Case, editors_only, everyone


def _a(key: str) -> Any:
    return lambda w: [w[key].pk]


FILLERS = everyone(200, official=403, director_b=404)
FILLERS_POST = everyone(302, official=403, director_b=404)

CASES: dict[str, Case] = {
    "roadmaps:collection_list": Case(everyone(200)),
    "roadmaps:collection_create": Case(editors_only()),
    "roadmaps:collection_detail": Case(OWN_SCHOOL, args=_a("collection")),
    "roadmaps:collection_template": Case(FILLERS, args=_a("collection")),
    "roadmaps:collection_values": Case(OWN_SCHOOL, args=_a("collection")),
    "roadmaps:collection_approve": Case(editors_only(302), args=_a("collection"), method="post"),
    "roadmaps:collection_unlock": Case(editors_only(302), args=_a("collection"), method="post"),
    "roadmaps:collection_school_add": Case(
        editors_only(302),
        args=_a("collection"),
        method="post",
        data={"school": "0"},
    ),
    "roadmaps:collection_deadline": Case(editors_only(302), args=_a("collection"), method="post"),
    "roadmaps:submission_form": Case(OWN_SCHOOL, args=_a("submission")),
    "roadmaps:submission_submit": Case(FILLERS_POST, args=_a("submission"), method="post"),
    "roadmaps:submission_return": Case(editors_only(302), args=_a("submission"), method="post"),
    "roadmaps:submission_history": Case(OWN_SCHOOL, args=_a("submission")),
    "roadmaps:collection_import": Case(everyone(200, official=403)),
    "roadmaps:collection_import_detail": Case(FILLERS, args=_a("collection_upload")),
    "roadmaps:collection_import_confirm": Case(
        FILLERS_POST, args=_a("collection_upload"), method="post"
    ),
    "roadmaps:collection_import_progress": Case(FILLERS, args=_a("collection_upload")),
    "roadmaps:collection_import_file": Case(FILLERS, args=_a("collection_upload")),
    "roadmaps:survey_template": Case(editors_only()),
    "roadmaps:survey_import": Case(editors_only()),
    "roadmaps:survey_import_detail": Case(editors_only(), args=_a("survey_upload")),
    "roadmaps:survey_import_confirm": Case(
        editors_only(302), args=_a("survey_upload"), method="post"
    ),
    "roadmaps:survey_import_progress": Case(editors_only(), args=_a("survey_upload")),
    "roadmaps:survey_import_file": Case(editors_only(), args=_a("survey_upload")),
}


def _first_share() -> tuple[str, str]:
    for indicator_set in catalogue.SETS.values():
        for code in indicator_set.indicators:
            collect = catalogue.CATALOGUE[code].collect
            if collect and collect.derived and collect.per == col.SCHOOL:
                return indicator_set.code, code
    raise AssertionError("в каталоге нет собираемой доли")


def build_world(world: dict[str, Any]) -> None:
    """Add the objects these pages need."""
    specialist = world["specialist"]
    set_code, code = _first_share()
    collection = collections.collection_open(
        user=specialist,
        municipality=world["municipality"],
        set_code=set_code,
        year=2025,
        deadline=datetime.date(2025, 11, 1),
        task=world["task"],
        indicators=[code],
        schools=[world["school_a"]],
    )
    submission = collection.submissions.get(school=world["school_a"])
    upload = CollectionUpload(
        status=CollectionUpload.Status.REJECTED,
        collection=collection,
        school=world["school_a"],
        report={"problems": [], "errors": 1},
        uploaded_by=world["director_a"],
        municipality=world["municipality"],
    )
    upload.store(filename="sbor.xlsx", data=b"PK")
    upload.save()
    survey = SurveyUpload(
        status=SurveyUpload.Status.REJECTED,
        year=2025,
        report={"problems": [], "errors": 1},
        uploaded_by=specialist,
        municipality=world["municipality"],
    )
    survey.store(filename="anketa.xlsx", data=b"PK")
    survey.save()
    world.update(
        collection=collection,
        submission=submission,
        collection_upload=upload,
        survey_upload=survey,
    )
