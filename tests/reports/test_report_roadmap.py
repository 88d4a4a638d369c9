"""The road-map report: its counts are the stored occurrences' statuses by direction, the
overdue list and the evidence are those of the year, the «500+» programmes have their own
section, a year without a road map says so, and two builds hash alike.

A road map of two directions for last year and this one (so last year's deadlines are
past whatever the day the tests run): direction A has a done deadline with two pieces of
evidence, a not-started one (overdue) and a cancelled one; direction B an in-progress
deadline past due (overdue). A school's anti-risk programme has one done deadline.
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from reports.documents.blocks import Commentary, Figure
from reports.documents.catalogue import NoData, Params, get
from reports.documents.render import render_pdf
from roadmaps.models import Evidence, Occurrence, RiskProgramme, Roadmap, Section, Task
from tests.factories import MunicipalityFactory, SchoolFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


def _task(roadmap, section, number, title):
    return Task.objects.create(
        roadmap=roadmap, section=section, number=number, title=title, deadline_text="ежегодно"
    )


def _occurrence(task, month, status, school=None):
    return Occurrence.objects.create(
        task=task,
        school=school,
        label=f"{month:02d}.{YEAR}",
        due=datetime.date(YEAR, month, 28),
        status=status,
    )


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    school = SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 7")
    other = SchoolFactory(municipality=municipality, short_name="МБОУ ООШ № 3")
    roadmap = Roadmap.objects.create(
        title="Дорожная карта повышения качества",
        municipality=municipality,
        start_year=YEAR,
        end_year=YEAR + 1,
        status="approved",
        act_number="15",
        act_date=datetime.date(YEAR - 1, 12, 20),
    )
    a = Section.objects.create(roadmap=roadmap, title="Оценка качества подготовки", order=1)
    b = Section.objects.create(roadmap=roadmap, title="Управленческие решения", order=2)
    analysis = _task(roadmap, a, "1", "Анализ результатов ВПР")
    plan = _task(roadmap, a, "2", "План-график оценочных процедур")
    decisions = _task(roadmap, b, "3", "Приказ по итогам анализа")
    done = _occurrence(analysis, 3, "done")
    late = _occurrence(plan, 2, "not_started", school=school)
    _occurrence(plan, 4, "cancelled", school=school)
    _occurrence(decisions, 5, "in_progress")
    # a deadline of next year is not this report's
    Occurrence.objects.create(
        task=analysis, label="следующий", due=datetime.date(YEAR + 1, 3, 1), status="done"
    )
    Evidence.objects.create(occurrence=done, original_name="Справка по ВПР.pdf")
    Evidence.objects.create(occurrence=done, link="https://example.org/docs/1")
    programme_map = Roadmap.objects.create(
        title="Антирисковая программа МБОУ ООШ № 3",
        municipality=municipality,
        start_year=YEAR,
        end_year=YEAR,
        status="approved",
    )
    risk = Section.objects.create(roadmap=programme_map, title="Низкая мотивация", order=1)
    measure = _task(programme_map, risk, "1", "Классные часы")
    _occurrence(measure, 6, "done", school=other)
    RiskProgramme.objects.create(school=other, year=YEAR, roadmap=programme_map)
    return {"municipality": municipality, "late": late, "roadmap": roadmap}


def _build(world, year=YEAR):
    return get("roadmap")().build(Params(year=year, municipality=world["municipality"], user=None))


def test_counts_by_direction_overdue_evidence_and_programmes(world):
    document = _build(world)
    text = document.text().replace("\u00a0", " ")  # the no-break space before «%»
    lines = text.splitlines()
    # direction A: 2 counted (the cancelled one apart), 1 done, 1 overdue, 1 cancelled
    assert "Оценка качества подготовки | 2 | 2 | 1 | 0 | 1 | 1 | 50 %" in lines
    # direction B: 1 in progress and past due
    assert "Управленческие решения | 1 | 1 | 0 | 1 | 1 | 0 | 0 %" in lines
    assert "Итого | 3 | 3 | 1 | 1 | 2 | 1 | 33 %" in lines
    assert (
        f"Выполнено 1 из 3 сроков мероприятий {YEAR} г. (33 %); в работе — 1, просрочено — 2."
        in text
    )
    # the overdue list names the task, the school and the due date
    assert (
        f"2. План-график оценочных процедур | 02.{YEAR} | МБОУ СОШ № 7 | 28.02.{YEAR} | Не начато"
        in lines
    )
    assert (
        f"3. Приказ по итогам анализа | 05.{YEAR} | отдел образования | 28.05.{YEAR} | В работе"
        in lines
    )
    # the evidence: file names and links with their dates, no contents
    added = timezone.localdate().strftime("%d.%m.%Y")
    assert (
        f"1. Анализ результатов ВПР | 03.{YEAR} | отдел образования | файл «Справка по ВПР.pdf» | {added}"
        in lines
    )
    assert "ссылка https://example.org/docs/1" in text
    assert "Ко всем выполненным срокам приложены подтверждения выполнения." in text
    assert "Выполнено менее 50 % сроков по направлениям: Управленческие решения (0 %)." in text
    # the chart of the share done by direction
    figure = next(
        b for s in document.sections for c in s.sections for b in c.blocks if isinstance(b, Figure)
    )
    assert figure.chart.table.rows == [
        ["Оценка качества подготовки", "50\u00a0%"],
        ["Управленческие решения", "0\u00a0%"],
        ["По дорожной карте в целом", "33\u00a0%"],
    ]
    # the programme is its own section, not a road map of the municipality
    assert [s.title for s in document.sections] == [
        "Общие сведения",
        "Дорожная карта «Дорожная карта повышения качества»",
        "Антирисковые программы ОО (проект «500+»)",
    ]
    assert "МБОУ ООШ № 3 | 1 | 1 | 1 | 1 | 0 | 100 %" in lines
    keys = [c.key for c in document.commentaries()]
    assert keys == ["roadmap.summary", f"roadmap.map.{world['roadmap'].pk}", "roadmap.risks"]
    assert all(isinstance(c, Commentary) for c in document.commentaries())
    assert document.inputs == []


@pytest.mark.documents
def test_pdf_text_has_the_counts(world):
    pdf, pages = render_pdf(_build(world), generated="01.01.2027")
    assert pages >= 2
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = " ".join(text.split())
    assert f"Выполнено 1 из 3 сроков мероприятий {YEAR}" in flat
    assert "Справка по ВПР.pdf" in flat
    assert f"28.02.{YEAR}" in flat


def test_year_without_road_map_raises_no_data(world):
    with pytest.raises(NoData, match=f"За {YEAR - 2} г. нет ни одной утверждённой дорожной карты"):
        _build(world, YEAR - 2)


def test_draft_road_map_is_not_reported(world):
    Roadmap.objects.filter(pk=world["roadmap"].pk).update(status="draft")
    document = _build(world)
    assert [s.title for s in document.sections][1] == "Антирисковые программы ОО (проект «500+»)"


def test_two_builds_hash_alike(world):
    assert _build(world).sha256() == _build(world).sha256()
