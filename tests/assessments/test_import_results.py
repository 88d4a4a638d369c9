"""The results import: dry run, confirmation, all-or-nothing commit, replacement, rights."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from assessments.choices import UploadStatus
from assessments.models import (
    Campaign,
    CampaignTask,
    MappingProfile,
    OlympiadResult,
    Procedure,
    ReferenceValue,
    Result,
    ResultUpload,
    Subject,
)
from assessments.scales import Scale
from assessments.services.imports import (
    ImportOptions,
    ImportRejected,
    results_plan,
    upload_check,
    upload_confirm,
    upload_import,
)
from msoko.choices import JobStatus
from msoko.models import Job
from tests.assessments.builders import (
    DEFAULT_TASKS,
    ExamRow,
    Pupil,
    collection_xlsx,
    f1_xlsx,
    f3_marks_rows,
    rcoi_xlsx,
    sample_schools,
    vsosh_rows,
    xlsx_bytes,
)
from tests.assessments.builders import (
    School as FileSchool,
)
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def make_campaign(
    *,
    procedure: str = "vpr",
    year: int = 2026,
    subject: str = "russian",
    grade: int = 4,
    tasks: Any = DEFAULT_TASKS,
    scale: dict[str, Any] | None = None,
    locked: bool = False,
) -> Campaign:
    campaign = Campaign.objects.create(
        procedure=Procedure.objects.get(code=procedure),
        year=year,
        subject=Subject.objects.get(code=subject),
        grade=grade,
        scale=scale,
        is_locked=locked,
    )
    for order, (number, maximum, level) in enumerate(tasks, start=1):
        CampaignTask.objects.create(
            campaign=campaign, order=order, number=number, max_score=maximum, level=level
        )
    return campaign


def f1_for(*schools: Any, pupils: int = 3, **kwargs: Any) -> bytes:
    return f1_xlsx(sample_schools([s.login for s in schools], pupils), **kwargs)


def run_import(
    upload: ResultUpload,
    user: Any,
    django_capture_on_commit_callbacks: Any,
    *,
    replace_acknowledged: bool = False,
) -> Job:
    """Confirm as the web page does and let the queued task run (in process)."""
    with django_capture_on_commit_callbacks(execute=True):
        job = upload_confirm(
            upload_id=upload.pk, user=user, replace_acknowledged=replace_acknowledged
        )
    job.refresh_from_db()
    upload.refresh_from_db()
    return job


# --- dry run -----------------------------------------------------------------------------


def test_dry_run_shows_the_plan_per_school_and_writes_no_results(
    specialist: Any, school_a: Any, school_b: Any
) -> None:
    campaign = make_campaign()
    upload = upload_check(
        user=specialist, filename="f1.xlsx", data=f1_for(school_a, school_b, pupils=4)
    )
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    assert upload.format == "fisoko_f1" and upload.campaign == campaign
    assert upload.rows == 8 and len(upload.sha256) == 64 and upload.file.read()[:2] == b"PK"
    plan = {s["login"]: (s["rows"], s["existing"]) for s in upload.report["schools"]}
    assert plan == {school_a.login: (4, 0), school_b.login: (4, 0)}
    assert upload.report["campaign"] == {
        "id": campaign.pk,
        "label": str(campaign),
        "create": False,
        "locked": False,
    }
    assert Result.objects.count() == 0


def test_confirm_runs_the_job_and_stores_one_row_per_participant(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign()
    pupils = [
        Pupil(501, [2, 1, "X", 3, 0], mark=4, journal=5),
        Pupil(502, [0, 0, 0, 0, 0], mark=2, journal="нет отметки"),
        Pupil(503, [], variant="отсутствовал", mark="", journal="", primary=""),
    ]
    data = f1_xlsx([FileSchool(school_a.login, "СОШ 1", pupils)])
    upload = upload_check(user=specialist, filename="f1.xlsx", data=data)
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    job = run_import(upload, specialist, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.result["created"] == 3 and job.progress == 100
    assert upload.status == UploadStatus.IMPORTED and upload.imported_at is not None
    assert upload.job == job
    rows = {r.participant_code: r for r in Result.objects.filter(campaign=campaign)}
    first = rows["501"]
    assert first.scores == [2, 1, None, 3, 0]  # X is kept apart from 0
    assert first.primary_score == Decimal("6") and first.mark == 4 and first.journal_mark == 5
    assert (first.class_name, first.variant, first.absent) == ("4А", "1", False)
    assert first.school == school_a and first.upload == upload
    assert rows["502"].scores == [0, 0, 0, 0, 0] and rows["502"].journal_mark is None
    assert rows["503"].absent and rows["503"].scores == [] and rows["503"].mark is None


def test_reimport_of_the_same_file_replaces_and_never_duplicates(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign()
    data = f1_for(school_a, school_b, pupils=3)
    for _ in range(2):
        upload = upload_check(user=specialist, filename="f1.xlsx", data=data)
        run_import(upload, specialist, django_capture_on_commit_callbacks)
        assert upload.status == UploadStatus.IMPORTED
    assert Result.objects.filter(campaign=campaign).count() == 6
    assert {s["existing"] for s in upload.report["schools"]} == {3}


def test_a_corrected_file_for_one_school_replaces_only_that_school(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign()
    upload = upload_check(user=specialist, filename="f1.xlsx", data=f1_for(school_a, school_b))
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    corrected = f1_xlsx(
        [FileSchool(school_a.login, "СОШ 1", [Pupil(9001, [1, 1, 1, 1, 1], mark=3)])]
    )
    upload = upload_check(user=specialist, filename="f1-fixed.xlsx", data=corrected)
    assert upload.report["schools"][0]["existing"] == 3
    assert upload.report["replacement"] == "Файл заменит 3 прежних результата одним новым"
    run_import(upload, specialist, django_capture_on_commit_callbacks, replace_acknowledged=True)
    assert list(
        Result.objects.filter(campaign=campaign, school=school_a).values_list(
            "participant_code", flat=True
        )
    ) == ["9001"]
    assert Result.objects.filter(campaign=campaign, school=school_b).count() == 3


def test_confirming_twice_queues_the_import_once(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    upload = upload_check(user=specialist, filename="f1.xlsx", data=f1_for(school_a))
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    with pytest.raises(ImportRejected, match="уже загружен"):
        upload_confirm(upload_id=upload.pk, user=specialist)
    with pytest.raises(ImportRejected, match="уже обработан"):
        upload_import(upload_id=upload.pk)
    assert Result.objects.count() == 3


# --- campaigns ---------------------------------------------------------------------------


def test_specialist_may_let_the_import_create_the_campaign_with_tasks_from_the_file(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = f1_for(school_a)
    refused = upload_check(user=specialist, filename="f1.xlsx", data=data)
    assert refused.status == UploadStatus.REJECTED
    assert "разрешите создать её" in refused.report["problems"][0]["message"]
    upload = upload_check(
        user=specialist, filename="f1.xlsx", data=data, options=ImportOptions(create_campaign=True)
    )
    assert upload.status == UploadStatus.CHECKED
    assert upload.report["campaign"]["create"] is True
    assert "будет создана кампания «ВПР 2026, русский язык, 4 класс»" in [
        p["message"] for p in upload.report["problems"]
    ]
    assert Campaign.objects.count() == 0
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get()
    assert (campaign.year, campaign.grade, campaign.subject.code) == (2026, 4, "russian")
    assert campaign.max_primary == Decimal("11") and campaign.created_by == specialist
    assert [(t.number, t.max_score, t.level) for t in campaign.tasks.all()] == [
        (n, Decimal(m), level) for n, m, level in DEFAULT_TASKS
    ]
    assert upload.campaign == campaign and campaign.results.count() == 3


def test_campaign_without_tasks_takes_the_tasks_of_the_file(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign(tasks=())
    upload = upload_check(user=specialist, filename="f1.xlsx", data=f1_for(school_a))
    assert upload.report["tasks_from_file"] is True
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    assert campaign.tasks.count() == 5 and campaign.results.count() == 3


def test_director_may_not_create_a_campaign(director_a: Any, school_a: Any) -> None:
    upload = upload_check(
        user=director_a,
        filename="f1.xlsx",
        data=f1_for(school_a),
        options=ImportOptions(create_campaign=True),
    )
    assert upload.status == UploadStatus.REJECTED
    assert "открывает специалист" in upload.report["problems"][0]["message"]


def test_task_list_differing_from_the_campaign_is_an_error(specialist: Any, school_a: Any) -> None:
    make_campaign(
        tasks=(("1", 2, "Б"), ("2", 2, "Б"), ("3", 3, "П"), ("4К1", 3, "Б"), ("5", 1, "Б"))
    )
    upload = upload_check(user=specialist, filename="f1.xlsx", data=f1_for(school_a))
    message = upload.report["problems"][0]["message"]
    assert upload.status == UploadStatus.REJECTED
    assert "в файле есть задания, которых нет в кампании: 4К2" in message
    assert "в файле нет заданий кампании: 5" in message


def test_locked_campaign_refuses_uploads_and_a_lock_after_the_check_fails_the_job(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign(locked=True)
    upload = upload_check(
        user=specialist,
        filename="f1.xlsx",
        data=f1_for(school_a),
        options=ImportOptions(campaign_id=campaign.pk),
    )
    assert "закрыт" in upload.report["problems"][0]["message"]
    campaign.is_locked = False
    campaign.save()
    upload = upload_check(user=specialist, filename="f1.xlsx", data=f1_for(school_a))
    assert upload.status == UploadStatus.CHECKED
    campaign.is_locked = True
    campaign.save()
    job = run_import(upload, specialist, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "закрыт" in job.errors[0]
    assert upload.status == UploadStatus.FAILED and upload.report["import_errors"]
    assert Result.objects.count() == 0


def test_collection_form_marks_come_from_the_campaign_scale(
    director_a: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    scale = Scale.from_thresholds(max_primary=11, thresholds={3: 4, 4: 7, 5: 10}).to_dict()
    campaign = make_campaign(subject="math", grade=5, scale=scale)
    pupils = [Pupil(1, [2, 1, 3, 3, 2]), Pupil(2, [1, 0, "X", 1, 0], journal="нет отметки")]
    upload = upload_check(user=director_a, filename="forma.xlsx", data=collection_xlsx(pupils))
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    assert upload.school == school_a and upload.campaign == campaign
    run_import(upload, director_a, django_capture_on_commit_callbacks)
    marks = dict(Result.objects.values_list("participant_code", "mark"))
    assert marks == {"1": 5, "2": 2}
    assert Result.objects.get(participant_code="2").scores == [1, 0, None, 1, 0]


def test_specialist_must_choose_the_school_of_a_collection_form(
    specialist: Any, school_b: Any
) -> None:
    make_campaign(subject="math", grade=5)
    data = collection_xlsx([Pupil(1, [2, 1, 3, 3, 2])])
    upload = upload_check(user=specialist, filename="forma.xlsx", data=data)
    assert "выберите организацию" in upload.report["problems"][0]["message"]
    upload = upload_check(
        user=specialist,
        filename="forma.xlsx",
        data=data,
        options=ImportOptions(school_id=school_b.pk),
    )
    assert upload.status == UploadStatus.CHECKED and upload.school == school_b


# --- rights ------------------------------------------------------------------------------


def test_director_file_with_other_schools_is_refused_naming_them(
    director_a: Any, school_a: Any, school_b: Any
) -> None:
    make_campaign()
    upload = upload_check(user=director_a, filename="f1.xlsx", data=f1_for(school_a, school_b))
    assert upload.status == UploadStatus.REJECTED
    message = upload.report["problems"][0]["message"]
    assert school_b.login in message and school_b.short_name in message
    assert school_a.login not in message
    assert upload.school == school_a  # the director's history shows it


def test_director_uploads_a_file_of_his_own_school(
    director_a: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    upload = upload_check(user=director_a, filename="f1.xlsx", data=f1_for(school_a))
    assert upload.status == UploadStatus.CHECKED
    job = run_import(upload, director_a, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED and Result.objects.count() == 3


def test_specialist_of_a_municipality_cannot_load_another_municipalitys_school(
    specialist: Any, school_a: Any
) -> None:
    from tests.factories import MunicipalityFactory

    other = SchoolFactory(municipality=MunicipalityFactory(oktmo="99999000", name="Другой"))
    specialist.municipality = school_a.municipality
    specialist.save()
    make_campaign()
    upload = upload_check(user=specialist, filename="f1.xlsx", data=f1_for(school_a, other))
    assert "другого муниципалитета" in upload.report["problems"][0]["message"]


def test_official_cannot_upload(official: Any, school_a: Any) -> None:
    plan = results_plan(user=official, filename="f1.xlsx", data=f1_for(school_a))
    assert not plan.ok


# --- РЦОИ, ВсОШ, aggregates ----------------------------------------------------------------


def test_ege_protocol_matches_school_codes_and_drops_names(
    specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    school = SchoolFactory(login="edu100001")
    campaign = make_campaign(procedure="ege", year=2026, subject="russian", grade=11, tasks=())
    rows = [ExamRow(1), ExamRow(2, short="+-+-", test_score=55), ExamRow(3, variant="неявка")]
    data = rcoi_xlsx(rows, title="ЕГЭ 2026 Русский язык")
    upload = upload_check(user=specialist, filename="ege.xlsx", data=data)
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    assert upload.campaign == campaign and upload.school == school
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    results = {r.participant_code: r for r in Result.objects.all()}
    assert results["1"].test_score == 70 and results["1"].scores == [1, 1, 0, 1, 1, 2]
    assert results["2"].test_score == 55 and results["3"].absent
    stored = " ".join(str(v) for r in Result.objects.values() for v in r.values())
    assert "Иванов" not in stored and "4510" not in stored


def test_rcoi_profile_from_the_database_is_used(specialist: Any) -> None:
    SchoolFactory(login="edu100001")
    make_campaign(procedure="oge", subject="russian", grade=9, tasks=())
    MappingProfile.objects.create(
        name="Тестовая область, ОГЭ",
        kind="oge",
        columns={
            "participant_code": ["Шифр экзаменуемого"],
            "school_code": ["Номер ОО"],
            "short_answers": ["Задания части 1"],
            "primary_score": ["Первичный балл"],
            "mark": ["Отметка по пятибалльной шкале"],
        },
    )
    headers = {
        "code": "Шифр экзаменуемого",
        "school_code": "Номер ОО",
        "short": "Задания части 1",
        "long": "Развёрнутые",
        "last": "Отметка по пятибалльной шкале",
    }
    rows = [ExamRow(1, long="", primary=3), ExamRow(2, long="", primary=3, mark=3)]
    data = rcoi_xlsx(rows, kind="oge", headers=headers, title="ОГЭ 2026 Русский язык 9 класс")
    plan = results_plan(user=specialist, filename="oge.xlsx", data=data)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.parsed is not None and plan.parsed.profile == "Тестовая область, ОГЭ"


def test_vsosh_results_replace_per_year_stage_subject_and_school(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def file(*rows: Any) -> bytes:
        return xlsx_bytes({"ВсОШ": vsosh_rows(rows, title="Результаты ВсОШ 2025/26")})

    first = file(
        ("школьный", 11, school_a.login, 5, "Русский язык", 20, "Призёр"),
        ("школьный", 12, school_a.login, 6, "Математика", 30, "Победитель"),
        ("школьный", 13, school_b.login, 6, "Математика", 10, "Участник"),
    )
    upload = upload_check(user=specialist, filename="v.xlsx", data=first)
    assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
    assert upload.report["olympiad"]["year"] == 2026
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    assert OlympiadResult.objects.count() == 3
    second = file(("школьный", 21, school_a.login, 6, "Математика", 25, "Призёр"))
    upload = upload_check(user=specialist, filename="v2.xlsx", data=second)
    assert upload.report["replacement"] == ""  # one result of the group for one
    run_import(upload, specialist, django_capture_on_commit_callbacks)
    left = set(OlympiadResult.objects.values_list("participant_code", "status"))
    assert left == {("11", "prize"), ("21", "prize"), ("13", "participant")}


def test_f3_marks_replace_the_campaign_reference_rows(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign()
    rows, merged = f3_marks_rows(
        [
            ("Вся выборка", 40000, 1500000, 3.5, 30, 45, 21.5),
            ("Республика Тест", 500, 20000, 4, 31, 44, 21),
            ("Город (reg20_m012)", 30, 1500, 5, 30, 45, 20),
            (f"МБОУ СОШ №1 ({school_a.login})", 1, 80, "2,5", 30, 47.5, 20),
        ]
    )
    data = xlsx_bytes({"Статистика": rows}, merged={"Статистика": merged})
    for _ in range(2):
        upload = upload_check(user=specialist, filename="f3.xlsx", data=data)
        assert upload.status == UploadStatus.CHECKED, upload.report["problems"]
        run_import(upload, specialist, django_capture_on_commit_callbacks)
    values = ReferenceValue.objects.filter(campaign=campaign, kind="marks")
    assert values.count() == 4
    assert values.get(level="school").school == school_a
    assert values.get(level="russia").percent("5") == Decimal("21.5")


def test_director_cannot_upload_aggregate_forms(director_a: Any) -> None:
    make_campaign()
    rows, merged = f3_marks_rows([("Вся выборка", 40000, 1500000, 3.5, 30, 45, 21.5)])
    data = xlsx_bytes({"Статистика": rows}, merged={"Статистика": merged})
    plan = results_plan(user=director_a, filename="f3.xlsx", data=data)
    assert "загружает специалист" in plan.errors[0].message
