"""The register of адресные рекомендации and управленческие решения: the basis snapshot,
the school's response, the measures as road-map tasks, the effect analysis, and refusals
of bad input in Russian with nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import FiguresRun, IndicatorValue, ObjectivityMarker, Subject
from msoko.choices import Role
from roadmaps import services_decisions as services
from roadmaps.models import (
    AddresseeGroup,
    BasisKind,
    Decision,
    Occurrence,
    Recommendation,
    RecommendationStatus,
    Task,
)
from roadmaps.selectors_decisions import decision_effect, school_recommendations
from tests.assessments.matrix_campaigns import make_campaign
from tests.factories import MunicipalityFactory, SchoolFactory, UserFactory
from tests.roadmaps.builders import make_roadmap, make_task

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 plan of measures"


def _run(municipality: Any, year: int = 2026, campaign: Any = None) -> FiguresRun:
    return FiguresRun.objects.create(
        campaign=campaign, year=year, procedure="vpr", municipality=municipality, code_version=1
    )


def _marker(school: Any, campaign: Any) -> ObjectivityMarker:
    return ObjectivityMarker.objects.create(
        run=_run(school.municipality, campaign.year, campaign),
        campaign=campaign,
        municipality=school.municipality,
        school=school,
        year=campaign.year,
        procedure="vpr",
        subject=campaign.subject,
        grade=campaign.grade,
        code="score_peaks",
        value=Decimal("3.25"),
        threshold=Decimal("2"),
        raised=True,
        params_version=1,
    )


def _value(
    school: Any,
    year: int,
    value: str,
    *,
    code: str = "vpr.fail_share",
    subject: str = "russian",
    grade: int | None = 4,
    n: int = 40,
    municipality: Any = None,
) -> IndicatorValue:
    municipality = municipality or school.municipality
    return IndicatorValue.objects.create(
        run=_run(municipality, year),
        municipality=municipality,
        level="school" if school is not None else "municipality",
        school=school,
        year=year,
        procedure=code.split(".")[0],
        subject=Subject.objects.get(code=subject) if subject else None,
        grade=grade,
        code=code,
        value=Decimal(value),
        n=n,
    )


def _recommendation(school: Any, user: Any, **fields: Any) -> Recommendation:
    defaults: dict[str, Any] = {
        "year": 2026,
        "text": "Проанализировать результаты ВПР по русскому языку.",
        "basis": services.Basis(BasisKind.OTHER, text="Итоги ВПР 2026 года."),
    }
    defaults.update(fields)
    return services.recommendation_create(user=user, school=school, **defaults)


# ------------------------------------------------------------------ the basis


def test_a_recommendation_from_a_marker_keeps_its_snapshot_after_the_marker_is_gone(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    campaign = make_campaign(year=2026)
    marker = _marker(school_a, campaign)
    client = client_for(specialist)
    prefill = client.get(
        reverse("roadmaps:recommendation_create"),
        {"school": school_a.pk, "basis_kind": "marker", "marker": marker.pk},
    )
    page = prefill.content.decode()
    assert "Будет записано" in page and "Пики распределения первичных баллов" in page
    assert f'<option value="{marker.pk}" selected>' in page
    response = client.post(
        reverse("roadmaps:recommendation_create"),
        {
            "year": "2026",
            "school": school_a.pk,
            "text": "Провести внутреннюю перепроверку работ ВПР.",
            "due_date": "2027-02-01",
            "basis_kind": "marker",
            "marker": marker.pk,
        },
    )
    recommendation = Recommendation.objects.get()
    assert response.status_code == 302 and response["Location"] == recommendation.get_absolute_url()
    assert recommendation.number == "1/2026"
    assert recommendation.municipality == school_a.municipality
    assert (recommendation.basis_kind, recommendation.basis_code, recommendation.basis_year) == (
        "marker",
        "score_peaks",
        2026,
    )
    assert recommendation.basis_value == "3,25 при пороге 2"
    assert school_a.short_name in recommendation.basis_text
    assert recommendation.basis_url.startswith("/")
    ObjectivityMarker.objects.all().delete()  # a new figures run replaces the markers
    FiguresRun.objects.all().delete()
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Пики распределения первичных баллов на границах отметок" in page
    assert "3,25 при пороге 2" in page


def test_a_recommendation_from_an_indicator_value_snapshots_the_figure_as_shown(
    school_a: Any, specialist: Any
) -> None:
    _value(school_a, 2026, "23.45", n=41)
    _value(school_a, 2026, "10", grade=5)
    with pytest.raises(ValidationError) as refused:
        services.basis_build(
            user=specialist,
            kind="indicator",
            school=school_a,
            indicator="vpr.fail_share",
            year=2026,
        )
    assert "уточните предмет и класс" in str(refused.value)
    basis = services.basis_build(
        user=specialist,
        kind="indicator",
        school=school_a,
        indicator="vpr.fail_share",
        year=2026,
        grade=4,
    )
    assert basis.value == "23,5\u00a0%, n = 41"
    assert basis.text == f"ВПР: доля «2»: {school_a.short_name}, русский язык, 4 класс, 2026 год."
    assert basis.url.startswith(reverse("reports:indicator") + "?code=vpr.fail_share&year=2026")
    with pytest.raises(ValidationError) as missing:
        services.basis_build(
            user=specialist,
            kind="indicator",
            school=school_a,
            indicator="vpr.fail_share",
            year=2025,
        )
    assert "за 2025 год" in str(missing.value)


def test_the_create_page_is_prefilled_from_an_indicator_value(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    _value(school_a, 2026, "12.5")
    page = (
        client_for(specialist)
        .get(
            reverse("roadmaps:recommendation_create"),
            {"school": school_a.pk, "indicator": "vpr.fail_share", "year": "2026"},
        )
        .content.decode()
    )
    assert '<option value="vpr.fail_share" selected>' in page
    assert "12,5\u00a0%" in page  # the preview of the snapshot


# ------------------------------------------------------------------ the response


def test_a_director_answers_with_a_link_and_a_file_and_the_specialist_accepts(
    school_a: Any, specialist: Any, director_a: Any, director_b: Any, client_for: Any
) -> None:
    recommendation = _recommendation(school_a, specialist)
    director = client_for(director_a)
    url = reverse("roadmaps:recommendation_respond", args=[recommendation.pk])
    response = director.post(
        url,
        {
            "response": "Проведена перепроверка, утверждён план.",
            "response_links": "https://school1.ru/plan.pdf",
            "file": SimpleUploadedFile("План мер.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ANSWERED
    assert recommendation.responded_by == director_a
    assert recommendation.response_links == "https://school1.ru/plan.pdf"
    assert recommendation.response_file_name == "План мер.pdf"
    assert "План мер" not in recommendation.response_file.name  # stored under its hash
    download = director.get(reverse("roadmaps:recommendation_file", args=[recommendation.pk]))
    assert (
        download.status_code == 200
        and b"".join(download.streaming_content if download.streaming else [download.content])
        == PDF
    )
    other = client_for(director_b)
    assert other.get(recommendation.get_absolute_url()).status_code == 404
    assert (
        other.get(reverse("roadmaps:recommendation_file", args=[recommendation.pk])).status_code
        == 404
    )
    assert other.post(url, {"response": "чужой ответ"}).status_code == 404

    client_for(specialist).post(
        reverse("roadmaps:recommendation_review", args=[recommendation.pk]), {"verdict": "accept"}
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ACCEPTED
    again = director.post(url, {"response": "Ещё раз"}, follow=True)
    assert "ответ больше не меняется" in again.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.response == "Проведена перепроверка, утверждён план."


def test_a_refused_response_may_be_given_again(
    school_a: Any, specialist: Any, director_a: Any
) -> None:
    recommendation = _recommendation(school_a, specialist)
    services.recommendation_respond(
        recommendation=recommendation, user=director_a, response="Сделано."
    )
    services.recommendation_review(recommendation=recommendation, user=specialist, accept=False)
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.REJECTED
    services.recommendation_respond(
        recommendation=recommendation, user=director_a, response="Сделано, приложен протокол."
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ANSWERED
    with pytest.raises(ValidationError, match="специалист"):
        services.recommendation_review(recommendation=recommendation, user=director_a, accept=True)


def test_a_director_sees_only_his_schools_recommendations(
    school_a: Any, school_b: Any, specialist: Any, director_a: Any, client_for: Any
) -> None:
    mine = _recommendation(school_a, specialist, text="Рекомендация для первой школы")
    _recommendation(school_b, specialist, text="Рекомендация для Каменской школы")
    services.recommendation_create(
        user=specialist,
        year=2026,
        group=AddresseeGroup.SHNOR,
        municipality=school_a.municipality,
        text="Рекомендация всем ШНОР",
        basis=services.Basis(BasisKind.CRITERION, "K1", 2026, "", "доля «2» в ВПР"),
    )
    page = client_for(director_a).get(reverse("roadmaps:recommendation_list")).content.decode()
    assert "Рекомендация для первой школы" in page
    assert "Каменской" not in page
    assert "всем ШНОР" not in page
    assert "Рекомендации группам ОО" in page  # the page says why
    wide = client_for(specialist).get(reverse("roadmaps:recommendation_list")).content.decode()
    assert "Каменской" in wide and "всем ШНОР" in wide
    filtered = client_for(specialist).get(
        reverse("roadmaps:recommendation_list"), {"addressee": f"s:{school_a.pk}", "q": "первой"}
    )
    assert "первой школы" in filtered.content.decode()
    assert "Каменской" not in filtered.content.decode()
    exported = client_for(specialist).get(
        reverse("roadmaps:recommendation_list"), {"export": "csv", "basis_kind": "criterion"}
    )
    assert "всем ШНОР" in exported.content.decode("utf-8-sig")
    assert "первой школы" not in exported.content.decode("utf-8-sig")
    assert [r.pk for r in school_recommendations(director_a, school_a)] == [mine.pk]


def test_the_school_card_partial_lists_the_schools_recommendations(
    school_a: Any, specialist: Any
) -> None:
    _recommendation(school_a, specialist, text="Пересмотреть систему оценивания")
    request = RequestFactory().get("/")
    request.user = specialist
    html = render_to_string(
        "roadmaps/_school_recommendations.html",
        {
            "school_recommendations": school_recommendations(specialist, school_a),
            "school": school_a,
            "user": specialist,
        },
        request=request,
    )
    assert "Пересмотреть систему оценивания" in html
    assert f"?school={school_a.pk}" in html  # «Дать рекомендацию»
    empty = render_to_string(
        "roadmaps/_school_recommendations.html",
        {"school_recommendations": [], "school": school_a, "user": specialist},
    )
    assert "Рекомендаций этой организации пока нет" in empty


# ------------------------------------------------------------------ bad input


def test_a_javascript_link_in_a_response_is_refused_in_russian(
    school_a: Any, specialist: Any, director_a: Any, client_for: Any
) -> None:
    recommendation = _recommendation(school_a, specialist)
    response = client_for(director_a).post(
        reverse("roadmaps:recommendation_respond", args=[recommendation.pk]),
        {"response": "Сделано", "response_links": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "Ссылка должна начинаться с http:// или https://" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.OPEN and not recommendation.response
    with pytest.raises(ValidationError, match="http://"):
        services.recommendation_respond(
            recommendation=recommendation, user=director_a, response="x", links="javascript:x"
        )


def test_a_due_date_before_the_year_and_a_script_basis_link_are_refused(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    response = client_for(specialist).post(
        reverse("roadmaps:recommendation_create"),
        {
            "year": "2026",
            "school": school_a.pk,
            "text": "Рекомендация",
            "due_date": "2025-12-31",
            "basis_kind": "other",
            "basis_text": "Итоги года",
            "basis_url": "javascript:alert(1)",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Срок исполнения (31.12.2025) раньше года рекомендации (2026)." in page
    assert "Ссылка на основание — страница портала" in page
    assert not Recommendation.objects.exists()
    for bad in ("//evil.example/x", "/\\evil", "data:text/html,x", "javascript:alert(1)"):
        assert not services.is_safe_basis_url(bad), bad
    for good in ("/reports/indicator/?code=vpr.fail_share", "https://fioco.ru/x", ""):
        assert services.is_safe_basis_url(good), good


def test_a_marker_of_another_school_is_refused(
    school_a: Any, school_b: Any, specialist: Any
) -> None:
    marker = _marker(school_b, make_campaign(year=2026))
    with pytest.raises(ValidationError, match="другой ОО"):
        services.basis_build(user=specialist, kind="marker", school=school_a, marker=marker)


def test_a_decision_without_an_act_number_is_refused_and_makes_no_tasks(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    roadmap = make_roadmap(specialist, municipality=school_a.municipality, start=2025, end=2027)
    response = client_for(specialist).post(
        reverse("roadmaps:decision_create"),
        {
            "year": "2026",
            "act_number": "",
            "act_date": "2026-09-01",
            "title": "О мерах",
            "roadmap": roadmap.pk,
            "measures": "Семинар — декабрь 2026",
        },
    )
    assert response.status_code == 200
    assert "Укажите номер акта" in response.content.decode()
    assert not Decision.objects.exists() and not Task.objects.exists()
    with pytest.raises(ValidationError, match="номер акта"):
        services.decision_create(
            user=specialist,
            year=2026,
            act_number=" ",
            act_date=datetime.date(2026, 9, 1),
            title="О мерах",
            school=school_a,
            roadmap=roadmap,
            measures="Семинар — декабрь 2026",
        )
    assert not Decision.objects.exists() and not Task.objects.exists()


# ------------------------------------------------------------------ decisions and measures


def test_decision_create_makes_tasks_with_occurrences(school_a: Any, specialist: Any) -> None:
    roadmap = make_roadmap(specialist, municipality=school_a.municipality, start=2025, end=2027)
    make_task(roadmap, "1", user=specialist)
    recommendation = _recommendation(school_a, specialist)
    decision = services.decision_create(
        user=specialist,
        year=2026,
        act_number="112-од",
        act_date=datetime.date(2026, 9, 10),
        title="О повышении объективности ВПР в МБОУ СОШ № 1",
        school=school_a,
        recommendations=[recommendation],
        roadmap=roadmap,
        measures=(
            "Провести семинар для учителей — до 1 марта 2027 г.\n"
            "Посещать уроки русского языка — ежеквартально\n"
            "Перепроверка работ ВПР — внешние эксперты\n"
        ),
    )
    tasks = list(decision.tasks.order_by("sort_key"))
    assert [(t.number, t.title, t.deadline_text) for t in tasks] == [
        ("2", "Провести семинар для учителей", "до 1 марта 2027 г."),
        ("3", "Посещать уроки русского языка", "ежеквартально"),
        # the tail is no deadline: the dash stays in the title, the default deadline applies
        ("4", "Перепроверка работ ВПР — внешние эксперты", "декабрь 2026"),
    ]
    assert {t.section.title for t in tasks} == {"Управленческие решения"}
    assert all(list(t.responsible_schools.all()) == [school_a] for t in tasks)
    occurrences = Occurrence.objects.filter(task__in=tasks, school=school_a)
    assert occurrences.filter(task=tasks[0]).get().due == datetime.date(2027, 3, 1)
    assert occurrences.filter(task=tasks[1]).count() == 12  # four quarters × three years
    assert occurrences.filter(task=tasks[2]).get().due == datetime.date(2026, 12, 31)
    assert list(recommendation.decisions.all()) == [decision]
    # a second decision's measures go into the same section with the next numbers
    other = services.decision_create(
        user=specialist,
        year=2026,
        act_number="113-од",
        act_date=datetime.date(2026, 9, 11),
        title="Ещё решение",
        roadmap=roadmap,
        measures="Совещание руководителей — октябрь 2026",
        municipality=school_a.municipality,
    )
    assert [t.number for t in other.tasks.all()] == ["5"]
    assert roadmap.sections.filter(title="Управленческие решения").count() == 1


def test_a_measure_outside_the_road_maps_period_is_refused(school_a: Any, specialist: Any) -> None:
    roadmap = make_roadmap(specialist, municipality=school_a.municipality, start=2025, end=2026)
    with pytest.raises(ValidationError) as refused:
        services.decision_create(
            user=specialist,
            year=2026,
            act_number="7",
            act_date=datetime.date(2026, 9, 1),
            title="О мерах",
            school=school_a,
            roadmap=roadmap,
            measures="Семинар — до 1 марта 2028 г.",
        )
    assert (
        "Мера 1: срок 01.03.2028 вне периода дорожной карты (2025–2026)." in refused.value.messages
    )
    assert not Decision.objects.exists() and not Task.objects.exists()


def test_the_effect_shows_the_exact_values_before_and_after(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    _value(school_a, 2025, "30.0", n=52)
    _value(school_a, 2026, "18.25", n=48)
    _value(school_a, 2026, "99", grade=5)  # another grade: not this decision's
    decision = services.decision_create(
        user=specialist,
        year=2025,
        act_number="15",
        act_date=datetime.date(2025, 9, 1),
        title="О работе с обучающимися, получившими «2»",
        school=school_a,
        indicator_code="vpr.fail_share",
        subject=Subject.objects.get(code="russian"),
        grade=4,
    )
    effect = decision_effect(decision, specialist)
    assert effect is not None
    assert (effect.before_text, effect.after_text) == ("30,0\u00a0%", "18,3\u00a0%")
    assert effect.change is not None and effect.change.delta == Decimal("-11.7")
    assert effect.delta_text == "\u221211,7 п. п."
    assert effect.verdict_text == "положительная динамика"
    page = client_for(specialist).get(decision.get_absolute_url()).content.decode()
    assert "30,0\u00a0%" in page and "18,3\u00a0%" in page and "\u221211,7 п. п." in page
    assert "<svg" in page and "Таблица данных" in page


def test_the_effect_says_when_the_next_years_value_is_not_there_yet(
    municipality: Any, specialist: Any, client_for: Any
) -> None:
    _value(
        None,
        2026,
        "8.4",
        municipality=municipality,
        code="vpr.fail_share_year",
        subject="",
        grade=None,
    )
    decision = services.decision_create(
        user=specialist,
        year=2026,
        act_number="3",
        act_date=datetime.date(2026, 10, 1),
        title="О муниципальной программе",
        indicator_code="vpr.fail_share_year",
        municipality=municipality,
    )
    effect = decision_effect(decision, specialist)
    assert effect is not None and effect.before_text == "8,4\u00a0%" and effect.after is None
    page = client_for(specialist).get(decision.get_absolute_url()).content.decode()
    assert "Значения за 2027 год ещё нет" in page


def test_a_director_does_not_see_another_schools_decision(
    school_a: Any, school_b: Any, specialist: Any, director_a: Any, client_for: Any
) -> None:
    decision = services.decision_create(
        user=specialist,
        year=2026,
        act_number="9",
        act_date=datetime.date(2026, 10, 1),
        title="О мерах в Каменской СОШ",
        school=school_b,
    )
    client = client_for(director_a)
    assert client.get(decision.get_absolute_url()).status_code == 404
    assert "Каменской" not in client.get(reverse("roadmaps:decision_list")).content.decode()


def test_another_municipalitys_specialist_gets_404(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    recommendation = _recommendation(school_a, specialist)
    other = MunicipalityFactory(oktmo="87654000", name="Другой МО")
    stranger = UserFactory(role=Role.SPECIALIST, username="stranger", municipality=other)
    SchoolFactory(municipality=other)
    client = client_for(stranger)
    assert client.get(recommendation.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("roadmaps:recommendation_update", args=[recommendation.pk])).status_code
        == 404
    )


def test_an_edit_keeps_the_snapshot_unless_another_finding_is_chosen(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    marker = _marker(school_a, make_campaign(year=2026))
    recommendation = _recommendation(school_a, specialist, basis=services.basis_from_marker(marker))
    ObjectivityMarker.objects.all().delete()
    response = client_for(specialist).post(
        reverse("roadmaps:recommendation_update", args=[recommendation.pk]),
        {
            "year": "2026",
            "number": recommendation.number,
            "school": school_a.pk,
            "text": "Уточнённый текст рекомендации",
            "basis_kind": "marker",
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.text == "Уточнённый текст рекомендации"
    assert (recommendation.basis_code, recommendation.basis_value) == (
        "score_peaks",
        "3,25 при пороге 2",
    )


def test_an_edit_of_a_decision_adds_new_measures_and_keeps_the_made_ones(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    roadmap = make_roadmap(specialist, municipality=school_a.municipality, start=2025, end=2027)
    decision = services.decision_create(
        user=specialist,
        year=2026,
        act_number="5",
        act_date=datetime.date(2026, 9, 1),
        title="О мерах",
        school=school_a,
        roadmap=roadmap,
        measures="Семинар — октябрь 2026",
    )
    response = client_for(specialist).post(
        reverse("roadmaps:decision_update", args=[decision.pk]),
        {
            "year": "2026",
            "act_number": "5",
            "act_date": "2026-09-01",
            "title": "О мерах (изменено)",
            "school": school_a.pk,
            "roadmap": roadmap.pk,
            "measures": "Совещание — ноябрь 2026",
        },
    )
    assert response.status_code == 302
    assert [t.title for t in decision.tasks.order_by("sort_key")] == ["Семинар", "Совещание"]
    page = client_for(specialist).get(decision.get_absolute_url()).content.decode()
    assert "О мерах (изменено)" in page and "ноябрь 2026" in page


@pytest.mark.parametrize("name", ["roadmaps:recommendation_list", "roadmaps:decision_list"])
def test_the_lists_queries_do_not_grow_with_rows(
    name: str, school_a: Any, school_b: Any, specialist: Any, client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n: int) -> None:
        for index in range(n):
            school = school_a if index % 2 else school_b
            _recommendation(school, specialist)
            services.decision_create(
                user=specialist,
                year=2026,
                act_number=f"{name[-6:]}-{index}-{Recommendation.objects.count()}",
                act_date=datetime.date(2026, 9, 1),
                title="О мерах",
                school=school,
                indicator_code="vpr.fail_share",
            )

    client = client_for(specialist)
    grow(2)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name))
    grow(5)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse(name))
    assert len(large) == len(small)
