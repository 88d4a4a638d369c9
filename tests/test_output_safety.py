"""Nothing we write can run: no user text becomes a formula in an xlsx or CSV we produce,
and a stored link that is not http(s) is never a link on a page."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.services.campaigns import CampaignTemplate
from msoko.exports import (
    csv_bytes,
    csv_text,
    xlsx_bytes,
    xlsx_cell,
    xlsx_formula,
    xlsx_put,
)
from roadmaps.exports import RoadmapTableExport
from roadmaps.models import CycleAssessment, Direction, ElementScore
from roadmaps.services import cycle_assessment_create
from schools.registry import SCHOOL_SHEET, registry_template
from tests.assessments.matrix_campaigns import make_campaign
from tests.roadmaps.builders import make_roadmap, make_task

EVIL = '=HYPERLINK("http://x","y")'
FORMULA_RE = re.compile(rb"<f>(.*?)</f>", re.S)


def formulas(content: bytes) -> list[str]:
    """Every <f> of every sheet of an xlsx, straight from the XML openpyxl wrote."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                found += [f.decode() for f in FORMULA_RE.findall(archive.read(name))]
    return found


def string_cells(content: bytes, text: str) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]


# ------------------------------------------------------------------ xlsx


@pytest.mark.django_db
def test_collection_template_keeps_formula_like_variants_and_task_numbers_as_text() -> None:
    campaign = make_campaign(tasks=[("1", 2, "Б", ""), ("=1+1", 1, "Б", "")])
    campaign.variants = f"1, 2, {EVIL}"
    campaign.save()
    _name, _type, content = CampaignTemplate(campaign, school_label="=cmd|' /C calc'!A0").render()

    found = formulas(content)
    # Only our own «Итого баллов» formulas: one per row to fill, all SUM of the row.
    assert found and all(re.fullmatch(r"SUM\([A-Z]+\d+:[A-Z]+\d+\)", f) for f in found)
    for text in ("=HYPERLINK", "=1+1", "=cmd"):
        cells = string_cells(content, text)
        assert cells, text
        assert all(cell.data_type == "s" for cell in cells)
    book = load_workbook(io.BytesIO(content))
    assert "=1+1 (1б)" in [cell.value for cell in book["Протокол"][3]]
    # The drop-down lists still point at «Служебный».
    rules = [dv.formula1 for dv in book["Протокол"].data_validations.dataValidation]
    # 1, 2, the two halves of the HYPERLINK (the comma splits variants), отсутствовал
    assert "'Служебный'!$A$2:$A$6" in rules


def test_registry_template_keeps_prefilled_text_as_text() -> None:
    row = ["edu000001", EVIL, "@SUM(1)", "+1", "-1"]
    content = registry_template({SCHOOL_SHEET.name: [row]})
    assert formulas(content) == []
    cells = string_cells(content, "HYPERLINK")
    assert [cell.data_type for cell in cells] == ["s"]
    # The registry's drop-down lists are still there.
    sheet = load_workbook(io.BytesIO(content))[SCHOOL_SHEET.name]
    assert sheet.data_validations.dataValidation


def test_xlsx_export_writes_formula_like_text_and_control_characters_as_text() -> None:
    content = xlsx_bytes([("Лист", [EVIL, "Имя"], [[EVIL, "a\x07b"], [1, None]])])
    assert formulas(content) == []
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == EVIL and sheet["A1"].data_type == "s"
    assert sheet["A2"].value == EVIL and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "ab"  # XML cannot hold \x07; the export does not fail for it
    assert sheet["A3"].value == 1 and sheet["A3"].data_type == "n"


def test_only_xlsx_formula_writes_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    xlsx_put(sheet, 1, 1, "=A2")
    sheet.append([xlsx_cell(sheet, "=A3", bold=True)])
    xlsx_formula(sheet, 3, 1, "=SUM(A1:A2)")
    with pytest.raises(ValueError):
        xlsx_formula(sheet, 4, 1, "SUM(A1:A2)")
    out = io.BytesIO()
    book.save(out)
    assert formulas(out.getvalue()) == ["SUM(A1:A2)"]


@pytest.mark.django_db
def test_roadmap_exports_keep_a_formula_like_task_as_text(specialist: Any) -> None:
    roadmap = make_roadmap(specialist)
    make_task(roadmap, "1", title=EVIL, user=specialist)
    export = RoadmapTableExport(roadmap, specialist)
    _name, _type, content = export.render("xlsx")
    assert formulas(content) == []
    assert [cell.data_type for cell in string_cells(content, "HYPERLINK")] == ["s"]
    _name, _type, text = export.render("csv")
    assert f"'{EVIL}".replace('"', '""') in text.decode("utf-8-sig")


@pytest.mark.django_db
def test_list_export_as_csv_quotes_formula_like_cells(
    client_for: Any, specialist: Any, municipality: Any
) -> None:
    from tests.factories import SchoolFactory

    SchoolFactory(municipality=municipality, short_name="@SUM(1+1)*cmd")
    response = client_for(specialist).get(reverse("schools:school_list") + "?export=csv")
    assert response.status_code == 200
    assert "'@SUM(1+1)*cmd" in response.content.decode("utf-8-sig")


