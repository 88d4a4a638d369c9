"""Building blocks of the permission matrix, shared by the per-app case lists.

Personas, by what they may reach:
- unbound: `specialist`, `official`, `admin` (a superuser) and `plain_admin` (the admin role,
  not a superuser) are bound to no municipality and see the whole deployment;
- bound to municipality 1: `official_m1`, and the directors `director_a`, `director_b` of
  its schools A and B;
- bound to municipality 2: `specialist_m2`;
- `no_role`: signed in, but with no role of the portal;
- `anonymous`.

Each case gives the statuses for objects of municipality 1. Objects of municipality 2 (a
mirror world built by the same `build_world` functions) are checked too; there a persona
bound to municipality 1 gets 404 wherever it would have been let in, and `specialist_m2`
gets what `specialist` gets at home. In municipality 1, `specialist_m2` gets 404 on every
object. `scoped=False` marks URLs whose object belongs to no municipality (a campaign,
an ЕГЭ threshold, a column profile, a token).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "specialist",
    "official",
    "admin",
    "director_a",
    "director_b",
    "specialist_m2",
    "official_m1",
    "plain_admin",
    "no_role",
)
BOUND_TO_M1 = ("official_m1", "director_a", "director_b")
BOUND_TO_M2 = ("specialist_m2",)
# Statuses that are decided before any object is looked up (the role lacks the page, or the
# method is wrong): another municipality's object does not change them.
DECIDED_BEFORE_LOOKUP = (403, 405)


@dataclass(frozen=True)
class Case:
    """Expected statuses for one URL. `args` takes a world and returns the URL arguments."""

    expected: dict[str, int]
    args: Callable[[dict[str, Any]], list[Any]] | None = None
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    scoped: bool = True
    # False when the view finds the object before it asks the role (a 403 at home is a
    # 404 for another municipality's object).
    role_checked_first: bool = True

    @property
    def has_objects(self) -> bool:
        return self.args is not None

    def url_args(self, world: dict[str, Any]) -> list[Any]:
        return self.args(world) if self.args is not None else []

    def status(self, role: str, municipality: int) -> int:
        """The status `role` must get on this URL with the objects of `municipality` (1 or 2)."""
        expected = self.expected[role]
        if not (self.has_objects and self.scoped):
            return expected
        if expected in DECIDED_BEFORE_LOOKUP and (self.role_checked_first or expected == 405):
            return expected
        if municipality == 1 and role in BOUND_TO_M2:
            return 404
        if municipality == 2:
            if role in BOUND_TO_M1:
                return 404
            if role in BOUND_TO_M2:
                return self.expected["specialist"]
        return expected


def everyone(status: int, **overrides: int) -> dict[str, int]:
    """`status` for every signed-in persona, 302 (to the login page) for the anonymous.

    The new personas follow their likes unless overridden: `specialist_m2` the specialist,
    `official_m1` the official, `plain_admin` the admin; `no_role` gets 403.
    """
    expected = {role: status for role in ROLES}
    expected["anonymous"] = 302
    expected["no_role"] = 403
    expected.update(overrides)
    for persona, like in (
        ("specialist_m2", "specialist"),
        ("official_m1", "official"),
        ("plain_admin", "admin"),
    ):
        if persona not in overrides:
            expected[persona] = expected[like]
    return expected


def editors_only(status: int = 200) -> dict[str, int]:
    return everyone(403, specialist=status, admin=status)


OWN_SCHOOL = everyone(200, director_b=404)
PASSPORT_EDIT = everyone(200, official=403, director_b=404)
