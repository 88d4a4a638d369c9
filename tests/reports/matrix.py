"""Permission-matrix cases of the dashboards (see tests/test_permissions.py).

The school card is an object URL: a director sees only his own school's card, and a
specialist of the other municipality gets 404 for this one's schools.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import OWN_SCHOOL, Case, everyone

CASES: dict[str, Case] = {
    "reports:indicator": Case(everyone(200)),
    "reports:cohorts": Case(everyone(200)),
    "reports:vpr_oge": Case(everyone(200)),
    "reports:school_card": Case(OWN_SCHOOL, args=lambda w: [w["school_a"].pk]),
}


def build_world(world: dict[str, Any]) -> None:
    """The dashboards read the stored values of the campaigns the other apps made."""
