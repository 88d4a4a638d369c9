"""Permission-matrix cases of the assessments pages (see tests/test_permissions.py).

Each group of pages lists its cases in its own matrix_<pages>.py.
"""

from __future__ import annotations

from typing import Any

from tests.assessments import (
    matrix_campaigns,
    matrix_medalists,
    matrix_objectivity,
    matrix_olympiads,
    matrix_uploads,
)
from tests.matrix import Case

PARTS = (matrix_campaigns, matrix_uploads, matrix_olympiads, matrix_medalists, matrix_objectivity)
CASES: dict[str, Case] = {}
for _part in PARTS:
    CASES.update(_part.CASES)


def build_world(world: dict[str, Any]) -> None:
    for part in PARTS:
        part.build_world(world)
