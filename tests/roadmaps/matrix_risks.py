"""Permission-matrix cases of the risks pages (part of tests/roadmaps/matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Case

CASES: dict[str, Case] = {}


def build_world(world: dict[str, Any]) -> None:
    """Add the objects these pages need."""
