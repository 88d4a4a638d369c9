"""Shared personas and helpers: a specialist, two directors of different schools, an official."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from msoko.choices import Role
from msoko.models import User
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import MunicipalityFactory, PassportFactory, SchoolFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Any) -> None:
    """Hashing with PBKDF2 costs a third of a second per user; tests don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Any:
    """Tasks run in the test process unless a test starts a real worker (see test_celery_worker)."""
    from msoko.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def require_service(available: bool, what: str) -> None:
    """Skip when a service is missing, except in the run that promised to provide it."""
    if available:
        return
    if os.environ.get("MSOKO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} must be available in this run (MSOKO_REQUIRE_SERVICES=1)")
    pytest.skip(f"{what} is not configured in this run")


@pytest.fixture
def municipality(db: Any) -> Any:
    return MunicipalityFactory()


@pytest.fixture
def school_a(municipality: Any) -> Any:
    return SchoolFactory(municipality=municipality, short_name="МБОУ СОШ № 1")


@pytest.fixture
def school_b(municipality: Any) -> Any:
    return SchoolFactory(
        municipality=municipality, short_name="МБОУ Каменская СОШ", locality="rural"
    )


@pytest.fixture
def specialist(db: Any) -> User:
    return UserFactory(role=Role.SPECIALIST, username="specialist")


@pytest.fixture
def official(db: Any) -> User:
    return UserFactory(role=Role.OFFICIAL, username="official")


@pytest.fixture
def admin_user(db: Any) -> User:
    return UserFactory(role=Role.ADMIN, username="admin", is_superuser=True)


@pytest.fixture
def director_a(school_a: Any) -> User:
    return UserFactory(role=Role.DIRECTOR, username="director_a", school=school_a)


@pytest.fixture
def director_b(school_b: Any) -> User:
    return UserFactory(role=Role.DIRECTOR, username="director_b", school=school_b)


@pytest.fixture
def passport_a(school_a: Any) -> Any:
    return PassportFactory(school=school_a, year=2025)


@pytest.fixture
def passport_b(school_b: Any) -> Any:
    return PassportFactory(school=school_b, year=2025)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def page(live_server: Any, monkeypatch: Any) -> Iterator[Any]:
    require_service(Path(CHROMIUM).exists(), "Debian chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls of the fixtures are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        page.set_default_timeout(10_000)
        yield page
        browser.close()
