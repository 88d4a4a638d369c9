"""Row-level access, in one place.

Every model that belongs to a school has a queryset derived from `ScopedQuerySet`; its
`for_user(user)` keeps only the rows the user may see. Views never look an object up
outside that queryset (see `msoko.access.ScopedObjectMixin`), so a director asking for
another school's object gets 404, not 403: the object does not exist for him.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models
from django.db.models import Q

from msoko.choices import Role

_Q = TypeVar("_Q", bound="ScopedQuerySet")


def is_signed_in(user: Any) -> bool:
    """A signed-in, active user (anonymous and deactivated users see nothing)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the path from its model to the owning school.

    `school_lookup` is the field path to `schools.School` (``"pk"`` for School itself);
    `school_lookup_many` says the path crosses a to-many relation (a road map reaches its
    schools through its tasks), so rows are picked by id to avoid duplicates.
    `municipality_lookup` is the path to `schools.Municipality`; with
    `unbound_rows_shared`, rows bound to no municipality (department-wide road maps) are
    seen in every municipality.
    """

    school_lookup: ClassVar[str] = "school"
    school_lookup_many: ClassVar[bool] = False
    municipality_lookup: ClassVar[str] = "school__municipality"
    unbound_rows_shared: ClassVar[bool] = False

    def for_user(self: _Q, user: Any) -> _Q:
        if not is_signed_in(user):
            return self.none()
        if user.sees_all_schools:
            if not (user.municipality_id and self.municipality_lookup):
                return self
            scope = Q(**{self.municipality_lookup: user.municipality_id})
            if self.unbound_rows_shared:
                scope |= Q(**{f"{self.municipality_lookup}__isnull": True})
            return self.filter(scope)
        if user.role == Role.DIRECTOR and user.school_id:
            mine = Q(**{f"{self.school_lookup}__in": user.visible_school_ids()})
            if self.school_lookup_many:
                return self.filter(pk__in=self.model._default_manager.filter(mine).values("pk"))
            return self.filter(mine)
        return self.none()
