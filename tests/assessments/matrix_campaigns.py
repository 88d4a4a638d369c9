"""Permission-matrix cases of the campaigns pages of the assessments app."""

from __future__ import annotations

from typing import Any

from tests.matrix import Case

CASES: dict[str, Case] = {}


def build_world(world: dict[str, Any]) -> None:
    """Add the objects these URLs need (build_world of campaigns runs first)."""
