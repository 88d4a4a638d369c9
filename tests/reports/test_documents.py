"""The life of a generated document: a job renders it as a version, a regeneration from the
same figures hashes alike, the specialists' commentaries outlive regenerations, a year
without data says so, a linked road-map task gets the document as evidence, a director
gets only his own school's card, and render_report writes the file."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from msoko.choices import Role
from reports.documents import catalogue
from reports.documents.blocks import Commentary, Document, Paragraph, Table
from reports.models import DocumentStatus, ReportDocument
from reports.services_documents import document_request
from tests.factories import SchoolFactory, UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = pytest.mark.django_db


class Probe(catalogue.Report):
    """A report of the test: one figure it reads from the school count of the municipality."""

    kind = "probe"
    title = "Пробный отчёт"
    values: ClassVar[dict[int, int]] = {}

    def build(self, params: catalogue.Params) -> Document:
        if params.year not in self.values:
            raise catalogue.NoData(f"За {params.year} год нет данных для пробного отчёта.")
        document = self.document(params)
        section = document.section("Итоги")
        section.add(
            Paragraph(f"Число ОО: {self.values[params.year]}."),
            Table("Таблица 1", ["Год", "ОО"], [[str(params.year), str(self.values[params.year])]]),
            Commentary("probe.summary", "Выводы специалиста"),
        )
        document.inputs = [7, 3, 7]
        return document


class ProbeCard(Probe):
    kind = "probe_card"
    title = "Пробная карточка"
    per_school = True


@pytest.fixture(autouse=True)
def probe() -> Iterator[None]:
    catalogue.kinds()  # the real kinds first, so that ours are added beside them
    catalogue.REPORTS["probe"] = Probe
    catalogue.REPORTS["probe_card"] = ProbeCard
    Probe.values = {2026: 12}
    yield
    catalogue.REPORTS.pop("probe", None)
    catalogue.REPORTS.pop("probe_card", None)


@pytest.fixture
def quick(monkeypatch: Any) -> None:
    """Tests of the flow, not of the shapes: a PDF and a DOCX of a few bytes."""
    from reports import services_documents

    monkeypatch.setattr(
        services_documents,
        "render_pdf",
        lambda document, generated: (b"%PDF-1.4 " + document.sha256().encode(), 3),
    )
    monkeypatch.setattr(services_documents, "render_docx", lambda document, generated: b"PK docx")


@pytest.fixture
def editor(municipality: Any) -> Any:
    return UserFactory(role=Role.SPECIALIST, username="docs", municipality=municipality)


def _render(kind: str, municipality: Any, user: Any, capture: Any, school: Any = None) -> Any:
    with capture(execute=True):
        document = document_request(
            kind=kind, year=2026, municipality=municipality, school=school, user=user
        )
    document.refresh_from_db()
    return document


@pytest.mark.documents
def test_a_document_is_rendered_as_a_version_with_its_hash(
    municipality: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert first.status == DocumentStatus.DONE and first.version == 1
    assert first.inputs == [3, 7]
    assert first.pdf.read().startswith(b"%PDF") and first.docx.read().startswith(b"PK")
    assert first.pages >= 3  # title page, contents, the section
    first.pdf.seek(0)
    text = subprocess.run(
        ["pdftotext", first.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Число ОО: 12." in text and "Стр. 2 из" in text
    second = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert second.version == 2 and second.pk != first.pk
    assert second.content_sha256 == first.content_sha256  # the date does not count
    assert ReportDocument.objects.filter(kind="probe").count() == 2  # never overwritten
    Probe.values = {2026: 13}
    third = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert third.content_sha256 != first.content_sha256


@pytest.mark.documents
def test_commentaries_outlive_regenerations(
    municipality: Any, editor: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    document = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert document.params["commentaries"] == [["probe.summary", "Выводы специалиста"]]
    client = client_for(editor)
    client.post(
        reverse("reports:document_comments", args=[document.pk]),
        {"comment-probe.summary": "Рост числа ОО объясняется открытием школы."},
    )
    again = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert again.content_sha256 != document.content_sha256
    text = subprocess.run(
        ["pdftotext", again.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Рост числа ОО объясняется открытием школы." in text
    page = client.get(reverse("reports:document_detail", args=[again.pk])).content.decode()
    assert "Рост числа ОО объясняется открытием школы." in page
    third = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert third.content_sha256 == again.content_sha256


def test_a_year_without_data_says_so(
    municipality: Any, editor: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            kind="probe", year=2024, municipality=municipality, school=None, user=editor
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.message == "За 2024 год нет данных для пробного отчёта."
    assert not document.pdf
    page = client_for(editor).get(reverse("reports:document_detail", args=[document.pk]))
    assert "За 2024 год нет данных для пробного отчёта." in page.content.decode()
    with pytest.raises(CommandError, match="За 2024 год нет данных"):
        call_command("render_report", "probe", "--year", "2024", "--output", "/dev/null")


def test_a_linked_task_gets_the_document_as_evidence(
    municipality: Any, editor: Any, django_capture_on_commit_callbacks: Any, quick: None
) -> None:
    roadmap = make_roadmap(editor, municipality=municipality)
    task = make_task(roadmap, schools=[], user=editor)
    task.report_kind = "probe"
    task.deadline_text = "декабрь 2026"
    task.save()
    from roadmaps.services import occurrences_sync

    occurrences_sync(task=task)
    occurrence = task.occurrences.get(due__year=2026)
    document = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    evidence = occurrence.evidence.get()
    assert evidence.sha256 and evidence.original_name == "probe-2026-v1.pdf"
    assert "приложен к задачам дорожной карты: 1" in document.message
    _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert occurrence.evidence.count() == 1  # the same content is not filed twice
    Probe.values = {2026: 14}
    changed = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    assert occurrence.evidence.count() == 2
    assert changed.content_sha256[:16] in occurrence.evidence.order_by("-pk")[0].comment


def test_a_director_gets_only_his_own_schools_card(
    municipality: Any,
    editor: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    quick: None,
) -> None:
    mine = SchoolFactory(municipality=municipality)
    other = SchoolFactory(municipality=municipality)
    director = UserFactory(role=Role.DIRECTOR, username="dir_docs", school=mine)
    own = _render("probe_card", municipality, editor, django_capture_on_commit_callbacks, mine)
    theirs = _render("probe_card", municipality, editor, django_capture_on_commit_callbacks, other)
    municipal = _render("probe", municipality, editor, django_capture_on_commit_callbacks)
    client = client_for(director)
    assert client.get(reverse("reports:document_pdf", args=[own.pk])).status_code == 200
    assert client.get(reverse("reports:document_pdf", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:document_docx", args=[municipal.pk])).status_code == 404
    listing = client.get(reverse("reports:document_list")).content.decode()
    assert reverse("reports:document_detail", args=[own.pk]) in listing
    assert reverse("reports:document_detail", args=[theirs.pk]) not in listing
    # he may form his own card, not another school's
    response = client.post(
        reverse("reports:document_create"),
        {"kind": "probe_card", "year": 2026, "school": other.pk},
        follow=True,
    )
    assert "Выберите документ и год из списка" in response.content.decode()  # not his to pick
    assert ReportDocument.objects.filter(kind="probe_card", school=other).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:document_create"),
            {"kind": "probe_card", "year": 2026, "school": mine.pk},
        )
    assert ReportDocument.objects.filter(kind="probe_card", school=mine).count() == 2


def test_render_report_writes_the_file(municipality: Any, tmp_path: Any) -> None:
    out, err = tmp_path / "probe.docx", io.StringIO()
    call_command(
        "render_report",
        "probe",
        "--year",
        "2026",
        "--format",
        "docx",
        "--output",
        str(out),
        stderr=err,
    )
    assert out.read_bytes().startswith(b"PK")
    assert "Пробный отчёт, 2026: DOCX" in err.getvalue()
    with pytest.raises(CommandError, match="Неизвестный вид отчёта «nothing»"):
        call_command("render_report", "nothing", "--year", "2026", "--output", str(out))


def test_the_catalogue_matches_the_document_kinds_of_road_maps() -> None:
    from roadmaps.choices import DocumentKind

    shipped = {cls.kind for cls in catalogue.kinds()} - {"probe", "probe_card"}
    assert shipped <= set(DocumentKind.values)  # a task can be linked to every shipped kind
