"""Helpers of the browser tests: Debian's chromium driven by Playwright (fixture `page` in conftest)."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pass-for-tests-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/")
