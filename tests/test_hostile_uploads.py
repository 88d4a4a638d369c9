"""Every upload form answers a hostile file with a Russian message, never a 500, and
changes nothing; an oversize file is refused by the form before it is read or stored.

The files are crafted by bench/hostile_files.py (zipfile, not openpyxl: what an attacker
writes, not what Excel writes).
"""

from __future__ import annotations

import datetime
import html
import resource
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Campaign, CampaignTask, IndicatorValue, Result
from bench import hostile_files as hostile
from msoko.spreadsheets import FileRejected
from roadmaps.models import (
    CollectedValue,
    CollectionUpload,
    Evidence,
    Roadmap,
    SurveyUpload,
    Task,
)
from roadmaps.services_collections import collection_open
from schools.models import Municipality, School, SocialPassport
from tests.roadmaps.builders import make_roadmap, make_task
from tests.roadmaps.test_collections import share

pytestmark = pytest.mark.django_db

# file → (builder, upload name, fragments of which one must be on the page)
FILES: dict[str, tuple[Callable[[], bytes], str, tuple[str, ...]]] = {
    "zip-bomb": (hostile.zip_bomb, "bomb.xlsx", ("zip-бомбу",)),
    "lying-crc": (hostile.lying_crc, "crc.xlsx", ("не совпадает с описанием в архиве",)),
    "far-cell": (hostile.far_cell, "far.xlsx", ("ZZ200000", "встречена строка 200 000")),
    "rows-out-of-order": (hostile.rows_out_of_order, "rows.xlsx", ("строк больше допустимых",)),
    "doctype": (hostile.entity_bomb, "lol.xlsx", ("DOCTYPE",)),
    "xlsm": (hostile.xlsm, "macro.xlsm", ("макрос", "недопустимый тип")),
    "random-bytes": (hostile.random_bytes, "random.xlsx", ("не является", "не соответствует")),
}


@pytest.fixture(scope="module")
def crafted() -> dict[str, bytes]:
    return {key: build() for key, (build, _name, _expected) in FILES.items()}


def _post_registry(client: Any, upload: Any, _context: Any) -> Any:
    return client.post(reverse("schools:registry_upload"), {"file": upload}, follow=True)


def _post_results(client: Any, upload: Any, _context: Any) -> Any:
    return client.post(reverse("assessments:upload_create"), {"file": upload}, follow=True)


def _post_roadmap_import(client: Any, upload: Any, _context: Any) -> Any:
    fields = {
        "title": "Дорожная карта",
        "act_kind": "prikaz",
        "start_year": 2024,
        "end_year": 2026,
        "status": "draft",
    }
    return client.post(reverse("roadmaps:import_upload"), {"file": upload, **fields}, follow=True)


def _post_evidence(client: Any, upload: Any, context: Any) -> Any:
    occurrence = context["occurrence"]
    url = reverse("roadmaps:evidence_add", args=[occurrence.pk])
    return client.post(url, {"evidence-file": upload, "evidence-comment": "отчёт"}, follow=True)


def _post_campaign_tasks(client: Any, upload: Any, _context: Any) -> Any:
    url = reverse("assessments:campaign_create")
    return client.post(url, {"load_tasks": "1", "tasks_file": upload}, follow=True)


def _post_collection_template(client: Any, upload: Any, context: Any) -> Any:
    data = {"file": upload, "collection": context["collection"].pk}
    return client.post(reverse("roadmaps:collection_import"), data, follow=True)


def _post_survey(client: Any, upload: Any, _context: Any) -> Any:
    return client.post(
        reverse("roadmaps:survey_import"), {"file": upload, "year": 2026}, follow=True
    )


FORMS = {
    "registry": _post_registry,
    "collection-template": _post_collection_template,
    "survey-aggregates": _post_survey,
    "results": _post_results,
    "roadmap-import": _post_roadmap_import,
    "roadmap-evidence": _post_evidence,
    "campaign-tasks-from-file": _post_campaign_tasks,
}


