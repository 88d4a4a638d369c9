"""End-to-end in a real browser (Debian's chromium driven by Playwright) against a live server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import sign_in
from tests.factories import PassportFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_specialist_finds_a_school_and_reads_its_history(
    page: Any, school_a: Any, school_b: Any
) -> None:
    UserFactory(username="spec", role="specialist", first_name="Анна", last_name="Миронова")
    PassportFactory(school=school_b, year=2025)
    sign_in(page, "spec")
    page.get_by_role("button", name="Реестр").click()
    page.get_by_role("link", name="Организации", exact=True).click()
    page.get_by_label("Поиск").fill("Каменская")
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name=school_b.short_name).click()
    assert page.get_by_role("heading", name=school_b.short_name).is_visible()
    assert page.get_by_text("Социальные паспорта").is_visible()


def test_director_fills_his_passport_with_decimal_commas(
    page: Any, school_a: Any, school_b: Any
) -> None:
    UserFactory(username="dir", role="director", school=school_a)
    sign_in(page, "dir")
    page.get_by_role("button", name="Реестр").click()
    page.get_by_role("link", name="Моя организация").click()
    page.get_by_role("link", name="Добавить паспорт").click()
    page.get_by_label("обучающихся, чел.").fill("450")
    page.get_by_label("доля малоимущих семей, %").fill("12,5")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"**/schools/{school_a.pk}/")
    assert page.get_by_text("Социальный паспорт сохранён").is_visible()
    assert page.locator("td", has_text="12,5 %").first.is_visible()
    # Another school's page does not exist for him.
    response = page.goto(f"/schools/{school_b.pk}/")
    assert response.status == 404


def test_menu_collapses_at_200_percent_zoom(page: Any) -> None:
    UserFactory(username="off", role="official")
    sign_in(page, "off")
    page.set_viewport_size({"width": 640, "height": 450})
    toggler = page.get_by_role("button", name="Показать меню")
    assert toggler.is_visible()
    toggler.click()
    page.get_by_role("button", name="Реестр").click()
    assert page.get_by_role("link", name="Организации", exact=True).is_visible()
