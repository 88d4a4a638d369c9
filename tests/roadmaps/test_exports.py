"""Exports: the official XLSX layout, the ICS feed with its revocable token, the PDF."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from icalendar import Calendar
from openpyxl import load_workbook

from msoko.models import Job
from roadmaps import services
from roadmaps.exports import OFFICIAL_HEADER, RoadmapPdfExport
from roadmaps.models import Roadmap, RoadmapPdf
from tests.roadmaps.builders import make_roadmap, make_task

FIXTURE = "fixtures/roadmaps/seed_003_tula_app1.json"


@pytest.fixture
def roadmap(specialist: Any, school_a: Any) -> Roadmap:
    roadmap = make_roadmap(specialist, title="Карта 2024–2026")
    task = make_task(roadmap, "1", schools=[school_a], users=[specialist], user=specialist)
    occurrence = task.occurrences.get(label="декабрь 2024")
    services.evidence_add(
        occurrence=occurrence, user=specialist, link="https://example.org/otchet", comment="Отчёт"
    )
    services.occurrence_update(occurrence=occurrence, user=specialist, status="done")
    return roadmap


def test_xlsx_export_has_the_official_layout(
    roadmap: Roadmap, client_for: Any, specialist: Any
) -> None:
    response = client_for(specialist).get(f"/roadmaps/{roadmap.pk}/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == OFFICIAL_HEADER
    assert rows[1][1] == "Система оценки качества подготовки обучающихся"  # the section row
    number, title, deadline, responsible, indicator, status, mark = rows[2]
    assert (number, title, deadline) == ("1", "Анализ результатов ВПР", "ежегодно, декабрь")
    assert "МБОУ СОШ № 1" in responsible
    assert indicator == "Наличие аналитического отчета"
    assert status.startswith("выполнено 1 из 3")
    assert "декабрь 2024, МБОУ СОШ № 1: выполнено" in mark and "https://example.org/otchet" in mark


def test_director_export_holds_only_his_school(
    roadmap: Roadmap, client_for: Any, director_a: Any, school_b: Any, specialist: Any
) -> None:
    make_task(roadmap, "2", schools=[school_b], user=specialist, title="Только школа Б")
    sheet = load_workbook(
        io.BytesIO(client_for(director_a).get(f"/roadmaps/{roadmap.pk}/export/").content)
    ).active
    titles = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "Анализ результатов ВПР" in titles and "Только школа Б" not in titles


def test_ics_feed_lists_the_users_occurrences_and_the_token_can_be_revoked(
    roadmap: Roadmap, client_for: Any, director_a: Any
) -> None:
    feed = services.calendar_feed_get(user=director_a)
    anonymous = client_for(None)
    response = anonymous.get(f"/roadmaps/ics/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert len(events) == 3
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries[-1].startswith("✓ 1. Анализ результатов ВПР")
    assert {e.decoded("DTSTART").isoformat() for e in events} >= {"2024-12-01"}
    old = feed.token
    client_for(director_a).post("/roadmaps/ics/reset/")
    assert anonymous.get(f"/roadmaps/ics/{old}.ics").status_code == 404
    new = services.calendar_feed_get(user=director_a).token
    assert anonymous.get(f"/roadmaps/ics/{new}.ics").status_code == 200
    client_for(director_a).post("/roadmaps/ics/revoke/")
    assert anonymous.get(f"/roadmaps/ics/{new}.ics").status_code == 404


def test_pdf_of_a_big_road_map_has_several_pages(specialist: Any) -> None:
    data = json.loads(Path(FIXTURE).read_text(encoding="utf-8"))
    roadmap = services.roadmap_load(data=data, owner=specialist)
    _name, content_type, content = (export := RoadmapPdfExport(roadmap, specialist)).render()
    assert content_type == "application/pdf" and content.startswith(b"%PDF")
    assert export.pages > 1


def test_pdf_is_rendered_by_a_job_and_downloaded(
    roadmap: Roadmap,
    client_for: Any,
    specialist: Any,
    director_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/roadmaps/{roadmap.pk}/pdf/")
    pdf = RoadmapPdf.objects.get()
    assert response["Location"] == f"/roadmaps/pdf/{pdf.pk}/"
    job = Job.objects.get(pk=pdf.job_id)
    assert job.status == "succeeded", job.errors
    page = client.get(response["Location"])
    assert "Скачать PDF" in page.content.decode()
    download = client.get(f"/roadmaps/pdf/{pdf.pk}/download/")
    assert download.content.startswith(b"%PDF")
    assert client_for(director_a).get(f"/roadmaps/pdf/{pdf.pk}/download/").status_code == 403


def test_export_roadmap_command(roadmap: Roadmap, tmp_path: Any) -> None:
    target = tmp_path / "karta.xlsx"
    call_command("export_roadmap", roadmap.pk, "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    assert next(sheet.iter_rows(values_only=True)) == OFFICIAL_HEADER
    csv_target = tmp_path / "karta.csv"
    call_command("export_roadmap", roadmap.pk, "--format", "csv", "--output", str(csv_target))
    assert csv_target.read_bytes().decode("utf-8-sig").startswith("№ п/п;Мероприятие;Сроки")
