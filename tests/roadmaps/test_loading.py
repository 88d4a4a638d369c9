"""Loading the seed road maps, the import command and the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from roadmaps.deadlines import occurrences, parse_deadline
from roadmaps.models import Occurrence, Roadmap, Task
from roadmaps.services import roadmap_load
from tests.roadmaps.test_import import build_docx, build_xlsx
from tests.roadmaps.test_seed_roadmaps import EXPECTED_TASKS, ROADMAP_FILES, _all_tasks


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_every_seed_road_map_loads_with_its_occurrences(path: Path, specialist: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    roadmap = roadmap_load(data=data, owner=specialist)
    assert roadmap.tasks.count() == EXPECTED_TASKS[path.name]
    start, end = data["period"]
    expected = sum(
        len(occurrences(parse_deadline(task["deadline"]), start, end))
        for task, _ in _all_tasks(data)
    )
    assert Occurrence.objects.filter(task__roadmap=roadmap).count() == expected
    assert roadmap.sections.exclude(direction=None).exists() or path.name.startswith("seed_001")
    # Deadlines are kept verbatim.
    texts = {task["deadline"] for task, _ in _all_tasks(data)}
    assert set(roadmap.tasks.values_list("deadline_text", flat=True)) <= {
        " ".join(t.split()) for t in texts
    }


def test_import_roadmap_command_dry_run_and_commit(specialist: Any, tmp_path: Any) -> None:
    path = tmp_path / "karta.docx"
    path.write_bytes(build_docx())
    call_command("import_roadmap", str(path), "--period", "2024-2026", "--dry-run")
    assert not Roadmap.objects.exists()
    call_command("import_roadmap", str(path), "--period", "2024-2026", "--title", "Из Word")
    roadmap = Roadmap.objects.get()
    assert roadmap.title == "Из Word" and roadmap.owner == specialist
    assert roadmap.tasks.count() == 5


def test_import_roadmap_command_refuses_bad_files(specialist: Any, tmp_path: Any) -> None:
    path = tmp_path / "karta.xlsx"
    path.write_bytes(build_xlsx(rows=[["1", "", "2024", "", ""]], merge=False))
    with pytest.raises(CommandError, match="исправьте ошибки"):
        call_command("import_roadmap", str(path), "--period", "2024-2026")
    assert not Task.objects.exists()
    with pytest.raises(CommandError, match="период"):
        call_command("import_roadmap", str(path))


def test_import_roadmap_command_takes_a_fixture(specialist: Any) -> None:
    call_command("import_roadmap", str(ROADMAP_FILES[0]))
    assert Roadmap.objects.get().tasks.count() == EXPECTED_TASKS[ROADMAP_FILES[0].name]
