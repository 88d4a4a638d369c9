"""The demo municipality: loaded once for this module (it takes seconds), then checked.

Every test reads the same demo inside its own savepoint, so what one test changes (a
second load, an old database's road maps) is gone for the next; the module's transaction
is rolled back at the end. Loading twice changes nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.demo import FEDERAL_MARKED, INFLATED, LATE_2026, PEAKS, RESILIENT, WEAK
from assessments.models import Campaign, IndicatorValue, ObjectivityMarker, ReferenceValue, Result
from assessments.stats import campaign_report, tracker
from msoko import formatting
from msoko.choices import Role
from msoko.models import User
from roadmaps.models import Occurrence, Roadmap
from schools.models import School, SocialPassport
from tests.roadmaps.test_seed_roadmaps import ROADMAP_FILES as SEED_FILES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once; yields what load_demo printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_load_demo_builds_a_municipality_with_every_role(demo: str) -> None:
    text = demo
    assert "логин: specialist" in text and "логин: director" in text
    assert {user.role for user in User.objects.all()} == set(Role)
    general = School.objects.general()
    assert 28 <= general.count() <= 35
    assert School.objects.exclude(pk__in=general).count() >= 5  # kindergartens and УДО
    assert set(SocialPassport.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    rural_shnsu = SocialPassport.objects.filter(
        year=2026, is_shnsu=True, school__locality="rural"
    ).count()
    assert rural_shnsu >= SocialPassport.objects.filter(year=2026, is_shnsu=True).count() // 2
    director = User.objects.get(username="director")
    assert director.school is not None and director.school.is_general
    merged = School.objects.get(login="edu330204")
    assert merged.successor is not None and not merged.is_active


def test_load_demo_twice_changes_nothing(demo: str) -> None:
    before = (School.history.count(), SocialPassport.history.count(), User.objects.count())
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert (School.history.count(), SocialPassport.history.count(), User.objects.count()) == before


def test_home_page_summarises_every_section(demo: str, client: Any) -> None:
    client.force_login(User.objects.get(username="director"))
    page = client.get("/").content.decode()
    assert "Моя организация" in page
    assert "Кампаний 2026 года" in page
    assert "Просрочено:" in page


def test_seed_road_maps_are_archived_and_the_first_screen_is_not_all_overdue(
    demo: str, client: Any
) -> None:
    from roadmaps.choices import RoadmapStatus
    from roadmaps.demo import CURRENT_TITLE

    current = Roadmap.objects.get(title=CURRENT_TITLE)
    today = timezone.localdate()
    assert current.status == RoadmapStatus.APPROVED
    assert current.start_year <= today.year <= current.end_year
    # the seeds: every road map but the current one and the schools' anti-risk programmes
    seeds = Roadmap.objects.exclude(pk=current.pk).filter(risk_programme__isnull=True)
    assert seeds.exists()
    assert set(seeds.values_list("status", flat=True)) == {RoadmapStatus.ARCHIVED}

    client.force_login(User.objects.get(username="specialist"))
    page = client.get("/").content.decode()
    found = re.search(r"Просрочено: <strong[^>]*>(\d+)</strong>", page)
    assert found is not None
    # a few late tasks of the current road map and of the anti-risk programmes, not hundreds
    assert 0 < int(found.group(1)) <= 40

    # A demo database loaded before the seeds were archived is brought up to date.
    seeds.update(status=RoadmapStatus.APPROVED)
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert not seeds.filter(status=RoadmapStatus.APPROVED).exists()


def test_demo_results_page_renders(demo: str, client_for: Any) -> None:
    campaign = Campaign.objects.get(procedure__code="ege", year=2026, subject__code="russian")
    client = client_for(User.objects.get(username="specialist"))
    for tab in ("figures", "tasks", "journal", "distribution", "tracker"):
        assert client.get(campaign.get_absolute_url(), {"tab": tab}).status_code == 200
    director = client_for(User.objects.get(username="director"))
    vpr = Campaign.objects.get(procedure__code="vpr", year=2026, subject__code="math", grade=5)
    response = director.get(vpr.get_absolute_url())
    assert [s.login for s, _stats in response.context["report"].schools] == ["edu330101"]


def _school_stats(campaign: Campaign, login: str) -> Any:
    report = campaign_report(campaign)
    school = School.objects.get(login=login)
    return report.school_stats(school.pk), report.total


def _three_years_of_campaigns():
    campaigns = Campaign.objects.select_related("procedure", "subject")
    assert campaigns.count() == 48  # 10 ВПР, 2 ОГЭ, 4 ЕГЭ a year
    assert {c.year for c in campaigns} == {2024, 2025, 2026}
    assert all(c.results.exists() for c in campaigns)
    vpr4 = Campaign.objects.get(procedure__code="vpr", year=2026, subject__code="russian", grade=4)
    assert vpr4.tasks.count() >= 15 and vpr4.tasks.filter(number="1К1").exists()
    assert vpr4.max_primary == 38 and vpr4.scale_versions.count() == 1
    assert ReferenceValue.objects.filter(campaign=vpr4, level="region").count() == 2
    assert not Result.objects.filter(school__org_type__in=["doo", "udo", "dyuc", "dyussh"]).exists()
    results = Result.objects.filter(campaign=vpr4)
    assert results.filter(absent=True).exists()
    assert results.filter(journal_mark__isnull=True, absent=False).exists()
    assert any(None in scores for scores in results.values_list("scores", flat=True)[:200])
    # 2024 and 2025 are closed; 2026 is open and two schools have not sent ВПР yet
    assert not Campaign.objects.filter(year__lt=2026, is_locked=False).exists()
    missing = {s.login for s in tracker(campaign_report(vpr4)).missing}
    assert missing == {"edu330214", *[login for login in LATE_2026 if login != "edu330214"]}


def _weak_school_has_more_twos_than_the_municipality_every_year():
    for year in (2024, 2025, 2026):
        for subject in ("russian", "math"):
            campaign = Campaign.objects.get(
                procedure__code="vpr", year=year, subject__code=subject, grade=6
            )
            school, total = _school_stats(campaign, WEAK[0])
            assert school.mark_percents[2] > total.mark_percents[2] + 5, (year, subject)


def _inflated_school_vpr_is_not_confirmed_by_oge():
    for login in INFLATED:
        for year in (2024, 2025, 2026):
            vpr = Campaign.objects.get(
                procedure__code="vpr", year=year, subject__code="math", grade=8
            )
            oge = Campaign.objects.get(procedure__code="oge", year=year, subject__code="math")
            vpr_school, vpr_total = _school_stats(vpr, login)
            oge_school, oge_total = _school_stats(oge, login)
            assert vpr_school.quality_rate > vpr_total.quality_rate + 15, (login, year)
            assert vpr_school.quality_rate > oge_school.quality_rate + 20, (login, year)
            assert oge_school.quality_rate < oge_total.quality_rate + 5, (login, year)


def _peaks_at_the_cut_off_scores():
    campaign = Campaign.objects.get(
        procedure__code="vpr", year=2026, subject__code="russian", grade=5
    )
    school, _total = _school_stats(campaign, PEAKS)
    dist = school.primary_distribution
    # «4» from 29, «5» from 38 (demo scale); the school is too strong to crowd at «3»
    for cut in (29, 38):
        assert dist[cut] > 2 * max(dist[cut - 1], 1), cut
        assert dist[cut] > dist[cut + 1], cut


def _resilient_school_does_well_in_a_poor_context():
    """Its ИСБШ is in the lower half, its stored ВПР and ОГЭ quality above the municipality's."""
    school = School.objects.get(login=RESILIENT[0])
    indices = sorted(
        SocialPassport.objects.filter(year=2026, school__in=School.objects.general())
        .exclude(wellbeing_index=None)
        .values_list("wellbeing_index", flat=True)
    )
    own = SocialPassport.objects.get(school=school, year=2026).wellbeing_index
    assert own < indices[len(indices) // 2]
    for procedure, grade in (("vpr", 6), ("oge", 9)):
        for year in (2024, 2025, 2026):
            campaign = Campaign.objects.get(
                procedure__code=procedure, year=year, subject__code="math", grade=grade
            )
            values = IndicatorValue.objects.filter(campaign=campaign, code=f"{procedure}.quality")
            mine = values.get(school=school, level="school").value
            total = values.get(level="municipality").value
            assert mine > total + 10, (procedure, year)


def _ege_figures_are_believable():
    campaign = Campaign.objects.get(procedure__code="ege", year=2026, subject__code="russian")
    report = campaign_report(campaign)
    total = report.ege_total["attestat"]
    assert Decimal(50) < total.mean_score < Decimal(80)
    assert 0 < total.below_minimum_percent < 15
    # per graduate: the electives are joined to the compulsory subjects by participant code
    for code, low, high in (("ege.graduates_220", 5, 30), ("ege.above_min_3", 30, 80)):
        value = IndicatorValue.objects.get(year=2026, code=code, level="municipality").value
        assert Decimal(low) < value < Decimal(high), code


def test_demo_has_believable_spreads_and_loads_once(demo: str) -> None:
    """Every check of the results: spreads, then a second, idempotent load."""
    _three_years_of_campaigns()
    _weak_school_has_more_twos_than_the_municipality_every_year()
    _inflated_school_vpr_is_not_confirmed_by_oge()
    _peaks_at_the_cut_off_scores()
    _ege_figures_are_believable()
    _resilient_school_does_well_in_a_poor_context()

    count = Result.objects.count()
    assert count > 30000
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert Result.objects.count() == count
    assert Campaign.objects.count() == 48


def test_demo_loads_road_maps_once(demo: str) -> None:
    count = Roadmap.objects.count()
    programmes = Roadmap.objects.filter(risk_programme__isnull=False).count()
    assert programmes > 0  # the «500+» demo's anti-risk programmes are road maps too
    assert count == len(SEED_FILES) + 1 + programmes
    occurrences_before = Occurrence.objects.count()
    director = User.objects.get(username="director")
    mine = Occurrence.objects.for_user(director)
    assert mine.exists() and not mine.filter(school=None).exists()
    assert Occurrence.objects.filter(status="done").exists()
    assert Occurrence.objects.filter(status="in_progress").exists()
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert Roadmap.objects.count() == count and Occurrence.objects.count() == occurrences_before


def test_demo_olympiad_figures_are_stored_and_believable(demo: str, client_for: Any) -> None:
    from django.urls import reverse

    from assessments.models import OlympiadResult

    years = set(IndicatorValue.objects.filter(procedure="vsosh").values_list("year", flat=True))
    assert years == {2024, 2025, 2026}

    def per_100(login: str) -> Decimal:
        row = IndicatorValue.objects.get(
            procedure="vsosh",
            year=2026,
            part="school",
            subject=None,
            school__login=login,
            code="vsosh.participants_per_100",
        )
        return row.value

    # Гимназия № 2 (favourable context) writes far more than Красноборская СОШ (poor)
    assert per_100("edu330102") > per_100("edu330208") + 15
    winners = OlympiadResult.objects.filter(year=2026, stage="municipal", status="winner")
    assert 10 < winners.count() < 100  # a few winners at the municipal stage
    codes = OlympiadResult.objects.values_list("participant_code", flat=True)[:500]
    assert all(re.fullmatch(r"\d{2}-\d{3}-\d{4}", code) for code in codes)  # codes, no names
    count = OlympiadResult.objects.count()
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert OlympiadResult.objects.count() == count
    director = User.objects.get(username="director")
    page = client_for(director).get(reverse("assessments:olympiad_summary"))
    assert page.status_code == 200 and "Моя организация" in page.content.decode()


def test_the_planted_cut_off_peaks_raise_the_marker_and_an_ordinary_school_does_not(
    demo: str,
) -> None:
    from assessments.models import ObjectivityMarker

    peaks = ObjectivityMarker.objects.filter(year=2026, code="score_peaks", raised=True)
    by_school = {login for login in peaks.values_list("school__login", flat=True)}
    assert by_school == {PEAKS}  # the planted school, and no other
    assert peaks.count() >= 3  # in several of its ВПР campaigns
    # the journal is inflated in the weak schools and low in the inflated ones
    gaps = set(
        ObjectivityMarker.objects.filter(year=2026, code="journal_gap", raised=True).values_list(
            "school__login", flat=True
        )
    )
    assert set(INFLATED) <= gaps and WEAK[0] in gaps


def test_the_default_shnor_rule_lists_the_planted_weak_schools(demo: str) -> None:
    out = io.StringIO()
    call_command("identify_schools", "--year", "2026", stdout=out, stderr=io.StringIO())
    listed = {line.split("\t")[0]: line for line in out.getvalue().splitlines()}
    assert set(WEAK) <= set(listed)
    assert not set(INFLATED) & set(listed)  # inflated ВПР is an objectivity matter, not ШНОР
    assert "K1" in listed[WEAK[0]] and "K2" in listed[WEAK[0]]


# --- objectivity markers on the demo (its planted inflated schools) -------------------------


def _raised(year: int, code: str) -> set[str]:
    return set(
        ObjectivityMarker.objects.filter(year=year, code=code, raised=True).values_list(
            "school__login", flat=True
        )
    )


def test_the_inflated_schools_raise_above_unconfirmed_and_no_other(demo: str) -> None:
    assert _raised(2026, "above_unconfirmed") == set(INFLATED)
    assert set(INFLATED) <= _raised(2026, "vpr_over_oge")
    # the resilient school is as good in ОГЭ and ЕГЭ: its ВПР is confirmed
    assert not set(RESILIENT) & _raised(2026, "above_unconfirmed")
    per_school = ObjectivityMarker.objects.filter(
        year=2026, code="above_unconfirmed", raised=True, school__login=INFLATED[0]
    ).count()
    assert per_school >= 5  # in most of its ВПР campaigns


def test_the_demo_federal_list_is_imported_through_its_flow(demo: str) -> None:
    assert "Федеральный перечень 2025 г. загружен" in demo
    federal = ObjectivityMarker.objects.filter(code="federal_list", year=2025)
    assert {(m.school.login, m.evidence["column"]) for m in federal} == {
        (login, column) for login, columns in FEDERAL_MARKED.items() for column in columns
    }
    assert all(m.campaign is not None and m.upload is not None for m in federal)


def test_the_pages_show_the_planted_schools(demo: str, client_for: Any) -> None:
    specialist = User.objects.get(username="specialist")
    html = client_for(specialist).get(reverse("assessments:objectivity_repeat")).content.decode()
    for login in INFLATED:
        assert (
            ObjectivityMarker.objects.filter(school__login=login).first().school.short_name in html
        )
    director = User.objects.get(username="director")  # an ordinary school's
    mine = client_for(director).get(reverse("assessments:objectivity_list")).content.decode()
    inflated = ObjectivityMarker.objects.filter(school__login=INFLATED[0]).first().school
    assert inflated.short_name not in mine


def test_the_demo_collections_feed_the_dashboards_and_the_directors_tasks(
    demo: str, client_for: Any
) -> None:
    from roadmaps.models import Collection, Submission

    approved = Collection.objects.filter(status="approved")
    assert approved.count() == 4 and {c.year for c in approved} == {2024, 2025}
    current = Collection.objects.get(status="open", set_code="set.teachers")
    states = {s.school.login: s.status for s in current.submissions.exclude(school=None)}
    assert states["edu330101"] == "missing" and states["edu330202"] == "draft"
    assert sorted(login for login, state in states.items() if state == "returned") == [
        "edu330103",
        "edu330205",
    ]
    # The approved values are in the store beside the assessments' ones, with a trend.
    code = "mon.teachers.kpk_3y_share"
    years = set(
        IndicatorValue.objects.filter(code=code, level="municipality").values_list(
            "year", flat=True
        )
    )
    assert {2024, 2025} <= years
    value = IndicatorValue.objects.get(code=code, level="municipality", year=2025).value
    page = client_for(User.objects.get(username="official")).get(
        "/analytics/directions/2.2/?year=2025"
    )
    assert formatting.percent(value) in page.content.decode()
    # The directors find the open collection in «Мои задачи».
    director = User.objects.get(username="director")
    mine = Submission.objects.get(collection=current, school=director.school)
    assert mine.occurrence is not None
    assert Occurrence.objects.for_user(director).filter(pk=mine.occurrence_id).exists()
    call_command("load_demo", "--quiet", stdout=io.StringIO())
    assert Collection.objects.count() == 6


# --- the annual documents, written from the demo's stored figures -------------------------


def _pdf_text(data: bytes) -> str:
    import subprocess

    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").replace("\u00a0", " ").split())


@pytest.mark.documents
def test_every_document_renders_for_the_demo(demo: str) -> None:
    from msoko import formatting
    from reports.documents import catalogue
    from reports.documents.render import render_docx, render_pdf
    from reports.services_documents import document_build
    from schools.models import Municipality

    municipality = Municipality.objects.get(oktmo="17650000")
    school = School.objects.get(login="edu330101")
    texts = {}
    for cls in catalogue.kinds():
        document = document_build(
            kind=cls.kind,
            year=2026,
            municipality=municipality,
            school=school if cls.per_school else None,
        )
        pdf, pages = render_pdf(document, generated="2 декабря 2026 г.")
        assert pdf.startswith(b"%PDF") and pages >= 3, cls.kind  # title, contents, content
        texts[cls.kind] = _pdf_text(pdf)
        assert "Стр. 2 из" in texts[cls.kind], cls.kind
        assert (
            document.sha256()
            == document_build(
                kind=cls.kind,
                year=2026,
                municipality=municipality,
                school=school if cls.per_school else None,
            ).sha256()
        ), cls.kind
    assert render_docx(document, generated="2 декабря 2026 г.").startswith(b"PK")
    # the numbers in the text are the stored figures, formatted as everywhere
    value = IndicatorValue.objects.get(
        level="municipality",
        code="vpr.fail_share",
        year=2026,
        subject__code="math",
        grade=5,
    )
    assert formatting.percent(value.value).replace("\u00a0", " ") in texts["vpr"]
