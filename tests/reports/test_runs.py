"""Identification runs over stored figures (reports/services.py, reports/protocols.py).

The municipality of tests/reports/builders.py: 30 general schools over 2024–2026 with the
year shares of «2» of ВПР and ОГЭ, where W1, W2, W3 are high in at least 2 of 3 years, O
once, and S high with fewer than 10 participants; the cuts are computed there by hand.
"""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from assessments.models import IndicatorValue
from assessments.objectivity import MARKER_NAMES
from msoko.choices import JobStatus, Role
from msoko.models import Job
from reports.choices import EntryOrigin, ListStatus, RunStatus
from reports.models import IdentificationRule, IdentificationRun, RuleVersion, SchoolList
from reports.protocols import ProtocolXlsx, protocol_lines
from reports.services import (
    RuleError,
    identification_request,
    identification_run,
    identification_run_now,
    list_confirm,
    list_entry_set,
    protocol_build,
    protocol_hash,
    rule_version_create,
    rule_version_update,
)
from schools.models import SocialPassport
from schools.services import wellbeing_recompute
from tests.conftest import require_service
from tests.factories import MunicipalityFactory, PassportFactory, SchoolFactory, UserFactory
from tests.reports.builders import CUTS, HIGH, YEARS, World, campaign, marker, planted_world

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = 2026
ACT_DATE = datetime.date(2026, 12, 1)


@pytest.fixture
def world(municipality: Any) -> World:
    return planted_world(municipality)


@pytest.fixture
def v1() -> RuleVersion:
    """«ШНОР — базовое правило», version 1, as the data migration shipped it."""
    return RuleVersion.objects.get(rule__code="shnor_basic", version=1)


@pytest.fixture
def quick_pdf(monkeypatch: Any) -> None:
    """The tests that do not read the PDF skip WeasyPrint (about 2 s a run)."""
    monkeypatch.setattr(
        "reports.protocols.ProtocolPdf.render",
        lambda self: ("protokol.pdf", "application/pdf", b"%PDF-1.7 test"),
    )


def run_now(version: RuleVersion, world: World, year: int = YEAR) -> IdentificationRun:
    run = identification_run_now(
        version=version, municipality=world.municipality, year=year, user=None
    )
    run.refresh_from_db()
    return run


def outcomes(run: IdentificationRun, world: World) -> dict[str, str]:
    """Planted key → outcome, for the lines that are not «не отобрана»."""
    return {
        world.key_of(line["school_id"]): line["outcome"]
        for line in run.protocol["schools"]
        if line["outcome"] != "not_listed"
    }


def included(school_list: SchoolList, world: World) -> set[str]:
    return {world.key_of(e.school_id) for e in school_list.entries.all() if e.included}


# --- the default rule over the generated municipality ------------------------------------


