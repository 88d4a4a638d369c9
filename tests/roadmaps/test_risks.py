"""The «500+» work: the reference, the survey import, the anti-risk programme, progress."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from msoko import formatting
from msoko.choices import Role, UploadStatus
from msoko.uploads import upload_confirm, upload_store
from roadmaps import selectors_risks as selectors
from roadmaps import services_risks as services
from roadmaps.deadlines import occurrences, parse_deadline
from roadmaps.exports_risks import RiskTemplateExport
from roadmaps.importing_risks import parse_level, parse_value
from roadmaps.models import (
    MeasureTemplate,
    Occurrence,
    RiskDirection,
    RiskProgramme,
    RiskSource,
    RiskUpload,
    SchoolCurator,
    SchoolRisk,
    Section,
    Task,
)
from tests.factories import MunicipalityFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
HEADER = ["Логин ОО", "Риск", "Значение", "Уровень"]


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Риск-профили"
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def risk(code: str) -> RiskDirection:
    return RiskDirection.objects.get(code=code)


def profile(school: Any, year: int = YEAR) -> dict[str, tuple[Any, ...]]:
    return {
        row.risk.code: (row.value, row.level, row.selected, row.evidence, row.source)
        for row in SchoolRisk.objects.filter(school=school, year=year).select_related("risk")
    }


def import_file(user: Any, data: bytes, capture: Any, year: int = YEAR) -> RiskUpload:
    """Upload, check and confirm through the shared flow; the job runs in process."""
    upload: RiskUpload = upload_store(
        services.RISKS, user=user, filename="anketa.xlsx", data=data, year=year
    )
    if upload.status == UploadStatus.CHECKED:
        with capture(execute=True):
            upload_confirm(services.RISKS, upload_id=upload.pk, user=user)
        upload.refresh_from_db()
    return upload


# ------------------------------------------------------------------ reference data


def test_the_ten_risk_directions_of_the_project_are_loaded_valid_from_2021() -> None:
    directions = list(RiskDirection.objects.order_by("order"))
    assert len(directions) == 10
    assert directions[0].title == "Низкий уровень оснащения школы"
    assert directions[-1].title == "Низкий уровень вовлечённости родителей"
    assert {d.valid_from for d in directions} == {2021}
    assert all(d.valid_in(2021) and not d.valid_in(2020) for d in directions)
    for direction in directions:
        assert 2 <= direction.measures.count() <= 4, direction.code


def test_every_template_deadline_is_read_by_the_road_map_parser_with_dates() -> None:
    for template in MeasureTemplate.objects.all():
        schedule = parse_deadline(template.deadline_text)
        assert schedule.kind not in ("unparsed", "conditional"), template.deadline_text
        assert services.deadline_problem(template.deadline_text) == ""
        assert occurrences(schedule, YEAR, YEAR + 1), template.deadline_text


def test_template_indicators_are_documents_or_numbers_with_a_target() -> None:
    kinds = set(MeasureTemplate.objects.values_list("indicator_kind", flat=True))
    assert kinds == {"document", "number"}
    for template in MeasureTemplate.objects.filter(indicator_kind="number"):
        assert template.target_value is not None and template.comparison == "gte"
        assert template.target_unit


def test_a_template_deadline_the_parser_cannot_use_is_refused(specialist: Any) -> None:
    for phrase in ("когда получится", "по потребности", "до 1 июня 2025 г."):
        template = MeasureTemplate(risk=risk("parents"), title="Мера", deadline_text=phrase)
        with pytest.raises(ValidationError) as caught:
            services.measure_template_save(template=template, user=specialist)
        assert "deadline_text" in caught.value.message_dict


def test_a_numeric_template_needs_its_target(specialist: Any) -> None:
    template = MeasureTemplate(
        risk=risk("parents"), title="Мера", deadline_text="ежеквартально", indicator_kind="number"
    )
    with pytest.raises(ValidationError, match="целевое значение"):
        services.measure_template_save(template=template, user=specialist)


def test_a_direction_ending_before_it_starts_is_refused(specialist: Any) -> None:
    direction = risk("ovz")
    direction.valid_to = 2020
    with pytest.raises(ValidationError, match="раньше года начала"):
        services.risk_direction_save(direction=direction, user=specialist)


# ------------------------------------------------------------------ parsing cells


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (45.5, Decimal("45.50")),
        ("45,5", Decimal("45.50")),
        ("62 %", Decimal("62.00")),
        ("0,125", Decimal("0.13")),
        ("", None),
        (None, None),
    ],
)
def test_values_are_read_as_numbers_rounded_half_up(raw: Any, value: Any) -> None:
    assert parse_value(raw) == value


@pytest.mark.parametrize("raw", ["высокое", "12,5,1", "1e9", "∞"])
def test_text_is_not_a_value(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_value(raw)


def test_levels_are_the_three_words() -> None:
    assert parse_level("Высокий") == "high"
    assert parse_level(" средний уровень ") == "medium"
    assert parse_level("низкий") == "low"
    assert parse_level("") == ""
    assert parse_level("критический") is None


# ------------------------------------------------------------------ import


def test_an_imported_workbook_fills_the_profiles(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = workbook(
        [
            [school_a.login, "equipment", 62.5, "высокий"],
            [school_a.login, "Дефицит педагогических кадров", "41,2", "средний"],
            [school_b.login.upper(), "parents", "", "низкий"],
        ]
    )
    upload = import_file(specialist, data, django_capture_on_commit_callbacks)
    assert upload.status == UploadStatus.IMPORTED, upload.report
    assert profile(school_a) == {
        "equipment": (Decimal("62.50"), "high", False, "", RiskSource.IMPORT),
        "staff-shortage": (Decimal("41.20"), "medium", False, "", RiskSource.IMPORT),
    }
    assert profile(school_b) == {"parents": (None, "low", False, "", RiskSource.IMPORT)}
    assert set(SchoolRisk.objects.values_list("upload", flat=True)) == {upload.pk}
    assert upload.municipality_id == school_a.municipality_id  # the schools of the file


def test_a_reimport_of_the_year_replaces_imported_values_and_keeps_hand_choices(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = workbook(
        [
            [school_a.login, "equipment", 62.5, "высокий"],
            [school_a.login, "motivation", 55, "средний"],
            [school_a.login, "ovz", 20, "низкий"],
            [school_b.login, "parents", 70, "высокий"],
        ]
    )
    import_file(specialist, first, django_capture_on_commit_callbacks)
    # By hand: «выбран» with evidence on two imported risks, and a risk of its own.
    rows = {r.risk.code: r for r in SchoolRisk.objects.filter(school=school_a)}
    for code in ("equipment", "motivation"):
        rows[code].selected, rows[code].evidence = True, "Анкета педагогов"
        rows[code].save()
    SchoolRisk.objects.create(
        school=school_a, year=YEAR, risk=risk("parents"), level="medium", selected=True
    )
    second = workbook(
        [
            [school_a.login, "equipment", 48, "средний", "", ""],
            [school_a.login, "failure-risk", 66, "высокий", "да", "Доля «2» по ВПР"],
        ],
        header=[*HEADER, "Выбран", "Обоснование"],
    )
    import_file(specialist, second, django_capture_on_commit_callbacks)
    assert profile(school_a) == {
        # in the file: new value, the hand choice and evidence stay (cells empty)
        "equipment": (Decimal("48.00"), "medium", True, "Анкета педагогов", RiskSource.IMPORT),
        # new in the file, with «Выбран» and evidence from it
        "failure-risk": (Decimal("66.00"), "high", True, "Доля «2» по ВПР", RiskSource.IMPORT),
        # imported before, absent now: the value goes, the hand choice stays
        "motivation": (None, "", True, "Анкета педагогов", RiskSource.HAND),
        # entered by hand: the file does not speak for it
        "parents": (None, "medium", True, "", RiskSource.HAND),
        # "ovz" was imported before, absent now, nothing by hand: removed
    }
    # a school not in the second file is untouched
    assert profile(school_b) == {
        "parents": (Decimal("70.00"), "high", False, "", RiskSource.IMPORT)
    }


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["edu999999", "equipment", 50, "высокий"], "ОО с логином «edu999999» нет в реестре"),
        (["SCHOOL", "погода", 50, "высокий"], "риск «погода» не найден"),
        (["SCHOOL", "equipment", 50, "критический"], "уровень «критический» не из списка"),
        (["SCHOOL", "equipment", "много", "высокий"], "значение «много» — не число"),
        (["SCHOOL", "equipment", "", ""], "не указаны ни значение, ни уровень"),
        (["SCHOOL", "equipment", 50, "высокий", "может быть"], "ожидается «да» или «нет»"),
    ],
)
def test_bad_input_is_refused_with_its_row_and_changes_nothing(
    specialist: Any,
    school_a: Any,
    django_capture_on_commit_callbacks: Any,
    row: list[Any],
    message: str,
) -> None:
    SchoolRisk.objects.create(
        school=school_a, year=YEAR, risk=risk("equipment"), value=Decimal("10"), level="low"
    )
    before = profile(school_a)
    row = [school_a.login if cell == "SCHOOL" else cell for cell in row]
    good = [school_a.login, "motivation", 30, "низкий"]
    data = workbook([good, row], header=[*HEADER, "Выбран"])
    upload = import_file(specialist, data, django_capture_on_commit_callbacks)
    assert upload.status == UploadStatus.REJECTED
    errors = [p["text"] for p in upload.report["problems"] if p["severity"] == "error"]
    assert len(errors) == 1 and message in errors[0], errors
    assert "строка 3" in errors[0]
    assert profile(school_a) == before


def test_a_file_without_the_columns_is_refused(specialist: Any, school_a: Any) -> None:
    checked = services.risk_import_check(
        filename="f.xlsx",
        data=workbook([[school_a.login, "equipment"]], header=["Логин ОО", "Риск"]),
        year=YEAR,
        user=specialist,
    )
    assert [str(p) for p in checked.errors] == [
        "Лист «Риск-профили», строка 1: нет столбцов: «Значение», «Уровень»."
    ]


def test_the_same_school_and_risk_twice_is_an_error(specialist: Any, school_a: Any) -> None:
    data = workbook(
        [
            [school_a.login, "equipment", 50, "высокий"],
            [school_a.login, "Низкий уровень оснащения школы", 40, "средний"],
        ]
    )
    checked = services.risk_import_check(filename="f.xlsx", data=data, year=YEAR, user=specialist)
    assert len(checked.errors) == 1 and "уже есть в строке 2" in str(checked.errors[0])


def test_a_risk_not_valid_in_the_year_is_refused(specialist: Any, school_a: Any) -> None:
    RiskDirection.objects.filter(code="ovz").update(valid_to=2023)
    data = workbook([[school_a.login, "ovz", 50, "высокий"]])
    checked = services.risk_import_check(filename="f.xlsx", data=data, year=YEAR, user=specialist)
    assert "не действует в 2025 году" in str(checked.errors[0])


def test_a_bound_specialist_cannot_load_another_municipalitys_school(school_a: Any) -> None:
    other = MunicipalityFactory(name="Другой", oktmo="99999000")
    specialist = UserFactory(role=Role.SPECIALIST, username="spec-other", municipality=other)
    data = workbook([[school_a.login, "equipment", 50, "высокий"]])
    checked = services.risk_import_check(filename="f.xlsx", data=data, year=YEAR, user=specialist)
    assert "другого муниципалитета" in str(checked.errors[0])


def test_the_downloaded_template_filled_in_is_accepted(specialist: Any, school_a: Any) -> None:
    filename, _kind, content = RiskTemplateExport(specialist, YEAR).render()
    assert filename == "shablon-risk-profiley-2025.xlsx"
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Риск-профили", "Справочник"]
    sheet = book["Риск-профили"]
    assert [c.value for c in sheet[1]] == [*HEADER, "Выбран", "Обоснование"]
    reference = book["Справочник"]
    titles = [reference.cell(row=r, column=2).value for r in range(2, 12)]
    assert titles[0] == "Низкий уровень оснащения школы" and len(set(titles)) == 10
    assert reference.cell(row=2, column=4).value == school_a.login
    sheet.append([school_a.login, titles[1], 55, "высокий", "да", "Анкета"])
    buffer = io.BytesIO()
    book.save(buffer)
    checked = services.risk_import_check(
        filename="filled.xlsx", data=buffer.getvalue(), year=YEAR, user=specialist
    )
    assert not checked.problems
    assert checked.lines[0].line.selected is True


def test_the_command_checks_and_loads(specialist: Any, school_a: Any, tmp_path: Any) -> None:
    path = tmp_path / "anketa.xlsx"
    path.write_bytes(workbook([[school_a.login, "equipment", 50, "высокий"]]))
    out = io.StringIO()
    call_command("import_risks", str(path), "--year", str(YEAR), "--dry-run", stdout=out)
    assert "ничего не сохранено" in out.getvalue() and not SchoolRisk.objects.exists()
    call_command("import_risks", str(path), "--year", str(YEAR), stdout=out)
    assert profile(school_a)["equipment"][:2] == (Decimal("50.00"), "high")
    path.write_bytes(workbook([[school_a.login, "equipment", "много", "высокий"]]))
    with pytest.raises(CommandError, match="не загружен"):
        call_command("import_risks", str(path), "--year", str(YEAR), stdout=out)
    assert profile(school_a)["equipment"][:2] == (Decimal("50.00"), "high")


# ------------------------------------------------------------------ the profile by hand


def _entry(code: str, **fields: Any) -> services.RiskEntry:
    values = {"value": None, "level": "", "selected": False, "evidence": ""} | fields
    return services.RiskEntry(risk_id=risk(code).pk, **values)


def test_a_director_edits_his_schools_profile_and_no_other(
    director_a: Any, school_a: Any, school_b: Any, official: Any
) -> None:
    services.risk_profile_save(
        school=school_a,
        year=YEAR,
        user=director_a,
        entries=[_entry("parents", level="high", selected=True, evidence="Собрания пустые")],
    )
    assert profile(school_a) == {
        "parents": (None, "high", True, "Собрания пустые", RiskSource.HAND)
    }
    with pytest.raises(PermissionDenied):
        services.risk_profile_save(school=school_b, year=YEAR, user=director_a, entries=[])
    with pytest.raises(PermissionDenied):
        services.risk_profile_save(school=school_a, year=YEAR, user=official, entries=[])


def test_a_risk_cleared_on_the_page_is_removed(specialist: Any, school_a: Any) -> None:
    SchoolRisk.objects.create(school=school_a, year=YEAR, risk=risk("ovz"), level="low")
    changed = services.risk_profile_save(
        school=school_a, year=YEAR, user=specialist, entries=[_entry("ovz")]
    )
    assert changed == 1 and not SchoolRisk.objects.exists()


# ------------------------------------------------------------------ the programme


def _select(school: Any, *codes: str, year: int = YEAR) -> None:
    for code in codes:
        SchoolRisk.objects.update_or_create(
            school=school, year=year, risk=risk(code), defaults={"selected": True}
        )


def test_the_programme_has_a_section_per_selected_risk_with_the_template_measures(
    specialist: Any, school_a: Any
) -> None:
    _select(school_a, "equipment", "parents")
    SchoolRisk.objects.create(school=school_a, year=YEAR, risk=risk("ovz"), level="high")
    programme = services.risk_programme_create(
        school=school_a, year=YEAR, user=specialist, today=datetime.date(YEAR, 1, 10)
    )
    roadmap = programme.roadmap
    assert roadmap.title == f"Антирисковая программа {school_a.short_name} на 2025–2026 гг."
    assert (roadmap.start_year, roadmap.end_year) == (2025, 2026)
    assert roadmap.municipality == school_a.municipality
    sections = list(roadmap.sections.order_by("order"))
    assert [s.title for s in sections] == [risk("equipment").title, risk("parents").title]
    assert all(s.direction and s.direction.code == "1.2" for s in sections)
    for section, code in zip(sections, ("equipment", "parents"), strict=True):
        templates = list(risk(code).measures.order_by("order"))
        tasks = list(section.tasks.order_by("sort_key"))
        assert [t.title for t in tasks] == [t.title for t in templates]
        assert [t.deadline_text for t in tasks] == [t.deadline_text for t in templates]
        assert not any(t.needs_review for t in tasks)
        for task, template in zip(tasks, templates, strict=True):
            assert task.indicator_kind == template.indicator_kind
            assert task.target_value == template.target_value
            assert list(task.responsible_schools.all()) == [school_a]
            expected = len(occurrences(parse_deadline(template.deadline_text), 2025, 2026))
            assert task.occurrences.filter(school=school_a).count() == expected
    assert [t.number for t in roadmap.tasks.order_by("sort_key")] == ["1", "2", "3", "4", "5", "6"]
    linked = dict(
        SchoolRisk.objects.filter(school=school_a).values_list("risk__code", "section_id")
    )
    assert linked == {"equipment": sections[0].pk, "parents": sections[1].pk, "ovz": None}


def test_creating_the_programme_again_duplicates_nothing_and_adds_new_risks(
    specialist: Any, school_a: Any
) -> None:
    _select(school_a, "equipment")
    first = services.risk_programme_create(school=school_a, year=YEAR, user=specialist)
    counts = (Section.objects.count(), Task.objects.count(), Occurrence.objects.count())
    again = services.risk_programme_create(school=school_a, year=YEAR, user=specialist)
    assert again.pk == first.pk and RiskProgramme.objects.count() == 1
    assert (Section.objects.count(), Task.objects.count(), Occurrence.objects.count()) == counts
    _select(school_a, "motivation")
    services.risk_programme_create(school=school_a, year=YEAR, user=specialist)
    assert first.roadmap.sections.count() == 2
    added = risk("motivation").measures.count()
    assert Task.objects.count() == counts[1] + added
    # numbering goes on after the first section's tasks
    numbers = list(
        first.roadmap.tasks.filter(section__title=risk("motivation").title)
        .order_by("sort_key")
        .values_list("number", flat=True)
    )
    assert numbers == [str(counts[1] + i) for i in range(1, added + 1)]


def test_without_a_selected_risk_there_is_no_programme(specialist: Any, school_a: Any) -> None:
    SchoolRisk.objects.create(school=school_a, year=YEAR, risk=risk("ovz"), level="high")
    with pytest.raises(ValidationError, match="Не выбран ни один риск"):
        services.risk_programme_create(school=school_a, year=YEAR, user=specialist)
    assert not RiskProgramme.objects.exists()


def test_occurrences_already_past_when_the_programme_is_made_are_cancelled(
    specialist: Any, school_a: Any
) -> None:
    _select(school_a, "teacher-competence")  # «ежеквартально» among its measures
    programme = services.risk_programme_create(
        school=school_a, year=YEAR, user=specialist, today=datetime.date(YEAR, 7, 1)
    )
    quarterly = programme.roadmap.tasks.get(deadline_text="ежеквартально")
    statuses = dict(quarterly.occurrences.values_list("label", "status"))
    assert statuses["I квартал 2025"] == statuses["II квартал 2025"] == "cancelled"
    assert statuses["III квартал 2025"] == "not_started"
    assert quarterly.occurrences.get(label="I квартал 2025").comment == services.PAST_DUE_NOTE


# ------------------------------------------------------------------ progress


def _programme_with_statuses(specialist: Any, school: Any) -> RiskProgramme:
    _select(school, "qualification-system")  # до 1 сентября, ежеквартально, до 1 июня
    programme = services.risk_programme_create(
        school=school, year=YEAR, user=specialist, today=datetime.date(YEAR, 1, 1)
    )
    items = list(Occurrence.objects.filter(task__roadmap=programme.roadmap).order_by("due", "pk"))
    assert len(items) == 2 + 8 + 2
    Occurrence.objects.filter(pk__in=[o.pk for o in items[:3]]).update(status="done")
    Occurrence.objects.filter(pk=items[3].pk).update(status="in_progress")
    Occurrence.objects.filter(pk=items[4].pk).update(status="cancelled")
    return programme


def test_progress_figures_are_exact(specialist: Any, school_a: Any, school_b: Any) -> None:
    programme = _programme_with_statuses(specialist, school_a)
    SchoolRisk.objects.create(school=school_a, year=YEAR, risk=risk("ovz"), level="low")
    SchoolRisk.objects.create(school=school_b, year=YEAR, risk=risk("ovz"), level="high")
    services.curator_assign(school=school_a, curator=specialist, user=specialist)
    # Due by 30 September 2025: I–III quarter, 1 June, 1 September → 5; 3 done, 1 cancelled.
    result = selectors.programme_progress(specialist, YEAR, today=datetime.date(YEAR, 10, 1))
    assert set(result) == {school_a.pk, school_b.pk}
    a = result[school_a.pk]
    assert a.has_programme and a.roadmap_id == programme.roadmap_id
    assert (a.risks_selected, a.risks_total, a.measures) == (1, 2, 3)
    assert (a.total, a.done, a.in_progress, a.overdue) == (11, 3, 1, 1)
    assert a.percent == Decimal(300) / Decimal(11)
    assert formatting.percent(a.percent) == "27,3\u00a0%" and a.bar_percent == 27
    assert a.curator == specialist
    b = result[school_b.pk]
    assert not b.has_programme and b.percent is None and b.risks_total == 1
    assert b.curator is None


def test_the_director_sees_only_his_schools_progress(
    specialist: Any, director_a: Any, director_b: Any, school_a: Any, school_b: Any
) -> None:
    _programme_with_statuses(specialist, school_a)
    SchoolRisk.objects.create(school=school_b, year=YEAR, risk=risk("ovz"), level="high")
    assert set(selectors.programme_progress(director_a, YEAR)) == {school_a.pk}
    assert set(selectors.programme_progress(director_b, YEAR)) == {school_b.pk}
    assert selectors.programme_progress(director_b, YEAR, [school_a.pk]) == {}
    assert selectors.school_progress(director_b, school_a, YEAR) is None
    own = selectors.school_progress(director_a, school_a, YEAR)
    assert own is not None and own.total == 11


def test_a_school_without_anything_gets_an_empty_progress_when_asked(
    specialist: Any, school_a: Any
) -> None:
    item = selectors.school_progress(specialist, school_a, YEAR)
    assert item is not None and not item.has_profile and not item.has_programme


def test_progress_queries_do_not_grow_with_schools(
    specialist: Any, municipality: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(4):
        school = SchoolFactory(municipality=municipality)
        _select(school, "parents")
        services.risk_programme_create(school=school, year=YEAR, user=specialist)
    with django_assert_max_num_queries(8):
        result = selectors.programme_progress(specialist, YEAR)
    assert len(result) == 4 and all(item.total for item in result.values())


# ------------------------------------------------------------------ curators


def test_curators_change_and_the_history_is_kept(specialist: Any, school_a: Any) -> None:
    other = UserFactory(role=Role.OFFICIAL, username="head", last_name="Громов")
    services.curator_assign(
        school=school_a, curator=specialist, user=specialist, since=datetime.date(2025, 1, 9)
    )
    services.curator_assign(school=school_a, curator=other, user=specialist)
    assert SchoolCurator.objects.get(school=school_a).user == other
    history = selectors.curator_history(school_a)
    assert [h.since for h in history][1] == datetime.date(2025, 1, 9)
    assert [h.removed for h in history] == [False, False]
    services.curator_remove(school=school_a, user=specialist)
    assert not SchoolCurator.objects.exists()
    assert len(selectors.curator_history(school_a)) == 3


def test_a_curator_is_a_person_of_that_municipalitys_department(
    specialist: Any, school_a: Any, director_a: Any
) -> None:
    other = MunicipalityFactory(name="Другой", oktmo="99999000")
    stranger = UserFactory(role=Role.SPECIALIST, username="stranger", municipality=other)
    for person in (stranger, director_a):
        with pytest.raises(ValidationError):
            services.curator_assign(school=school_a, curator=person, user=specialist)
    with pytest.raises(PermissionDenied):
        services.curator_assign(school=school_a, curator=specialist, user=director_a)
