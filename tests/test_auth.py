"""Sign-in in Russian, and the account lock after five failed attempts for 30 minutes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-for-tests-2026"


def login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_in_russian() -> None:
    response = Client().get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Вход в портал" in content and "Пароль" in content and 'lang="ru"' in content


def test_a_wrong_password_shows_a_russian_message() -> None:
    UserFactory(username="ivanova")
    response = login(Client(), "ivanova", "wrong")
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


def test_good_password_signs_in_and_logout_signs_out() -> None:
    UserFactory(username="ivanova")
    client = Client()
    assert login(client, "ivanova", PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_five_failures_lock_the_account_for_thirty_minutes() -> None:
    UserFactory(username="ivanova")
    for _ in range(5):
        login(Client(), "ivanova", "wrong")
    # Even the right password, from another browser, is refused now.
    locked = login(Client(), "ivanova", PASSWORD)
    assert locked.status_code == 429
    assert "Вход временно заблокирован" in locked.content.decode()
    # Other accounts are not affected.
    UserFactory(username="petrov")
    assert login(Client(), "petrov", PASSWORD).status_code == 302
    # After 30 minutes the lock is gone: it is not forever.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )
    assert login(Client(), "ivanova", PASSWORD).status_code == 302


def test_four_failures_do_not_lock() -> None:
    UserFactory(username="ivanova")
    for _ in range(4):
        login(Client(), "ivanova", "wrong")
    assert login(Client(), "ivanova", PASSWORD).status_code == 302
