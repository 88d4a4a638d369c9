"""Bulk commands: the registry import from a path, a road map to standard output."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from schools.models import Municipality, School
from tests.schools.builders import registry_file

pytestmark = pytest.mark.django_db


def test_import_registry_dry_run_writes_nothing_then_imports(tmp_path: Path) -> None:
    path = tmp_path / "reestr.xlsx"
    path.write_bytes(registry_file())
    out = io.StringIO()
    call_command("import_registry", str(path), "--dry-run", stdout=out)
    assert "Проверка пройдена" in out.getvalue()
    assert not School.objects.exists() and not Municipality.objects.exists()
    call_command("import_registry", str(path), stdout=out)
    assert "Реестр загружен" in out.getvalue()
    count = School.objects.count()
    assert count > 0
    assert School.history.filter(history_user=None).count() == count  # no user: the command
    call_command("import_registry", str(path), stdout=out)  # again: nothing changes
    assert School.objects.count() == count and School.history.count() == count


def test_import_registry_refuses_a_bad_file_with_the_place_of_the_error(tmp_path: Path) -> None:
    def break_login(rows: Any) -> None:
        rows["ОО"][1][0] = "school-1"  # not edu + six digits

    path = tmp_path / "reestr.xlsx"
    path.write_bytes(registry_file(break_login))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Файл не загружен"):
        call_command("import_registry", str(path), stdout=out)
    assert "Лист «ОО», строка" in out.getvalue()
    assert not School.objects.exists()
    with pytest.raises(CommandError, match="не найден"):
        call_command("import_registry", str(tmp_path / "nope.xlsx"))


def test_export_roadmap_writes_to_standard_output(specialist: Any, capfdbinary: Any) -> None:
    from tests.roadmaps.builders import make_roadmap, make_task

    roadmap = make_roadmap(specialist)
    make_task(roadmap, title="Анализ результатов ВПР", user=specialist)
    call_command("export_roadmap", roadmap.pk, "--output", "-")
    content = capfdbinary.readouterr().out
    assert content.startswith(b"PK")
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Анализ результатов ВПР" in values