# ------------------------------------------------------------------ csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12,5", "-12,5"),  # a negative figure is a number to Excel, not a formula
        ("+3", "+3"),
        ("-12\u202f345,5", "-12\u202f345,5"),
        ("-1\n=cmd", "'-1\n=cmd"),
        ("-1 -1", "'-1 -1"),
        ("СОШ № 1", "СОШ № 1"),
        (5, 5),
        (None, None),
    ],
)
def test_csv_cells_that_start_like_a_formula_get_a_quote(value: Any, written: Any) -> None:
    assert csv_text(value) == written


def test_csv_header_is_quoted_too() -> None:
    text = csv_bytes(["=h"], [["=v"]]).decode("utf-8-sig")
    assert text.splitlines() == ["'=h", "'=v"]


@pytest.mark.django_db
def test_export_campaign_stats_quotes_formula_like_school_names(school_a: Any) -> None:
    from django.core.management import call_command

    from tests.assessments.matrix_campaigns import add_pupils, compute_figures

    school_a.short_name = "=HYPERLINK(1)"
    school_a.save()
    campaign = make_campaign()
    add_pupils(campaign, school_a, [("a1", [2, 1, 3, 2], 5)])
    compute_figures(campaign)
    out = io.StringIO()
    call_command("export_campaign_stats", stdout=out)
    assert ";'=HYPERLINK(1);" in out.getvalue()


# ------------------------------------------------------------------ links


BAD_LINKS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/relative/path",
    "example.org/doc.pdf",
    "//example.org/doc.pdf",
    "http:/example.org",
    "https://",
    "ftp://example.org/file",
]


@pytest.fixture
def assessment(specialist: Any) -> CycleAssessment:
    return cycle_assessment_create(
        direction=Direction.objects.get(code="1.1"), year=2026, user=specialist
    )


def _cycle_post(assessment: CycleAssessment, links: str) -> dict[str, Any]:
    from roadmaps.choices import CycleElement

    data: dict[str, Any] = {"comment": ""}
    for element, _label in CycleElement.choices:
        data[f"score_{element}"] = "0"
        data[f"comment_{element}"] = ""
        data[f"links_{element}"] = ""
    first = CycleElement.choices[0][0]
    data[f"links_{first}"] = links
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("link", BAD_LINKS)
def test_self_assessment_refuses_a_link_that_is_not_http(
    link: str, assessment: CycleAssessment, specialist: Any
) -> None:
    from roadmaps.forms import CycleForm

    form = CycleForm(_cycle_post(assessment, link), assessment=assessment, user=specialist)
    assert not form.is_valid()
    [errors] = [e for name, e in form.errors.items() if name.startswith("links_")]
    assert "http://" in errors[0] and "https://" in errors[0]


@pytest.mark.django_db
def test_self_assessment_accepts_http_links_one_per_line(
    assessment: CycleAssessment, specialist: Any
) -> None:
    from roadmaps.forms import CycleForm

    links = "https://example.org/plan.pdf\n\n  http://школа.рф/отчёт  \n"
    form = CycleForm(_cycle_post(assessment, links), assessment=assessment, user=specialist)
    assert form.is_valid(), form.errors
    first = next(iter(form.scores().values()))
    assert first["links"] == "https://example.org/plan.pdf\nhttp://школа.рф/отчёт"


@pytest.mark.django_db
def test_self_assessment_page_shows_the_refusal_in_russian(
    assessment: CycleAssessment, specialist: Any, client_for: Any
) -> None:
    url = reverse("roadmaps:cycle_update", args=[assessment.pk])
    response = client_for(specialist).post(url, _cycle_post(assessment, "javascript:alert(1)"))
    assert response.status_code == 200
    assert "начинаться с http:// или https://" in response.content.decode()
    assert not ElementScore.objects.filter(links__contains="javascript").exists()


@pytest.mark.django_db
def test_stored_bad_links_are_shown_as_text_not_as_links(
    assessment: CycleAssessment, specialist: Any, client_for: Any
) -> None:
    score = assessment.scores.first()
    assert score is not None
    score.links = "\n".join([*BAD_LINKS, "https://example.org/good"])
    score.save()
    response = client_for(specialist).get(assessment.get_absolute_url())
    html = response.content.decode()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "https://example.org/good" in hrefs
    for href in hrefs:
        assert not href.lower().lstrip().startswith(("javascript", "data", "vbscript", "ftp"))
        assert "example.org/doc.pdf" not in href
    assert "javascript:alert(1)" in html  # still readable, as plain text


@pytest.mark.django_db
def test_stored_bad_evidence_link_is_shown_as_text(
    specialist: Any, school_a: Any, client_for: Any
) -> None:
    from roadmaps.models import Evidence

    roadmap = make_roadmap(specialist)
    task = make_task(roadmap, "1", schools=[school_a], users=[specialist], user=specialist)
    occurrence = task.occurrences.first()
    assert occurrence is not None
    # Written past the form (an old row, an import): the page must still not link it.
    Evidence.objects.create(occurrence=occurrence, link="javascript:alert(1)", added_by=specialist)
    Evidence.objects.create(
        occurrence=occurrence, link="https://example.org/a", added_by=specialist
    )
    html = client_for(specialist).get(occurrence.get_absolute_url()).content.decode()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "https://example.org/a" in hrefs
    assert not [h for h in hrefs if h.startswith("javascript")]
    assert "javascript:alert(1)" in html
