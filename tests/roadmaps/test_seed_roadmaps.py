"""The road maps of the seed documents, converted to ``fixtures/roadmaps/*.json``.

Checks that the fixtures are well-formed (a loader can trust them) and that every deadline in
them is understood by the deadline parser or listed below with the reason it cannot be.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from roadmaps.deadlines import occurrences, parse_deadline

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps"
ROADMAP_FILES = sorted(FIXTURES.glob("seed_*.json"))
DIRECTIONS = json.loads((FIXTURES / "directions.json").read_text(encoding="utf-8"))
DIRECTION_CODES = {d["code"] for d in DIRECTIONS}

# Tasks without a deadline in the seed; a group row with children needs none.
KNOWN_UNREADABLE: dict[tuple[str, str], str] = {
    ("seed_002_akusha_app4.json", "5"): "heading row «…:»; its sub-items are not in the seed",
    ("seed_002_akusha_app7.json", "3"): "the seed row has no deadline, indicator or executor",
    ("seed_003_tula_app2.json", "4.4"): "the «Сроки исполнения» cell is empty in the seed",
    ("seed_003_tula_app2.json", "4.5"): "the «Сроки исполнения» cell is empty in the seed",
    ("seed_003_tula_app2.json", "4.6"): "the «Сроки исполнения» cell is empty in the seed",
}

# Tasks per fixture, counting nested tasks (group rows included).
EXPECTED_TASKS = {
    "seed_001_magdagachi.json": 17,
    "seed_001_magdagachi_measures.json": 11,
    "seed_002_akusha_app1.json": 20,
    "seed_002_akusha_app2.json": 17,
    "seed_002_akusha_app3.json": 14,
    "seed_002_akusha_app4.json": 7,
    "seed_002_akusha_app5.json": 8,
    "seed_002_akusha_app6.json": 8,
    "seed_002_akusha_app7.json": 6,
    "seed_003_tula_app1.json": 25,
    "seed_003_tula_app2.json": 21,
    "seed_004_makhnevo.json": 33,
}

NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
TASK_KEYS = {
    "number",
    "title",
    "deadline",
    "responsible",
    "indicator",
    "expected_result",
    "children",
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _walk(
    tasks: list[dict[str, Any]], parent: str | None = None
) -> Iterator[tuple[dict[str, Any], str | None]]:
    for task in tasks:
        yield task, parent
        yield from _walk(task["children"], task["number"])


def _all_tasks(data: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
    return [pair for section in data["sections"] for pair in _walk(section["tasks"])]


def test_every_seed_with_a_task_table_has_fixtures() -> None:
    # Seed 000 (Сампурский район) is a concept without a task table: no fixture.
    assert [p.name for p in ROADMAP_FILES] == sorted(EXPECTED_TASKS)
    assert not list(FIXTURES.glob("seed_000*"))


def test_directions_reference_is_well_formed() -> None:
    assert [d["code"] for d in DIRECTIONS] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "objectivity", "methodical",
    ]  # fmt: skip
    assert [d["order"] for d in DIRECTIONS] == list(range(1, 11))
    assert all(d["title"].strip() for d in DIRECTIONS)


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_roadmap_header_is_well_formed(path: Path) -> None:
    data = _load(path)
    assert set(data) == {"title", "municipality", "act", "period", "sections"}
    assert data["title"].strip() and data["municipality"].strip()
    act = data["act"]
    assert set(act) == {"kind", "number", "date", "issuer"}
    assert act["kind"] in {"приказ", "постановление"}
    assert act["issuer"].strip()
    datetime.date.fromisoformat(act["date"])
    start, end = data["period"]
    assert 2019 <= start <= end <= 2030
    assert data["sections"]


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_sections_and_tasks_are_well_formed(path: Path) -> None:
    data = _load(path)
    for section in data["sections"]:
        assert set(section) == {"direction", "title", "tasks"}
        assert section["direction"] is None or section["direction"] in DIRECTION_CODES
        assert section["title"].strip()
        assert section["tasks"]
    for task, _ in _all_tasks(data):
        assert set(task) == TASK_KEYS
        assert task["title"].strip(), task["number"]
        assert isinstance(task["responsible"], list)
        assert all(isinstance(r, str) and r.strip() for r in task["responsible"])
        assert isinstance(task["indicator"], str)
        assert isinstance(task["expected_result"], str)


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_numbers_are_hierarchical_and_unique(path: Path) -> None:
    numbers = []
    for task, parent in _all_tasks(_load(path)):
        number = task["number"]
        assert NUMBER.match(number), number
        if parent is not None:
            assert number.startswith(parent + "."), (parent, number)
            assert number.count(".") == parent.count(".") + 1, (parent, number)
        numbers.append(number)
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_task_count(path: Path) -> None:
    assert len(_all_tasks(_load(path))) == EXPECTED_TASKS[path.name]


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_every_deadline_is_understood_or_known_unreadable(path: Path) -> None:
    data = _load(path)
    for task, _ in _all_tasks(data):
        key = (path.name, task["number"])
        schedule = parse_deadline(task["deadline"])
        if key in KNOWN_UNREADABLE:
            assert schedule.kind == "unparsed", key
        elif task["children"] and not task["deadline"]:
            continue  # a group row: its children carry the deadlines
        else:
            assert schedule.kind != "unparsed", (key, task["deadline"])


def test_known_unreadable_entries_exist() -> None:
    present = {
        (path.name, task["number"]) for path in ROADMAP_FILES for task, _ in _all_tasks(_load(path))
    }
    assert set(KNOWN_UNREADABLE) <= present


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=lambda p: p.name)
def test_dated_tasks_have_occurrences_near_the_period(path: Path) -> None:
    """Every scheduled task gets at least one occurrence, all close to the road map period."""
    data = _load(path)
    start, end = data["period"]
    for task, _ in _all_tasks(data):
        schedule = parse_deadline(task["deadline"])
        found = occurrences(schedule, start, end)
        if schedule.kind in {"unparsed", "conditional"}:
            assert found == []
            continue
        assert found, task["number"]
        for occurrence in found:
            # Relative deadlines and «1 раз в 3 года» cycles may end after the period.
            assert start <= occurrence.due.year <= end + 2, (task["number"], occurrence)
