"""Permission-matrix cases of the assessments pages (see tests/test_permissions.py).

Campaign pages list their cases in matrix_campaigns.py, upload pages in matrix_uploads.py.
"""

from __future__ import annotations

from typing import Any

from tests.assessments import matrix_campaigns, matrix_uploads
from tests.matrix import Case

CASES: dict[str, Case] = matrix_campaigns.CASES | matrix_uploads.CASES


def build_world(world: dict[str, Any]) -> None:
    matrix_campaigns.build_world(world)
    matrix_uploads.build_world(world)
