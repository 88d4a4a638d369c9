"""Building blocks of the permission matrix, shared by the per-app case lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "specialist", "official", "admin", "director_a", "director_b")


@dataclass(frozen=True)
class Case:
    """Expected statuses for one URL. `args` takes the world and returns the URL arguments."""

    expected: dict[str, int]
    args: Callable[[dict[str, Any]], list[Any]] = lambda world: []
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    expected = {role: status for role in ROLES}
    expected["anonymous"] = 302
    expected.update(overrides)
    return expected


def editors_only(status: int = 200) -> dict[str, int]:
    return everyone(403, specialist=status, admin=status)


OWN_SCHOOL = everyone(200, director_b=404)
PASSPORT_EDIT = everyone(200, official=403, director_b=404)
