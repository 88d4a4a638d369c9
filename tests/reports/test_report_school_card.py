"""The school card as a document: the school's stored figures of three years against the
municipality's and the mean of the similar schools *of the chosen year* (the page compares
the latest year; for the latest year the two agree), the passport of the year, the
markers; a director gets his own card only and sees no other school's figures; a year
without data says so; two builds hash alike.

Four general schools with passports of ИСБШ 80, 82, 84, 86 (all similar to one another)
and ВПР русский язык 5 класс «доля «2»» for 2024–2026, plus the municipality's rows.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from assessments.models import FiguresRun, IndicatorValue, Subject
from msoko import formatting
from msoko.choices import Role
from reports import selectors
from reports.documents.blocks import Figure
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from tests.factories import MunicipalityFactory, PassportFactory, SchoolFactory, UserFactory
from tests.reports.builders import marker

pytestmark = pytest.mark.django_db
D = Decimal

# fail shares by year: the card's school, three similar ones, the municipality
OWN = {2024: D("12.5"), 2025: D("8.25"), 2026: D("21.75")}
OTHERS = {
    2024: (D("5.0"), D("6.0"), D("7.0")),
    2025: (D("31.0"), D("32.0"), D("33.5")),  # mean 32.1666…
    2026: (D("1.0"), D("2.0"), D("3.0")),
}
MUNICIPAL = {2024: D("7.7"), 2025: D("17.35"), 2026: D("9.9")}


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    schools = [
        SchoolFactory(municipality=municipality, short_name=f"МБОУ СОШ № {k}") for k in (1, 2, 3, 4)
    ]
    for school, index in zip(schools, (80, 82, 84, 86), strict=True):
        for year in (2025, 2026):
            PassportFactory(school=school, year=year, wellbeing_index=D(index))
    russian = Subject.objects.get(code="russian")
    runs = {}
    for year in (2024, 2025, 2026):
        run = FiguresRun.objects.create(
            year=year, procedure="vpr", municipality=municipality, code_version=1
        )
        runs[year] = run
        values = [(schools[0], OWN[year]), *zip(schools[1:], OTHERS[year], strict=True)]
        rows = [
            IndicatorValue(
                run=run,
                municipality=municipality,
                level="school",
                school=school,
                year=year,
                procedure="vpr",
                subject=russian,
                grade=5,
                code="vpr.fail_share",
                value=value,
                n=40,
            )
            for school, value in values
        ]
        rows.append(
            IndicatorValue(
                run=run,
                municipality=municipality,
                level="municipality",
                year=year,
                procedure="vpr",
                subject=russian,
                grade=5,
                code="vpr.fail_share",
                value=MUNICIPAL[year],
                n=160,
            )
        )
        IndicatorValue.objects.bulk_create(rows)
    marker(schools[0], 2025, "score_peaks")
    return {"municipality": municipality, "schools": schools, "runs": runs}


def _build(world, year=2025, user=None, school=None):
    return get("school_card")().build(
        Params(
            year=year,
            municipality=world["municipality"],
            user=user,
            school=school or world["schools"][0],
        )
    )


def _text(document):
    return document.text().replace("\u00a0", " ")


def test_the_year_is_compared_with_its_own_municipal_and_similar_values(world):
    document = _build(world, 2025)
    lines = _text(document).splitlines()
    # 2023 has no value; 2024 and 2025 are the school's; the municipality and the mean of
    # the three similar schools are those of 2025, not of the latest year 2026
    assert "Русский язык, 5 кл. | Доля «2» | — | 12,5 % | 8,3 % | 17,4 % | 32,2 % | 40" in lines
    assert "21,8 %" not in "\n".join(lines)  # 2026 is after the card's year
    text = _text(document)
    assert (
        "Доля «2» (Русский язык, 5 кл.) в 2024–2025 гг. снизилась с 12,5 % до 8,3 % (−4,2 п. п.)"
        in text
    )
    assert "Обучающихся, чел. | 500" in lines
    assert "Индекс социального благополучия (ИСБШ) | 80,0" in lines
    # the run ids the figures came from (its own and the municipal rows, the similar ones)
    assert document.inputs == sorted({world["runs"][2024].pk, world["runs"][2025].pk})
    figure = next(
        b for s in document.sections for c in s.sections for b in c.blocks if isinstance(b, Figure)
    )
    rows = [[cell.replace("\u00a0", " ") for cell in row] for row in figure.chart.table.rows]
    assert rows == [["Русский язык, 5 кл.", "—", "12,5 %", "8,3 %"]]
    # the objectivity marker of 2025 is listed
    assert any(line.startswith("2025 | ") for line in lines)


def test_for_the_latest_year_the_card_agrees_with_the_page(world):
    specialist = UserFactory(
        role=Role.SPECIALIST, municipality=world["municipality"], username="spec"
    )
    page = selectors.school_card(specialist, world["schools"][0])
    series = page.rows[0].series[0]
    document = _build(world, 2026, user=specialist)
    row = next(line for line in document.text().splitlines() if line.startswith("Русский язык"))
    cells = row.split(" | ")
    assert series.municipality is not None and series.similar is not None
    assert cells[5] == formatting.percent(series.municipality)
    assert cells[6] == formatting.percent(series.similar)
    assert [formatting.percent(v) for _y, v in series.points] == cells[2:5]


def test_director_gets_his_card_only_and_no_other_school(world):
    a, b = world["schools"][0], world["schools"][1]
    director = UserFactory(role=Role.DIRECTOR, school=a, username="dir_a")
    text = _text(_build(world, 2025, user=director))
    assert "17,4 %" in text and "32,2 %" in text  # the municipal value and the similar mean
    for name in ("МБОУ СОШ № 2", "МБОУ СОШ № 3", "МБОУ СОШ № 4"):
        assert name not in text
    for value in ("31,0 %", "32,0 %", "33,5 %"):
        assert value not in text
    other = UserFactory(role=Role.DIRECTOR, school=b, username="dir_b")
    with pytest.raises(PermissionDenied):
        _build(world, 2025, user=other, school=a)


@pytest.mark.documents
def test_pdf_text_has_the_stored_figures(world):
    pdf, _pages = render_pdf(_build(world, 2025), generated="01.01.2027")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "card.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.replace("\u00a0", " ")
    for value in ("12,5 %", "8,3 %", "17,4 %", "32,2 %"):
        assert value in text


def test_year_without_data_raises_no_data(world):
    with pytest.raises(
        NoData, match=re.escape("За 2020 г. у ОО «МБОУ СОШ № 1» нет ни социального паспорта")
    ):
        _build(world, 2020)


def test_two_builds_hash_alike(world):
    assert _build(world).sha256() == _build(world).sha256()
