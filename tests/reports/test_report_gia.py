"""The ГИА report: its numbers are the stored ЕГЭ / ОГЭ figures, its conclusions follow the
rules, a year without ГИА figures says so, and two builds hash alike.

A small municipality written directly as the figures jobs store it: two schools, ЕГЭ
русский язык in 2025 and 2026, the «ege» year run (graduates, medalists, one unconfirmed
medal with its reason in the run's sources), ОГЭ математика in 2025 and 2026.
"""

from __future__ import annotations

import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.models import FiguresRun, IndicatorValue
from assessments.services.graduates import MEDAL_OUTCOME
from reports.documents.blocks import Commentary, Figure
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.reports.builders import campaign

pytestmark = pytest.mark.django_db
D = Decimal


def _rows(run, *, municipality, year, procedure, subject, grade, values):
    """IndicatorValue rows: values = {(code, school or None): (value, n)}."""
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            run=run,
            campaign=run.campaign,
            municipality=municipality,
            level="municipality" if school is None else "school",
            school=school,
            year=year,
            procedure=procedure,
            subject=subject,
            grade=grade,
            code=code,
            value=value,
            n=n,
        )
        for (code, school), (value, n) in values.items()
    )


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    a = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 1")
    b = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 2")
    ege = {
        2025: {"mean": (D("70.1234"), D("68.0"), D("69.0")), "below": (D(0), D("2.0"), D(1))},
        2026: {"mean": (D("71.46"), D("52.25"), D("61.8")), "below": (D(0), D("25.0"), D("12.5"))},
    }
    oge = {2025: (D("4.0"), D("6.0"), D("5.0")), 2026: (D("5.0"), D("30.0"), D("17.5"))}
    for year in (2025, 2026):
        of = campaign("ege", year, subject="russian", grade=11)
        run = FiguresRun.objects.create(
            campaign=of, year=year, procedure="ege", municipality=municipality, code_version=1
        )
        mean, below = ege[year]["mean"], ege[year]["below"]
        values = {}
        for index, school in enumerate((a, b, None)):
            n = (20, 20, 40)[index]
            values |= {
                ("ege.mean_test", school): (mean[index], n),
                ("ege.below_min", school): (below[index], n),
                ("ege.below_university", school): (below[index] + 5, n),
                ("ege.high_band", school): (D(10 * (index + 1)), n),
                ("ege.hundred", school): (D(1 if school is a else 0), n),
            }
        _rows(
            run,
            municipality=municipality,
            year=year,
            procedure="ege",
            subject=of.subject,
            grade=11,
            values=values,
        )
        of = campaign("oge", year, subject="math", grade=9)
        run = FiguresRun.objects.create(
            campaign=of, year=year, procedure="oge", municipality=municipality, code_version=1
        )
        values = {}
        for index, school in enumerate((a, b, None)):
            n = (20, 20, 40)[index]
            values |= {
                ("oge.participants", school): (D(n), n),
                ("oge.fail_share", school): (oge[year][index], n),
                ("oge.quality", school): (D("55.5"), n),
                ("oge.mean_mark", school): (D("3.6543"), n),
            }
        _rows(
            run,
            municipality=municipality,
            year=year,
            procedure="oge",
            subject=of.subject,
            grade=9,
            values=values,
        )
    year_run = FiguresRun.objects.create(
        year=2026,
        procedure="ege",
        municipality=municipality,
        code_version=1,
        sources=[
            {
                "kind": MEDAL_OUTCOME,
                "school": b.pk,
                "participant_code": "110077",
                "medal": "first",
                "confirmed": False,
                "reasons": ["русский язык: 52 балла при необходимых 70"],
            },
            {
                "kind": MEDAL_OUTCOME,
                "school": a.pk,
                "participant_code": "110001",
                "medal": "first",
                "confirmed": True,
                "reasons": [],
            },
        ],
    )
    values = {
        ("ege.graduates", a): (D(20), 20),
        ("ege.graduates", b): (D(20), 20),
        ("ege.graduates", None): (D(40), 40),
        ("ege.graduates_220", a): (D(15), 20),
        ("ege.graduates_220", b): (D(5), 20),
        ("ege.graduates_220", None): (D(10), 40),
        ("ege.above_min_3", a): (D(50), 20),
        ("ege.above_min_3", b): (D(25), 20),
        ("ege.above_min_3", None): (D("37.5"), 40),
        ("ege.medalists", a): (D(1), 1),
        ("ege.medalists", b): (D(1), 1),
        ("ege.medalists", None): (D(2), 2),
        ("ege.medalists_unconfirmed", a): (D(0), 1),
        ("ege.medalists_unconfirmed", b): (D(100), 1),
        ("ege.medalists_unconfirmed", None): (D(50), 2),
    }
    _rows(
        year_run,
        municipality=municipality,
        year=2026,
        procedure="ege",
        subject=None,
        grade=None,
        values=values,
    )
    return municipality, a, b


