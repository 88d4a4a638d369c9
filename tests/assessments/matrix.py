"""Permission-matrix cases of the assessments pages (see tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Case

CASES: dict[str, Case] = {}


def build_world(world: dict[str, Any]) -> None:
    """Add the objects this app's URLs need (one per school where it matters)."""
