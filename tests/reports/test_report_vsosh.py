"""The ВсОШ report: its numbers are the stored olympiad figures, read per stage, subject and
school; its conclusions follow the rules; a year without ВсОШ figures says so; two builds
hash alike.

Written directly as the olympiad year computation stores it: two schools (one without a
social passport in 2026), the school stage in 2025 and 2026, the municipal stage in 2026.
"""

from __future__ import annotations

import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.models import FiguresRun, IndicatorValue, Subject
from reports.documents.blocks import Figure
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from tests.factories import MunicipalityFactory, SchoolFactory

pytestmark = pytest.mark.django_db
D = Decimal
CODES = (
    "vsosh.participants",
    "vsosh.winners",
    "vsosh.prizewinners",
    "vsosh.participants_per_100",
    "vsosh.winners_per_100",
    "vsosh.prizewinners_per_100",
)


def _store(run, municipality, year, stage, school, subject, values):
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            run=run,
            municipality=municipality,
            level="municipality" if school is None else "school",
            school=school,
            year=year,
            procedure="vsosh",
            subject=subject,
            part=stage,
            code=code,
            value=value,
            n=int(values[0]),
        )
        for code, value in zip(CODES, values, strict=True)
    )


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    a = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 1")
    b = SchoolFactory(municipality=municipality, short_name="МБОУ ООШ № 2")
    math = Subject.objects.get(code="math")
    physics = Subject.objects.get(code="physics")
    runs = {}
    for year in (2025, 2026):
        runs[year] = run = FiguresRun.objects.create(
            year=year, procedure="vsosh", municipality=municipality, code_version=1
        )
        grow = 0 if year == 2025 else 10
        # school stage: a has 500 pupils, b 100 (no passport in 2026)
        _store(
            run,
            municipality,
            year,
            "school",
            a,
            None,
            (D(200 + grow), D(10), D(30), D("40.0") + grow / D(5), D(2), D(6)),
        )
        b_per_100 = (D("25.0"), D(0), D(1)) if year == 2025 else (None, None, None)
        _store(run, municipality, year, "school", b, None, (D(25), D(0), D(1), *b_per_100))
        total_per_100 = (
            (D("37.5"), D("1.6667"), D("5.1667")) if year == 2025 else (D("42.0"), D(2), D(6))
        )
        _store(
            run,
            municipality,
            year,
            "school",
            None,
            None,
            (D(225 + grow), D(10), D(31), *total_per_100),
        )
        _store(
            run,
            municipality,
            year,
            "school",
            None,
            math,
            (D(150), D(10), D(20), D("25.0"), D("1.6667"), D("3.3333")),
        )
        _store(
            run,
            municipality,
            year,
            "school",
            None,
            physics,
            (D(75 + grow), D(0), D(0), D("12.5"), D(0), D(0)),
        )
    run = runs[2026]
    _store(
        run,
        municipality,
        2026,
        "municipal",
        a,
        None,
        (D(40), D(3), D(7), D("8.0"), D("0.6"), D("1.4")),
    )
    _store(
        run,
        municipality,
        2026,
        "municipal",
        None,
        None,
        (D(40), D(3), D(7), D("8.0"), D("0.6"), D("1.4")),
    )
    _store(
        run,
        municipality,
        2026,
        "municipal",
        None,
        math,
        (D(40), D(3), D(7), D("8.0"), D("0.6"), D("1.4")),
    )
    return municipality, a, b, runs


def _build(municipality, year=2026):
    return get("vsosh")().build(Params(year=year, municipality=municipality, user=None))


def test_the_numbers_are_the_stored_figures_per_stage(world):
    municipality, _a, _b, runs = world
    doc = _build(municipality)
    text = doc.text().replace("\u00a0", " ")
    assert [s.title for s in doc.sections] == [
        "Итоги олимпиады по этапам",
        "Школьный этап",
        "Муниципальный этап",
        "Выводы",
    ]
    # the stage totals, by subject and by school, as stored (per 100 to tenths)
    assert "Школьный | 235 | 10 | 31 | 42,0 | 2,0 | 6,0" in text
    assert "Муниципальный | 40 | 3 | 7 | 8,0 | 0,6 | 1,4" in text
    assert "Математика | 150 | 10 | 20 | 25,0 | 1,7 | 3,3" in text
    assert "МБОУ СОШ № 1 | 210 | 10 | 30 | 42,0 | 2,0 | 6,0" in text
    assert "МБОУ ООШ № 2 | 25 | 0 | 1 | — | — | —" in text
    assert "Показателей регионального этапа за 2026 год в портале нет" in text
    # three years: the missing 2024 reads «—», the change of the stored values is written
    assert "2024 | — | — | — | — | — | —" in text
    assert "2025 | 225 | 10 | 31 | 37,5 | 1,7 | 5,2" in text
    assert (
        "Число участников на 100 обучающихся на школьном этапе в 2025–2026 гг. выросло "
        "с 37,5 до 42,0 (+4,5) — без существенных изменений." in text
    )
    # the rules: a subject without winners and prize-winners, a school without a passport
    assert "На школьном этапе нет победителей и призёров по 1 предмету: Физика." in text
    assert "Нет социального паспорта за год" in text and "МБОУ ООШ № 2." in text
    # charts by school with the municipality's value as the reference line
    figures = [b for _, _, s in doc.numbered() for b in s.blocks if isinstance(b, Figure)]
    assert figures and all(f.chart.reference_label == "Муниципалитет" for f in figures)
    assert figures[0].chart.reference == D("42.0")
    assert {c.key for c in doc.commentaries()} == {
        "vsosh.school",
        "vsosh.municipal",
        "vsosh.conclusions",
    }
    assert doc.inputs == sorted(r.pk for r in runs.values())


def test_a_school_far_below_the_municipality_is_concluded(world):
    municipality, _a, b, _runs = world
    IndicatorValue.objects.filter(
        school=b, year=2026, part="school", code="vsosh.participants_per_100"
    ).update(value=D("15.0"))
    text = _build(municipality).text().replace("\u00a0", " ")
    assert (
        "На школьном этапе участий на 100 обучающихся меньше половины муниципального "
        "значения (42,0) в ОО: МБОУ ООШ № 2 (15,0)." in text
    )


@pytest.mark.documents
def test_the_pdf_text_carries_the_stored_figures(world):
    municipality, *_ = world
    pdf, pages = render_pdf(_build(municipality), generated="01.09.2026")
    assert pages >= 3
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vsosh.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = " ".join(text.replace("\u00a0", " ").split())
    for figure in ("235", "42,0", "37,5", "25,0", "8,0", "Физика"):
        assert figure in flat, figure


def test_a_year_without_olympiad_figures_says_so(world):
    municipality, *_ = world
    with pytest.raises(NoData, match="За 2024 год в портале нет рассчитанных показателей"):
        _build(municipality, 2024)


def test_two_builds_hash_alike(world):
    municipality, *_ = world
    assert _build(municipality).sha256() == _build(municipality).sha256()