def test_the_default_rule_lists_exactly_the_planted_schools(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    assert run.status == RunStatus.DONE and run.finished_at is not None
    assert outcomes(run, world) == {"W1": "listed", "W2": "listed", "W3": "listed"}
    assert run.listed == 3
    assert run.protocol["totals"] == {
        "schools": 30,
        "listed": 3,
        "separate": 0,
        "excluded": 0,
        "not_listed": 27,
    }
    assert run.protocol["missing"] == []
    assert run.protocol["rule"]["code"] == "shnor_basic" and run.protocol["rule"]["version"] == 1
    names = [line["name"] for line in run.protocol["schools"]]
    assert names == sorted(names) and "МБДОУ Детский сад № 1" not in names
    assert included(run.school_list, world) == {"W1", "W2", "W3"}
    assert run.school_list.status == ListStatus.DRAFT


def test_the_protocol_keeps_every_value_n_cut_and_verdict(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    for line in run.protocol["schools"]:
        key = world.key_of(line["school_id"])
        assert [c["code"] for c in line["checks"]] == ["K1", "K2"]
        for check, procedure in zip(line["checks"], ("vpr", "oge"), strict=True):
            assert [y["year"] for y in check["years"]] == list(YEARS)
            for cell in check["years"]:
                value, n = world.value(key, procedure, cell["year"])
                assert (D(cell["value"]), cell["n"]) == (value, n), (key, procedure, cell)
                if key == "S":  # 6 and 4 participants: the year does not count
                    assert cell["cut"] is None and cell["met"] is None
                    assert cell["note"] == "участников меньше 10"
                    continue
                assert cell["cut"] == CUTS[(procedure, cell["year"])]
                assert cell["met"] is (key in HIGH[(procedure, cell["year"])]), (key, cell)
            assert check["met_years"] == sum(1 for y in check["years"] if y["met"])
            assert check["met"] is (check["met_years"] >= 2)
        assert line["met"] == [c["code"] for c in line["checks"] if c["met"]]
    by_key = {world.key_of(line["school_id"]): line for line in run.protocol["schools"]}
    assert [c["met_years"] for c in by_key["O"]["checks"]] == [1, 1]  # high only once
    assert by_key["O"]["outcome"] == "not_listed"
    w1 = by_key["W1"]["checks"][0]["years"][0]
    assert w1 == {
        "year": 2024,
        "value": "30",
        "n": 50,
        "cut": "11.4",
        "figure": None,
        "met": True,
        "note": "",
    }


def test_the_protocol_names_the_figures_runs_it_read(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    rows = run.protocol["inputs"]["runs"]
    assert {r["id"] for r in rows} == {r.pk for r in world.runs.values()}
    assert [(r["year"], r["procedure"]) for r in rows] == [
        (y, p) for y in YEARS for p in ("oge", "vpr")
    ]
    assert rows[0]["campaign"] == "ОГЭ: показатели 2024 года" and rows[0]["code_version"] == 1


# --- objectivity markers -----------------------------------------------------------------


def test_a_raised_marker_is_flagged_under_v1_and_excluded_under_a_version_that_excludes(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    marker(world.schools["W1"], 2026, "score_peaks")
    marker(world.schools["W1"], 2025, "hard_over_basic")
    marker(world.schools["N01"], 2026, "score_peaks", raised=False)  # looked at, not raised
    marker(world.schools["W2"], 2022, "score_peaks")  # before the years the rule reads

    flagged = run_now(v1, world)
    lines = {world.key_of(line["school_id"]): line for line in flagged.protocol["schools"]}
    assert lines["W1"]["outcome"] == "listed"
    assert lines["W1"]["markers"] == ["hard_over_basic", "score_peaks"]
    assert lines["W1"]["flags"] == [MARKER_NAMES["hard_over_basic"], MARKER_NAMES["score_peaks"]]
    assert lines["N01"]["markers"] == [] and lines["N01"]["flags"] == []
    assert lines["W2"]["markers"] == [] and lines["W2"]["outcome"] == "listed"
    entry = flagged.school_list.entries.get(school=world.schools["W1"])
    assert entry.included and entry.flags == lines["W1"]["flags"]

    v2 = rule_version_create(
        rule=v1.rule,
        definition={**v1.definition, "markers": "exclude"},
        note="Без ОО с маркерами",
        user=None,
    )
    excluded = run_now(v2, world)
    assert outcomes(excluded, world) == {"W1": "excluded", "W2": "listed", "W3": "listed"}
    assert excluded.listed == 2 and excluded.protocol["totals"]["excluded"] == 1
    assert included(excluded.school_list, world) == {"W2", "W3"}
    entry = excluded.school_list.entries.get(school=world.schools["W1"])
    assert not entry.included and entry.outcome == "excluded"


# --- the protocol's hash -----------------------------------------------------------------


def test_a_rerun_gives_the_same_protocol_and_hash_until_a_stored_value_changes(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    first, second = run_now(v1, world), run_now(v1, world)
    assert first.pk != second.pk
    assert first.protocol == second.protocol
    assert first.protocol_sha256 == second.protocol_sha256
    assert len(first.protocol_sha256) == 64
    assert protocol_hash(first.protocol) == first.protocol_sha256  # as stored, read back
    assert protocol_build(v1, world.municipality, YEAR) == first.protocol

    IndicatorValue.objects.filter(
        school=world.schools["N01"], code="vpr.fail_share_year", year=2026
    ).update(value=D("7.5"))
    third = run_now(v1, world)
    assert third.protocol_sha256 != first.protocol_sha256
    assert outcomes(third, world) == outcomes(first, world)  # the same list, other figures


def test_running_a_finished_run_again_changes_nothing(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    again = identification_run(run_id=run.pk)
    assert again.protocol_sha256 == run.protocol_sha256
    assert SchoolList.objects.filter(run=run).count() == 1


# --- rule versions -----------------------------------------------------------------------


def _changed(definition: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = {**definition, "criteria": [dict(c) for c in definition["criteria"]]}
    changed["criteria"][0].update(changes)
    return changed


def test_a_used_version_is_never_edited(world: World, v1: RuleVersion, quick_pdf: None) -> None:
    run_now(v1, world)
    before = RuleVersion.objects.get(pk=v1.pk)
    with pytest.raises(RuleError) as refused:
        rule_version_update(
            version=v1, definition=_changed(v1.definition, value="80"), note="Порог 80", user=None
        )
    assert refused.value.problems == [
        "Версия 1 правила «ШНОР — базовое правило» уже применялась: её нельзя изменить. "
        "Сохраните изменения как новую версию."
    ]
    after = RuleVersion.objects.get(pk=v1.pk)
    assert (after.definition, after.note) == (before.definition, before.note)


def test_a_new_version_is_made_and_an_identical_one_refused(v1: RuleVersion) -> None:
    user: Any = UserFactory(role=Role.SPECIALIST, username="rule-author")
    with pytest.raises(RuleError, match="Версия 1 уже такая"):
        rule_version_create(rule=v1.rule, definition=dict(v1.definition), note="", user=user)
    v2 = rule_version_create(
        rule=v1.rule,
        definition=_changed(v1.definition, value="80,0", weight=2),
        note="  Порог 80  ",
        user=user,
    )
    assert v2.version == 2 and v2.note == "Порог 80" and v2.created_by == user
    assert v2.definition["criteria"][0]["value"] == "80.0"  # stored in the normal form
    assert v2.definition["criteria"][0]["weight"] == "2"
    with pytest.raises(RuleError, match="Версия 2 уже такая"):
        rule_version_create(rule=v1.rule, definition=v2.definition, note="", user=user)
    # a version no run has used may still be corrected
    corrected = rule_version_update(
        version=v2, definition=_changed(v1.definition, value="85"), note="Порог 85", user=user
    )
    assert corrected.definition["criteria"][0]["value"] == "85"
    assert list(v1.rule.versions.values_list("version", flat=True)) == [2, 1]


BAD_DEFINITIONS = {
    "no criteria": (
        lambda d: {**d, "criteria": []},
        ["В правиле нет ни одного критерия: добавьте хотя бы один."],
    ),
    "unknown code": (
        lambda d: _changed(d, indicator="vpr.unknown"),
        ["Критерий K1: показатель «vpr.unknown» не найден в каталоге."],
    ),
    "percentile 120": (
        lambda d: _changed(d, value="120"),
        ["Критерий K1: процентиль должен быть от 0 до 100, указано 120."],
    ),
    "K > criteria": (
        lambda d: {**d, "combine": "at_least", "k": 3},
        ["«Не менее K критериев»: K = 3 больше числа критериев (2)."],
    ),
}


@pytest.mark.parametrize("case", list(BAD_DEFINITIONS))
def test_a_bad_definition_makes_no_version(v1: RuleVersion, case: str) -> None:
    make, problems = BAD_DEFINITIONS[case]
    with pytest.raises(RuleError) as refused:
        rule_version_create(rule=v1.rule, definition=make(v1.definition), note="", user=None)
    assert refused.value.problems == problems
    assert str(refused.value) == " ".join(problems)
    assert v1.rule.versions.count() == 1
    with pytest.raises(RuleError):  # nor is an unused version changed into it
        v2 = rule_version_create(
            rule=v1.rule, definition=_changed(v1.definition, value="80"), note="", user=None
        )
        rule_version_update(version=v2, definition=make(v1.definition), note="", user=None)
    v2 = RuleVersion.objects.get(rule=v1.rule, version=2)
    assert v2.definition["criteria"][0]["value"] == "80"


# --- missing inputs ----------------------------------------------------------------------


def test_a_year_without_data_is_named_in_the_protocol(
    municipality: Any, v1: RuleVersion, quick_pdf: None
) -> None:
    world = planted_world(municipality, procedures=("vpr",))
    run = run_now(v1, world)
    assert run.protocol["missing"] == [
        f"K2 (ОГЭ: доля «2» за год): нет кампаний ОГЭ за {y} год." for y in YEARS
    ]
    assert outcomes(run, world) == {"W1": "listed", "W2": "listed", "W3": "listed"}  # by K1

    oge = campaign("oge", 2024, grade=9)
    run = run_now(v1, world)
    assert run.protocol["missing"][0] == (
        f"K2 (ОГЭ: доля «2» за год): за 2024 год нет рассчитанных показателей по "
        f"{municipality.name} — кампании: {oge} (пересчитайте показатели)."
    )
    assert run.protocol["missing"][1:] == [
        f"K2 (ОГЭ: доля «2» за год): нет кампаний ОГЭ за {y} год." for y in (2025, 2026)
    ]


# --- the draft list and its confirmation -------------------------------------------------


def test_a_draft_list_is_reviewed_confirmed_and_then_left_alone(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    specialist: Any = UserFactory(role=Role.SPECIALIST, username="list-reviewer")
    run = run_now(v1, world)
    draft = run.school_list

    with pytest.raises(RuleError, match="Укажите причину"):
        list_entry_set(
            school_list=draft,
            school=world.schools["N01"],
            included=True,
            reason="  ",
            user=specialist,
        )
    added = list_entry_set(
        school_list=draft,
        school=world.schools["N01"],
        included=True,
        reason="Решение комиссии: низкие результаты ЕГЭ",
        user=specialist,
    )
    assert (added.origin, added.included, added.changed_by) == (EntryOrigin.ADDED, True, specialist)
    assert added.reason == "Решение комиссии: низкие результаты ЕГЭ"
    removed = list_entry_set(
        school_list=draft,
        school=world.schools["W2"],
        included=False,
        reason="Смена состава педагогов, результаты 2026 года не показательны",
        user=specialist,
    )
    assert (removed.origin, removed.included) == (EntryOrigin.RULE, False)
    with pytest.raises(RuleError, match="уже не в перечне"):
        list_entry_set(
            school_list=draft,
            school=world.schools["W2"],
            included=False,
            reason="ещё раз",
            user=None,
        )
    stranger: Any = SchoolFactory(
        municipality=MunicipalityFactory(oktmo="99999000", name="Другой МР")
    )
    with pytest.raises(RuleError, match="ОО другого муниципалитета"):
        list_entry_set(
            school_list=draft, school=stranger, included=True, reason="ошибка", user=None
        )
    assert included(draft, world) == {"W1", "W3", "N01"}

    with pytest.raises(RuleError, match="Укажите номер акта"):
        list_confirm(school_list=draft, act_number=" ", act_date=ACT_DATE, user=specialist)
    confirmed = list_confirm(
        school_list=draft, act_number=" 15-о ", act_date=ACT_DATE, user=specialist
    )
    assert confirmed.status == ListStatus.CONFIRMED
    assert (confirmed.act_number, confirmed.act_date) == ("15-о", ACT_DATE)
    assert confirmed.confirmed_by == specialist and confirmed.confirmed_at is not None
    with pytest.raises(RuleError, match=r"Перечень уже утверждён \(акт № 15-о от 01\.12\.2026\)"):
        list_confirm(school_list=draft, act_number="16-о", act_date=ACT_DATE, user=specialist)
    with pytest.raises(RuleError, match="его нельзя изменить"):
        list_entry_set(
            school_list=draft,
            school=world.schools["N02"],
            included=True,
            reason="поздно",
            user=None,
        )

    rerun = run_now(v1, world)
    assert rerun.school_list.pk != draft.pk and rerun.school_list.status == ListStatus.DRAFT
    assert included(rerun.school_list, world) == {"W1", "W2", "W3"}  # the rule's, afresh
    with pytest.raises(
        RuleError, match=r"За 2026 год уже утверждён перечень .*второй утвердить нельзя"
    ):
        list_confirm(school_list=rerun.school_list, act_number="17-о", act_date=ACT_DATE, user=None)
    draft.refresh_from_db()
    assert draft.status == ListStatus.CONFIRMED and draft.act_number == "15-о"
    assert included(draft, world) == {"W1", "W3", "N01"}  # untouched by the new run


# --- the ШНСУ rule -----------------------------------------------------------------------


def test_the_shnsu_rule_lists_the_passports_marked_shnsu(
    municipality: Any, quick_pdf: None
) -> None:
    """12 general schools; the share of low-income families 40, 35, 35, 35, … gives the lowest
    ИСБШ to one school and a tie of three: ⌈12 × 25 %⌉ = 3, ties at the cut in — 4 schools."""
    low_income = (40, 35, 35, 35, 20, 18, 16, 14, 12, 10, 10, 8)
    schools = [
        SchoolFactory(municipality=municipality, short_name=f"МБОУ ООШ № {i:02d}")
        for i in range(1, len(low_income) + 1)
    ]
    for school, share in zip(schools, low_income, strict=True):
        PassportFactory(school=school, year=2025, share_low_income=D(share))
        PassportFactory(school=school, year=2024, share_low_income=D(50 - share))
    kindergarten = SchoolFactory(municipality=municipality, org_type="doo", short_name="МБДОУ № 1")
    PassportFactory(school=kindergarten, year=2025, share_low_income=D(90))
    wellbeing_recompute(municipality_id=municipality.pk)
    marked = set(
        SocialPassport.objects.filter(year=2025, is_shnsu=True).values_list("school_id", flat=True)
    )
    assert len(marked) == 4  # the data as meant: a tie at the cut

    version = RuleVersion.objects.get(rule__code="shnsu_basic", version=1)
    run = identification_run_now(version=version, municipality=municipality, year=2025, user=None)
    listed = {line["school_id"] for line in run.protocol["schools"] if line["outcome"] == "listed"}
    assert listed == marked
    assert run.protocol["missing"] == [] and run.protocol["inputs"]["passports"] == 12  # 2025 only
    assert {e.school_id for e in run.school_list.entries.filter(included=True)} == marked
    assert run.school_list.kind == "shnsu"


# --- the files ---------------------------------------------------------------------------


def test_the_pdf_of_a_run_opens_and_names_the_listed_schools(world: World, v1: RuleVersion) -> None:
    run = run_now(v1, world)
    content = run.pdf.read()
    assert content.startswith(b"%PDF")
    assert str(run.pdf.name).endswith(f"protokol-shnor_basic-v1-{YEAR}-{run.pk}.pdf")
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for key in ("W1", "W2", "W3"):
        assert world.schools[key].short_name in text
    assert "Стр. 1 из" in text


def _sheet(workbook: Any, name: str) -> list[list[Any]]:
    return [
        ["" if cell is None else cell for cell in row]
        for row in workbook[name].iter_rows(values_only=True)
    ]


def test_the_xlsx_of_a_run_holds_the_protocol(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    workbook = load_workbook(io.BytesIO(run.xlsx.read()), read_only=True)
    assert workbook.sheetnames == ["Итог", "Проверки", "Исходные данные", "Правило"]
    lines = protocol_lines(run.protocol)

    summary = _sheet(workbook, "Итог")
    assert summary[0] == ["Логин", "ОО", "Итог", "Выполнены критерии", "Сумма весов", "Отметки"]
    assert summary[1:] == [
        [
            line.login,
            line.name,
            line.outcome_label,
            ", ".join(line.met) or "—",
            line.score,
            ", ".join(line.flags),
        ]
        for line in lines
    ]
    w1 = world.schools["W1"]
    assert [w1.login, w1.short_name, "в перечне", "K1, K2", "2", ""] in summary

    checks = _sheet(workbook, "Проверки")
    assert len(checks) == 1 + 30 * 2 * 3
    first_w1 = next(row for row in checks if row[0] == w1.login)
    assert first_w1 == [
        w1.login,
        w1.short_name,
        "K1",
        2024,
        "30,0\u00a0%",
        "50",
        "",
        "11,4\u00a0%",
        "да",
        "",
        "3 из 3 (нужно 2)",
    ]
    small = world.schools["S"]
    assert [row[8] for row in checks if row[0] == small.login] == ["не учитывается"] * 6
    protocol_cells = [
        (line["login"], check["code"], y["year"], y["met"])
        for line in run.protocol["schools"]
        for check in line["checks"]
        for y in check["years"]
    ]
    verdict = {True: "да", False: "нет", None: "не учитывается"}
    assert [(r[0], r[2], r[3], r[8]) for r in checks[1:]] == [
        (login, code, year, verdict[met]) for login, code, year, met in protocol_cells
    ]

    inputs = _sheet(workbook, "Исходные данные")
    assert [row[0] for row in inputs[1:]] == [r["id"] for r in run.protocol["inputs"]["runs"]]
    about = dict((row[0], row[1]) for row in _sheet(workbook, "Правило")[1:])
    assert about["SHA-256 протокола"] == run.protocol_sha256
    assert about["Правило"] == "ШНОР — базовое правило (shnor_basic), версия 1"
    assert about["Год"] == YEAR
    assert about["Критерий K1"] == run.protocol["criteria"][0]["text"]


def test_the_xlsx_renders_the_same_from_the_stored_protocol(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    _name, _type, again = ProtocolXlsx(run, run.protocol).render()
    stored, fresh = (load_workbook(io.BytesIO(b), read_only=True) for b in (run.xlsx.read(), again))
    for name in stored.sheetnames:
        assert _sheet(stored, name) == _sheet(fresh, name), name


# --- who sees a run ----------------------------------------------------------------------


def test_a_director_reads_his_own_line_and_his_municipalitys_runs(
    world: World, v1: RuleVersion, quick_pdf: None
) -> None:
    run = run_now(v1, world)
    other: Any = MunicipalityFactory(oktmo="99999000", name="Другой муниципальный район")
    SchoolFactory(municipality=other)
    elsewhere = identification_run_now(version=v1, municipality=other, year=YEAR, user=None)
    third: Any = MunicipalityFactory(oktmo="88888000", name="Третий муниципальный район")

    director: Any = UserFactory(
        role=Role.DIRECTOR, username="director-w1", school=world.schools["W1"]
    )
    lines = protocol_lines(run.protocol, [world.schools["W1"].pk])
    assert [line.school_id for line in lines] == [world.schools["W1"].pk]
    assert lines[0].outcome_label == "в перечне" and lines[0].met == ["K1", "K2"]
    assert [c.code for c in lines[0].checks] == ["K1", "K2"]
    assert protocol_lines(run.protocol, [world.schools["N01"].pk])[0].outcome == "not_listed"

    assert list(IdentificationRun.objects.for_user(director)) == [run]
    specialist_other: Any = UserFactory(
        role=Role.SPECIALIST, username="spec-other", municipality=other
    )
    assert list(IdentificationRun.objects.for_user(specialist_other)) == [elsewhere]
    specialist_third: Any = UserFactory(
        role=Role.SPECIALIST, username="spec-third", municipality=third
    )
    assert not IdentificationRun.objects.for_user(specialist_third).exists()
    assert not SchoolList.objects.for_user(specialist_third).exists()
    assert list(SchoolList.objects.for_user(director)) == [run.school_list]


# --- the Celery job ----------------------------------------------------------------------


def test_a_requested_run_is_made_by_its_job(
    world: World, v1: RuleVersion, quick_pdf: None, django_capture_on_commit_callbacks: Any
) -> None:
    specialist: Any = UserFactory(role=Role.SPECIALIST, username="run-requester")
    with django_capture_on_commit_callbacks(execute=True):
        run = identification_request(
            version=v1, municipality=world.municipality, year=YEAR, user=specialist
        )
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job.pk) if run.job else None
    assert job is not None
    assert job.status == JobStatus.SUCCEEDED
    assert job.message == "Отбор выполнен: в перечне 3 ОО, отдельно 0, исключено 0."
    assert job.result == {"run_id": run.pk}
    assert job.created_by == specialist and job.municipality_id == world.municipality.pk
    assert run.status == RunStatus.DONE and run.listed == 3 and run.created_by == specialist
    assert included(run.school_list, world) == {"W1", "W2", "W3"}


def test_a_request_with_a_bad_year_or_rule_is_refused(world: World, v1: RuleVersion) -> None:
    with pytest.raises(RuleError, match="Год 1999 вне допустимого диапазона"):
        identification_request(version=v1, municipality=world.municipality, year=1999, user=None)
    broken = RuleVersion.objects.create(
        rule=IdentificationRule.objects.get(code="shnor_basic"),
        version=9,
        definition={**v1.definition, "criteria": []},
    )
    with pytest.raises(RuleError, match="нет ни одного критерия"):
        identification_request(
            version=broken, municipality=world.municipality, year=YEAR, user=None
        )
    assert not IdentificationRun.objects.exists() and not Job.objects.exists()
