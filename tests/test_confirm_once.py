"""A dry run is committed once: a double click or two sessions confirming together make one
road map, one registry import and one result job (the row is claimed by a conditional UPDATE).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from msoko.models import Job
from msoko.uploads import UploadRefused, upload_confirm
from roadmaps.models import Roadmap, RoadmapImport
from roadmaps.services import ROADMAP_IMPORT
from tests.conftest import require_service
from tests.roadmaps.test_import import build_docx
from tests.schools.builders import registry_file

PARAMS = {
    "title": "Дорожная карта из Word",
    "act_kind": "prikaz",
    "act_number": "7",
    "start_year": 2024,
    "end_year": 2026,
    "status": "draft",
}


def _roadmap_dry_run(client: Any) -> str:
    response = client.post(
        "/roadmaps/import/", {"file": SimpleUploadedFile("karta.docx", build_docx()), **PARAMS}
    )
    assert response.status_code == 302
    return str(response["Location"])


@pytest.mark.django_db
def test_a_second_confirm_of_a_road_map_import_changes_nothing(
    specialist: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(specialist)
    detail = _roadmap_dry_run(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail + "confirm/")
        again = client.post(detail + "confirm/", follow=True)
    assert Roadmap.objects.count() == 1
    assert "уже загружен, поставлен в очередь" in again.content.decode()


@pytest.mark.django_db
def test_a_second_confirm_of_a_registry_upload_changes_nothing(
    specialist: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from schools.models import RegistryUpload, School

    client = client_for(specialist)
    response = client.post(
        "/schools/registry/", {"file": SimpleUploadedFile("r.xlsx", registry_file())}
    )
    upload = RegistryUpload.objects.get()
    assert response.status_code == 302 and upload.status == RegistryUpload.Status.CHECKED
    url = f"/schools/registry/{upload.pk}/confirm/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    schools = School.objects.count()
    history = School.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)
    assert "уже загружен" in again.content.decode()
    assert (School.objects.count(), School.history.count()) == (schools, history)
    upload.refresh_from_db()
    assert upload.status == RegistryUpload.Status.IMPORTED
    assert upload.municipality_id == School.objects.first().municipality_id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_confirms_make_one_road_map(specialist: Any, client_for: Any) -> None:
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    _roadmap_dry_run(client_for(specialist))
    record = RoadmapImport.objects.get()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm() -> None:
        try:
            start.wait()
            upload_confirm(ROADMAP_IMPORT, upload_id=record.pk, user=specialist)
            outcomes.append("queued")
        except UploadRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["queued", "refused"]
    assert Roadmap.objects.count() == 1  # the job ran once, in process, on commit
    assert Job.objects.filter(kind="roadmap_import").count() == 1
