"""Stored figures: computed once by a job, read back exactly (issue 8, the stored layer).

The hand-computed campaign of test_results_page.py is computed live and through the store:
the two reports must be equal, figure for figure, and computing twice must give the same
rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.figures import FIGURES_VERSION, from_data, to_data
from assessments.indicators import CampaignStats, EgeStats
from assessments.models import CampaignFigures, FiguresRun, IndicatorValue, Result
from assessments.services.figures import figures_compute, figures_request
from assessments.stats import campaign_report
from assessments.stored import stored_report
from msoko.models import Job
from tests.assessments.matrix_campaigns import hand_campaign, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(school_a: Any, school_b: Any) -> Any:
    return hand_campaign(school_a, school_b)


def test_figures_survive_the_round_trip_exactly(campaign: Any) -> None:
    total = campaign_report(campaign).total
    data = to_data(total)
    assert isinstance(data["mark_percents"]["2"], str | None)  # Decimals as text, keys as text
    assert from_data(CampaignStats, data) == total


def test_stored_figures_equal_the_computed_ones(campaign: Any, municipality: Any) -> None:
    run = figures_compute(campaign=campaign, municipality_id=municipality.pk)
    live = campaign_report(campaign, municipality_id=municipality.pk)
    stored = stored_report(campaign, municipality_id=municipality.pk)
    assert stored is not None
    assert stored.total == live.total
    assert stored.schools == live.schools
    assert run.code_version == FIGURES_VERSION and run.participants == 8
    # the hand-computed figures of test_results_page.py
    assert stored.total.mark_counts == {2: 3, 3: 1, 4: 2, 5: 2}
    assert (stored.total.mean_mark, stored.total.mean_primary) == (
        Decimal("3.375"),
        Decimal("4.375"),
    )


def test_a_director_reads_his_school_and_the_municipal_total(
    campaign: Any, municipality: Any, school_a: Any
) -> None:
    figures_compute(campaign=campaign, municipality_id=municipality.pk)
    stored = stored_report(campaign, municipality_id=municipality.pk, visible={school_a.pk})
    assert stored is not None
    assert [school for school, _figures in stored.schools] == [school_a]
    assert stored.total.participants == 8


def test_computing_twice_gives_identical_rows(campaign: Any, municipality: Any) -> None:
    def rows() -> list[tuple[Any, ...]]:
        return sorted(
            CampaignFigures.objects.values_list("school_id", "kind", "participants", "data"),
            key=repr,
        )

    figures_compute(campaign=campaign, municipality_id=municipality.pk)
    first = rows()
    figures_compute(campaign=campaign, municipality_id=municipality.pk)
    assert rows() == first
    assert FiguresRun.objects.count() == 1  # the new run replaced the old one


def test_ege_figures_are_stored_per_minimum(school_a: Any, municipality: Any) -> None:
    campaign = make_campaign(procedure="ege", subject="russian", grade=11, tasks=(), scale=None)
    for i, score in enumerate((20, 30, 40, 85, 100)):
        Result.objects.create(
            campaign=campaign, school=school_a, participant_code=f"e{i}", test_score=score
        )
    figures_compute(campaign=campaign, municipality_id=municipality.pk)
    stored = stored_report(campaign, municipality_id=municipality.pk)
    assert stored is not None
    assert set(stored.ege_total) == {"attestat", "university"}
    attestat = stored.ege_total["attestat"]
    assert isinstance(attestat, EgeStats)
    assert (attestat.mean_score, attestat.below_minimum, attestat.hundred) == (Decimal("55"), 1, 1)
    assert stored.ege_schools[school_a.pk]["university"].below_minimum == 2
    assert stored.thresholds == {"attestat": Decimal("24.0"), "university": Decimal("36.0")}


def _uncomputed(school_a: Any, school_b: Any) -> Any:
    from tests.assessments.matrix_campaigns import PUPILS_A, PUPILS_B, add_pupils

    campaign = make_campaign()
    add_pupils(campaign, school_a, PUPILS_A)
    add_pupils(campaign, school_b, PUPILS_B)
    return campaign


def test_a_campaign_never_computed_has_no_stored_report(
    school_a: Any, school_b: Any, municipality: Any
) -> None:
    campaign = _uncomputed(school_a, school_b)
    assert stored_report(campaign, municipality_id=municipality.pk) is None


def test_the_page_says_when_figures_are_not_computed_and_computes_them(
    school_a: Any,
    school_b: Any,
    specialist: Any,
    director_a: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    campaign = _uncomputed(school_a, school_b)
    page = client_for(director_a).get(campaign.get_absolute_url()).content.decode()
    assert "ещё не рассчитаны" in page and "Рассчитать сейчас" not in page
    client = client_for(specialist)
    assert "Рассчитать сейчас" in client.get(campaign.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:campaign_compute", args=[campaign.pk]))
    assert response.status_code == 302
    page = client.get(campaign.get_absolute_url())
    assert page.context["report"].total.participants == 8
    assert "Показатели рассчитаны" in page.content.decode()


def test_a_deployment_wide_user_chooses_the_municipality(
    campaign: Any, specialist: Any, client_for: Any
) -> None:
    from tests.assessments.matrix_campaigns import PUPILS_B, add_pupils, compute_figures
    from tests.factories import MunicipalityFactory, SchoolFactory

    other = MunicipalityFactory(name="Второй округ", short_name="Второй", oktmo="87654000")
    add_pupils(campaign, SchoolFactory(municipality=other), PUPILS_B)
    compute_figures(campaign)
    client = client_for(specialist)
    first = client.get(campaign.get_absolute_url())
    assert len(first.context["stored"].municipalities) == 2
    second = client.get(campaign.get_absolute_url(), {"municipality": other.pk})
    assert second.context["stored"].municipality == other
    assert second.context["report"].total.participants == 3


def test_the_request_queues_one_job_per_municipality(
    campaign: Any, municipality: Any, specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs = figures_request(campaign_id=campaign.pk, user=specialist)
    # the campaign's figures, then the year's pooled share of «2» that follows them
    assert [job.kind for job in jobs] == ["figures_compute", "year_figures_compute"]
    job = Job.objects.get(pk=jobs[0].pk)
    assert job.status == "succeeded" and job.municipality_id == municipality.pk
    assert FiguresRun.objects.get(campaign=campaign).job_id == job.pk
    assert Job.objects.get(pk=jobs[1].pk).status == "succeeded"
    pooled = IndicatorValue.objects.get(code="vpr.fail_share_year", level="municipality")
    assert pooled.value == Decimal("37.5") and pooled.n == 8  # 3 «2» of 8 with a mark


def test_compute_indicators_command_computes_a_year(campaign: Any, capsys: Any) -> None:
    call_command("compute_indicators", "--year", "2026")
    assert FiguresRun.objects.filter(campaign=campaign).count() == 1
    # the campaign's run and the year's pooled share of «2» (assessments.services.pooled)
    assert "Показатели рассчитаны: 2 расчётов." in capsys.readouterr().out
    assert FiguresRun.objects.filter(campaign=None, procedure="vpr", year=2026).count() == 1


def test_compute_indicators_says_when_a_year_has_no_campaigns() -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Данных 1999 года не найдено"):
        call_command("compute_indicators", "--year", "1999")


def test_an_import_triggers_the_computation(
    director_a: Any, school_a: Any, django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    from assessments.services.imports import upload_check, upload_confirm
    from tests.assessments.builders import f1_xlsx, sample_schools
    from tests.assessments.test_import_results import make_campaign as make_f1_campaign

    campaign = make_f1_campaign()
    upload = upload_check(
        user=director_a, filename="f1.xlsx", data=f1_xlsx(sample_schools([school_a.login], 4))
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload_confirm(upload_id=upload.pk, user=director_a)
    run = FiguresRun.objects.get(campaign=campaign)
    assert run.participants == 4
    assert [source["upload"] for source in run.sources] == [upload.pk]
    assert run.sources[0]["sha256"] == upload.sha256
    assert Job.objects.filter(kind="figures_compute", status="succeeded").count() == 1
    # the indicator values follow, and the municipal indicator page shows them
    value = IndicatorValue.objects.get(
        campaign=campaign, school=school_a, code="vpr.participants", level="school"
    )
    assert value.value == 4 and value.n == 4
    page = reverse("reports:indicator") + (
        f"?code=vpr.participants&year={campaign.year}&grade={campaign.grade}"
        f"&subject={campaign.subject_id}&small=on"
    )
    html = client_for(director_a).get(page).content.decode()
    assert school_a.short_name in html[html.index("Рейтинг ОО") :]
    # the results page says what the figures were computed from
    results_page = client_for(director_a).get(campaign.get_absolute_url()).content.decode()
    explained = results_page[results_page.index("Из чего рассчитано") :]
    assert "f1.xlsx" in explained and upload.sha256[:12] in explained
    assert f"Версия расчёта {FIGURES_VERSION}" in explained
