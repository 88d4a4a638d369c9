"""The «procedures» report: the year's campaigns with their stored participants and schools."""

from __future__ import annotations

import datetime
import subprocess
from typing import Any

import pytest

from assessments.models import CampaignFigures, FiguresRun, IndicatorValue
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from tests.factories import SchoolFactory
from tests.reports.builders import campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(municipality: Any) -> dict[str, Any]:
    schools = [SchoolFactory(municipality=municipality) for _ in range(3)]
    vpr = campaign("vpr", 2026, subject="math", grade=5)
    vpr.date = datetime.date(2026, 4, 15)
    vpr.save()
    ege = campaign("ege", 2026, subject="russian", grade=11)
    run = FiguresRun.objects.create(
        campaign=vpr,
        year=2026,
        procedure="vpr",
        municipality=municipality,
        code_version=1,
        participants=1234,
    )
    CampaignFigures.objects.bulk_create(
        [CampaignFigures(run=run, school=s, kind="marks", data={}) for s in schools]
        + [CampaignFigures(run=run, school=None, kind="marks", data={})]
    )
    olympiad = FiguresRun.objects.create(
        year=2026, procedure="vsosh", municipality=municipality, code_version=1
    )
    IndicatorValue.objects.create(
        run=olympiad,
        municipality=municipality,
        level="municipality",
        year=2026,
        procedure="vsosh",
        part="municipal",
        code="vsosh.participants",
        value=321,
        n=321,
    )
    return {"municipality": municipality, "vpr": vpr, "ege": ege, "run": run, "olympiad": olympiad}


def build(data: dict[str, Any], year: int = 2026) -> Any:
    return get("procedures")().build(
        Params(year=year, municipality=data["municipality"], user=None)
    )


@pytest.mark.documents
def test_the_campaigns_are_listed_with_their_stored_participants(year: dict[str, Any]) -> None:
    doc = build(year)
    text = doc.text()
    assert "В 2026 году в портале — 2 оценочных кампаний: ВПР — 1; ЕГЭ — 1." in text
    assert "1 | Математика | 5 | 15.04.2026 | 1234 | 3" in text
    assert "1 | Русский язык | 11 | — | — | —" in text
    assert "Показатели не рассчитаны для муниципалитета" in text and str(year["ege"]) in text
    assert "Муниципальный этап | 321 | 0" in text
    assert doc.inputs == sorted([year["run"].pk, year["olympiad"].pk])
    assert build(year).sha256() == doc.sha256()
    pdf, _pages = render_pdf(doc, generated="01.09.2026")
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "1234" in pdf_text and "15.04.2026" in pdf_text


def test_a_year_without_campaigns_says_so(year: dict[str, Any]) -> None:
    with pytest.raises(NoData, match="За 2019 год в портале нет ни одной оценочной кампании"):
        build(year, 2019)
