"""In a real browser, the pages work under the Content-Security-Policy header: nothing is
blocked (the console says so when something is), Bootstrap and htmx still run."""

from __future__ import annotations

from typing import Any

import pytest

from msoko.jobs import job_claim, job_create, job_finish, job_progress
from roadmaps.models import Direction
from roadmaps.services import cycle_assessment_create
from tests.browser import sign_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch(page: Any) -> list[str]:
    """Console messages about blocked content, and script errors, as they happen."""
    problems: list[str] = []

    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def test_specialist_pages_run_under_the_policy(page: Any, school_a: Any) -> None:
    problems = watch(page)
    specialist = UserFactory(username="spec", role="specialist")
    sign_in(page, "spec")  # the home page
    assert page.get_by_role("heading", name="Здравствуйте").is_visible()

    # A list page; Bootstrap's dropdown menu still opens.
    page.get_by_role("button", name="Реестр").click()
    page.get_by_role("link", name="Организации", exact=True).click()
    page.wait_for_url("**/schools/")
    assert page.get_by_role("link", name=school_a.short_name).is_visible()

    # A form page: the self-assessment refuses a javascript: link, in Russian.
    assessment = cycle_assessment_create(
        direction=Direction.objects.get(code="1.1"), year=2026, user=specialist
    )
    page.goto(f"/roadmaps/cycle/{assessment.pk}/edit/")
    page.get_by_label("Ссылки на документы (по одной на строке)").first.fill("javascript:alert(1)")
    page.get_by_role("button", name="Сохранить").click()
    assert page.get_by_text("Ссылка должна начинаться с http:// или https://").is_visible()

    # The year picker submits itself (portal.js, no inline onchange any more).
    cycle_assessment_create(direction=Direction.objects.get(code="1.1"), year=2025, user=specialist)
    page.goto("/roadmaps/cycle/?year=2026")
    page.get_by_label("Год").select_option("2025")
    page.wait_for_url("**/roadmaps/cycle/?year=2025")

    # htmx polls the job page and swaps the fragment in; the bar is 40 % wide by a class.
    job = job_create(kind="test", title="Проверка CSP", created_by=specialist)
    job_claim(job_id=job.pk)
    job_progress(job_id=job.pk, progress=40, message="считаем")
    page.goto(f"/jobs/{job.pk}/")
    assert page.get_by_text("Выполняется").is_visible()
    bar = page.locator("#job .progress-bar").bounding_box()
    track = page.locator("#job .progress").bounding_box()
    assert bar and track and abs(bar["width"] / track["width"] - 0.4) < 0.02
    job_finish(job_id=job.pk, message="всё посчитано")
    page.get_by_text("всё посчитано").wait_for()
    assert page.get_by_text("Готово").is_visible()
    assert page.locator("style").count() == 0  # htmx injected no indicator <style>

    assert problems == []


def test_admin_runs_under_its_policy(page: Any, school_a: Any) -> None:
    problems = watch(page)
    UserFactory(username="adm", role="admin", is_superuser=True, is_staff=True)
    sign_in(page, "adm")
    for url in (
        "/admin/",
        "/admin/schools/school/",
        f"/admin/schools/school/{school_a.pk}/change/",
        # django-simple-history's list has style="border-top: 0": why admin allows inline styles
        f"/admin/schools/school/{school_a.pk}/history/",
        "/admin/roadmaps/roadmap/add/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
    assert problems == []


def test_the_404_page_is_russian_and_styled(page: Any) -> None:
    problems = watch(page)
    UserFactory(username="spec", role="specialist")
    sign_in(page, "spec")
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Страница не найдена").is_visible()
    page.get_by_role("link", name="На главную").click()
    page.wait_for_url("**/")
    assert problems == []
