"""`manage.py import_results PATH [--dry-run]`: same checks and messages as the web."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Result, ResultUpload
from tests.assessments.builders import Pupil, f1_xlsx, sample_schools
from tests.assessments.builders import School as FileSchool
from tests.assessments.test_import_results import make_campaign

pytestmark = pytest.mark.django_db


def test_dry_run_prints_the_plan_and_writes_nothing(
    tmp_path: Path, school_a: Any, capsys: Any
) -> None:
    make_campaign()
    path = tmp_path / "f1.xlsx"
    path.write_bytes(f1_xlsx(sample_schools([school_a.login], 3)))
    call_command("import_results", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "ФИС ОКО, форма Ф1" in out and f"{school_a.login}" in out and "строк 3" in out
    assert Result.objects.count() == 0 and ResultUpload.objects.count() == 0


def test_import_stores_the_results_and_succeeds(tmp_path: Path, school_a: Any, capsys: Any) -> None:
    campaign = make_campaign()
    path = tmp_path / "f1.xlsx"
    path.write_bytes(f1_xlsx(sample_schools([school_a.login], 3)))
    call_command("import_results", str(path))
    assert "Загружено участников: 3" in capsys.readouterr().out
    assert campaign.results.count() == 3
    assert ResultUpload.objects.get().status == "imported"


def test_bad_input_exits_non_zero_with_the_errors(
    tmp_path: Path, school_a: Any, capsys: Any
) -> None:
    make_campaign()
    path = tmp_path / "f1.xlsx"
    pupils = [Pupil(1, [9, 1, 1, 1, 1], mark=4)]
    path.write_bytes(f1_xlsx([FileSchool(school_a.login, "СОШ", pupils)]))
    for extra in (["--dry-run"], []):
        with pytest.raises(CommandError, match="ошибок: 2"):
            call_command("import_results", str(path), *extra)
        err = capsys.readouterr().err
        assert "строка 10, столбец G: балл 9 больше максимума 2 за задание 1" in err
    assert Result.objects.count() == 0


def test_missing_file_and_unknown_user_are_command_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="не читается"):
        call_command("import_results", str(tmp_path / "nope.xlsx"))
    path = tmp_path / "f.csv"
    path.write_text("a;b\n")
    with pytest.raises(CommandError, match="не найден"):
        call_command("import_results", str(path), "--user", "ghost")


def test_the_command_exits_with_status_1_in_a_shell(tmp_path: Path) -> None:
    """The exit status itself, as a shell sees it (CommandError → 1)."""
    import subprocess
    import sys

    path = tmp_path / "not-a-table.xlsx"
    path.write_bytes(b"%PDF-1.7")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_results", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**__import__("os").environ, "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.db")},
    )
    assert done.returncode != 0
    assert "не является книгой Excel" in done.stderr
