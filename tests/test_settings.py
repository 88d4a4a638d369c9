"""Settings come only from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60 + "-production-like-secret-key-for-the-check",
    "ALLOWED_HOSTS": "msoko.example.ru",
    "DATABASE_URL": "postgres://msoko:msoko@127.0.0.1:5432/msoko",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = ("DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables(tmp_path: Path) -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION | {"DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe': expected one of"),
        ("AXES_FAILURE_LIMIT", "five", "AXES_FAILURE_LIMIT='five': expected a whole number"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE='Mars/Olympus': unknown time zone"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: expected a URL starting with"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: expected a URL starting with"),
        ("UPLOAD_MAX_MB", "0", "UPLOAD_MAX_MB=0: must be at least 1"),
    ],
)
def test_a_bad_value_stops_start_up(
    variable: str, value: str, message: str, tmp_path: Path
) -> None:
    result = manage("check", env={"DATA_DIR": str(tmp_path), variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_without_a_secret_key_stops(tmp_path: Path) -> None:
    env = PRODUCTION | {"DATA_DIR": str(tmp_path), "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_the_embedded_demo(settings: object) -> None:
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "ru"
    assert os.environ.get("TIME_ZONE", "Europe/Moscow") == live.TIME_ZONE
    if not os.environ.get("REDIS_URL"):
        assert live.CELERY_TASK_ALWAYS_EAGER is True
