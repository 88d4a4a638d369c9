"""The «annual» report: the quality section of the yearly report from what the portal holds."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal
from typing import Any

import pytest

from assessments.models import FiguresRun, IndicatorValue
from msoko import formatting
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from roadmaps.models import Occurrence
from tests.factories import PassportFactory, SchoolFactory
from tests.reports.builders import store
from tests.roadmaps.builders import make_roadmap, make_task

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def data(municipality: Any) -> dict[str, Any]:
    schools = [SchoolFactory(municipality=municipality) for _ in range(3)]
    SchoolFactory(municipality=municipality, org_type="doo", short_name="МБДОУ № 1")
    for school in schools:
        PassportFactory(school=school, year=2026, pupils_total=500, teachers_total=30)
        PassportFactory(school=school, year=2025, pupils_total=480)
    runs = {
        y: store(municipality, "vpr", y, {schools[0]: (v, 100), schools[1]: (v, 100)})
        for y, v in ((2025, D("8.0")), (2026, D("19.5")))
    }
    olympiad = FiguresRun.objects.create(
        year=2026, procedure="vsosh", municipality=municipality, code_version=1
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                run=olympiad,
                municipality=municipality,
                level="municipality",
                year=2026,
                procedure="vsosh",
                part="municipal",
                code=code,
                value=value,
                n=75,
            )
            for code, value in (("vsosh.participants", 75), ("vsosh.winners_per_100", D("0.4")))
        ]
    )
    roadmap = make_roadmap(start=2025, end=2027, municipality=municipality)
    task = make_task(roadmap, deadline="ежегодно, декабрь")
    occurrence = Occurrence.objects.filter(task=task, due__year=2026).first() or (
        Occurrence.objects.create(task=task, label="2026", due=datetime.date(2026, 12, 20))
    )
    occurrence.status = "done"
    occurrence.save()
    return {"municipality": municipality, "runs": runs, "olympiad": olympiad, "roadmap": roadmap}


def build(data: dict[str, Any], year: int = 2026) -> Any:
    return get("annual")().build(Params(year=year, municipality=data["municipality"], user=None))


@pytest.mark.documents
def test_what_the_portal_holds_is_filled_and_the_rest_is_said(data: dict[str, Any]) -> None:
    doc = build(data)
    text = doc.text()
    assert "СОШ | 3" in text and "Детский сад (ДОО) | 1" in text
    assert "Обучающихся, чел. | 1500" in text
    assert (
        "Число обучающихся по социальным паспортам ОО в 2025–2026 гг. выросло с 1440 до 1500"
        in (text)
    )
    assert "Педагогов, чел. | 3 | 90" in text
    assert (
        "Доля «2» по всем ВПР года в 2025–2026 гг. выросла с 8,0\u00a0% до 19,5\u00a0% "
        "(+11,5\u00a0п.\u00a0п.) — негативная динамика." in text
    )
    assert "Участий | 75" in text and "Победителей на 100 обучающихся | 0,4" in text
    assert "Перечень ШНОР за 2026 год в портале не сформирован" in text
    assert f"{data['roadmap'].title} | № 15" not in text  # no act date: the act is a dash
    assert "| 1 | 1 | 0 | 100,0\u00a0%" in text
    assert "в портале не хранятся" in text and "[annual.conclusions]" in text
    assert doc.inputs == sorted([data["runs"][2025].pk, data["runs"][2026].pk, data["olympiad"].pk])
    assert build(data).sha256() == doc.sha256()
    pdf, _pages = render_pdf(doc, generated="01.09.2026")
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "19,5" in pdf_text and "1500" in pdf_text


def test_a_year_without_passports_and_figures_says_so(data: dict[str, Any]) -> None:
    with pytest.raises(NoData, match="За 2019 год нет ни социальных паспортов ОО"):
        build(data, 2019)


def test_the_collected_indicators_get_their_section_beside_the_results(
    data: dict[str, Any],
) -> None:
    from assessments import catalogue
    from assessments.services.collected import collected_store
    from assessments.services.figures import YearValue

    share = next(
        i
        for i in catalogue.CATALOGUE.values()
        if i.collect and i.collect.derived and i.collect.target_value is not None
    )
    collect = share.collect
    assert collect is not None and collect.target_value is not None
    municipality = data["municipality"]
    below = (
        collect.target_value - 1 if collect.target_comparison == "gte" else collect.target_value + 1
    )
    runs = [
        collected_store(
            municipality_id=municipality.pk,
            year=year,
            source_key="collection:test",
            codes=[share.code],
            values=[YearValue(code=share.code, value=value, n=40)],
            sources=[],
        )
        for year, value in ((2025, below + D("0.5")), (2026, below))
    ]
    doc = build(data)
    text = doc.text()
    assert "Мониторинг по направлениям (данные, собранные от ОО)" in text
    line = next(row for row in text.splitlines() if row.startswith(share.name))
    assert "не выполнено" in line and collect.target in line
    assert formatting.percent(below) in line and formatting.percent(below + D("0.5")) in line
    assert all(run is not None and run.pk in doc.inputs for run in runs)