def _build(municipality, year=2026):
    return get("gia")().build(Params(year=year, municipality=municipality, user=None))


def test_the_numbers_are_the_stored_figures_and_the_rules_conclude(world):
    municipality, _a, _b = world
    doc = _build(municipality)
    text = doc.text().replace("\u00a0", " ")  # no-break spaces before units read as spaces
    # ЕГЭ by school and the municipality, formatted by the one rule
    assert "МБОУ СОШ № 1 | 20 | 71,5 | 0,0 % | 5,0 % | 10,0 % | 1" in text
    assert "МБОУ СОШ № 2 | 20 | 52,3 | 25,0 % | 30,0 % | 20,0 % | 0" in text
    assert "Русский язык | 40 | 61,8 | 12,5 % | 17,5 % | 30,0 % | 0" in text
    # the dynamics: 1,0 % → 12,5 % below the minimum is negative, and listed in the conclusions
    sentence = (
        "Доля участников ниже минимального балла для аттестата по предмету «Русский язык» "
        "в 2025–2026 гг. выросла с 1,0 % до 12,5 % (+11,5 п. п.) — негативная динамика."
    )
    assert sentence in text
    assert f"ЕГЭ: {sentence}" in text
    # a school 10 points or more above the municipality's share below the minimum
    assert "МБОУ СОШ № 2 (25,0 %)" in text
    # ОГЭ: the share of «2» up by 12,5 points (ФИОКО: negative), the school above the rest
    assert "МБОУ СОШ № 2 | 20 | 30,0 % | 55,5 % | 3,65 | +24,0" in text
    assert "выросла с 5,0 % до 17,5 % (+12,5 п. п.) — негативная динамика." in text
    # graduates: counts back from the stored shares
    assert "МБОУ СОШ № 1 | 20 | 3 | 15,0 % | 10 | 50,0 %" in text
    assert "Муниципалитет | 40 | 4 | 10,0 % | 15 | 37,5 %" in text
    # medalists and the unconfirmed medal with its reason from the run's sources
    assert "не подтвердили медаль результатами ЕГЭ — 1 (50,0 %)" in text
    assert "МБОУ СОШ № 2 | 110077 | I степени | русский язык: 52 балла при необходимых 70" in text
    assert "110001" not in text  # a confirmed medal is not listed
    assert (
        "Медаль не подтвердили результатами ЕГЭ 1 из 2 медалистов (50,0 %): МБОУ СОШ № 2." in text
    )
    # the note on what the portal does not hold; the charts and commentaries
    assert "не получивших аттестат, портал не хранит" in text
    keys = {c.key for c in doc.commentaries()}
    assert {"gia.ege.summary", "gia.ege.russian", "gia.oge.math", "gia.conclusions"} <= keys
    figures = [b for _, _, s in doc.numbered() for b in s.blocks if isinstance(b, Figure)]
    assert len(figures) == 4  # by subject × 2 procedures, by school × 2 subjects
    runs = set(FiguresRun.objects.filter(municipality=municipality).values_list("pk", flat=True))
    assert doc.inputs == sorted(runs)


@pytest.mark.documents
def test_the_pdf_text_carries_the_stored_figures(world):
    municipality, _a, _b = world
    doc = _build(municipality)
    pdf, pages = render_pdf(doc, generated="01.09.2026")
    assert pages >= 3
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gia.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = " ".join(text.replace("\u00a0", " ").split())
    for figure in ("71,5", "52,3", "61,8", "12,5 %", "37,5 %", "110077", "3,65", "17,5 %"):
        assert figure.replace("\u00a0", " ") in flat, figure


def test_a_year_without_gia_figures_says_so(world):
    municipality, _a, _b = world
    with pytest.raises(
        NoData, match="За 2020 год в портале нет рассчитанных показателей ЕГЭ и ОГЭ"
    ):
        _build(municipality, 2020)


def test_two_builds_hash_alike(world):
    municipality, _a, _b = world
    assert _build(municipality).sha256() == _build(municipality).sha256()
    assert all(isinstance(c, Commentary) for c in _build(municipality).commentaries())