@pytest.fixture
def context(specialist: Any, school_a: Any, passport_a: Any) -> dict[str, Any]:
    roadmap = make_roadmap(specialist)
    task = make_task(roadmap, user=specialist)
    set_code, code, _numerator, _denominator = share()
    collection = collection_open(
        user=specialist,
        municipality=school_a.municipality,
        set_code=set_code,
        year=2026,
        deadline=datetime.date(2026, 12, 1),
        indicators=[code],
    )
    return {"occurrence": task.occurrences.first(), "collection": collection}


def _snapshot() -> dict[str, int]:
    models = (Municipality, School, SocialPassport, Campaign, CampaignTask, Result)
    kept = (*models, Roadmap, Task, Evidence, CollectedValue, IndicatorValue)
    return {model.__name__: model.objects.count() for model in kept}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("kind", list(FILES))
def test_a_hostile_file_gets_a_russian_message_and_changes_nothing(
    form: str,
    kind: str,
    crafted: dict[str, bytes],
    context: dict[str, Any],
    specialist: Any,
    client_for: Any,
) -> None:
    _build, name, expected = FILES[kind]
    before = _snapshot()
    upload = SimpleUploadedFile(name, crafted[kind], content_type="application/octet-stream")
    response = FORMS[form](client_for(specialist), upload, context)
    assert response.status_code == 200
    assert all(status in (301, 302) for _url, status in response.redirect_chain)
    page = html.unescape(response.content.decode())
    assert any(fragment in page for fragment in expected), (form, kind)
    assert _snapshot() == before


@pytest.mark.parametrize("form", list(FORMS))
def test_an_oversize_file_is_refused_by_the_form_before_it_is_stored(
    form: str,
    context: dict[str, Any],
    specialist: Any,
    client_for: Any,
    settings: Any,
) -> None:
    settings.UPLOAD_MAX_MB = 1
    media = Path(settings.MEDIA_ROOT)
    stored_before = sorted(media.rglob("*")) if media.exists() else []
    before = _snapshot()
    from assessments.models import ResultUpload
    from roadmaps.models import RoadmapImport
    from schools.models import RegistryUpload

    uploads = (ResultUpload, RoadmapImport, RegistryUpload, CollectionUpload, SurveyUpload)
    logged = {model: model.objects.count() for model in uploads}
    data = hostile.far_cell() + b"\x00" * (1024 * 1024 + 100)  # 1 MB and a bit: refused by size
    upload = SimpleUploadedFile("big.xlsx", data, content_type="application/octet-stream")
    response = FORMS[form](client_for(specialist), upload, context)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "слишком большой" in page or "Файл больше допустимых 1 МБ" in page
    assert (sorted(media.rglob("*")) if media.exists() else []) == stored_before
    assert {model: model.objects.count() for model in uploads} == logged
    assert _snapshot() == before


def test_a_50000_row_word_table_is_refused_with_little_memory() -> None:
    from roadmaps.importing import read_grids

    data = hostile.docx_table(50_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(FileRejected, match="больше 20 000 строк"):
        read_grids("karta.docx", data)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # python-docx's tree of this table would take ~1 GB


def test_a_10000_row_word_table_with_long_merged_blocks_is_read() -> None:
    from roadmaps.importing import parse_roadmap_file

    # «Сроки» merged down over blocks of 1,000 rows: python-docx's row.cells walks each block
    # back to its top for every row, and at 1,000 rows it fails with a RecursionError (its
    # time, 3 minutes for blocks of 500, is measured by bench/hostile_files.py).
    data = hostile.docx_table(10_000, merge_every=1_000)
    parsed = parse_roadmap_file("karta.docx", data, start_year=2024, end_year=2026)
    assert parsed.task_count == 10_000
    tasks = [task for section in parsed.sections for task in section["tasks"]]
    assert {t["deadline"] for t in tasks} == {"ежегодно, декабрь"}  # carried down every block
