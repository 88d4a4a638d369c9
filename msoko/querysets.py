"""Row-level access, in one place.

Every model that belongs to a school has a queryset derived from `ScopedQuerySet`; its
`for_user(user)` keeps only the rows the user may see. Views never look an object up
outside that queryset (see `msoko.access.ScopedObjectMixin`), so a director asking for
another school's object gets 404, not 403: the object does not exist for him.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

from msoko.choices import Role

_Q = TypeVar("_Q", bound="ScopedQuerySet")


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the path from its model to the owning school.

    `school_lookup` is the field path to `schools.School` (``"pk"`` for School itself);
    `municipality_lookup` is the path to `schools.Municipality`.
    """

    school_lookup: ClassVar[str] = "school"
    municipality_lookup: ClassVar[str] = "school__municipality"

    def for_user(self: _Q, user: Any) -> _Q:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_all_schools:
            if user.municipality_id and self.municipality_lookup:
                return self.filter(**{self.municipality_lookup: user.municipality_id})
            return self
        if user.role == Role.DIRECTOR and user.school_id:
            return self.filter(**{f"{self.school_lookup}__in": user.visible_school_ids()})
        return self.none()
