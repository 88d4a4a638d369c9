"""Permission-matrix cases of the olympiads pages (see tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Case

CASES: dict[str, Case] = {}


def build_world(world: dict[str, Any]) -> None:
    """Adds the objects the olympiads URLs need."""
