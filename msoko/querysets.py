"""Row-level access, in one place.

Every model that belongs to a school or a municipality has a queryset derived from
`ScopedQuerySet` and declares the path from its rows to `schools.Municipality`; its
`for_user(user)` keeps only the rows the user may see. Views never look an object up
outside that queryset (see `msoko.access.ScopedObjectMixin`), so a director asking for
another school's object, or a specialist asking for another municipality's, gets 404, not
403: the object does not exist for them.

The declaration is enforced twice: a subclass without a municipality path fails at import
(`__init_subclass__`), and `tests/test_scoping.py` walks every model and fails when one that
reaches a school or a municipality has no scoped queryset.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from msoko.choices import Role

_Q = TypeVar("_Q", bound="ScopedQuerySet")

MUNICIPALITY_ALIAS = "_scope_municipality"


def is_signed_in(user: Any) -> bool:
    """A signed-in, active user (anonymous and deactivated users see nothing)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def user_municipality_id(user: Any) -> int | None:
    """The municipality a user is bound to: his own, or for a director his school's."""
    if user is None:
        return None
    if getattr(user, "municipality_id", None):
        return int(user.municipality_id)
    school = getattr(user, "school", None) if getattr(user, "school_id", None) else None
    return int(school.municipality_id) if school is not None else None


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the paths from its model to the owning school and municipality.

    `municipality_lookup` is the field path to `schools.Municipality` (``"pk"`` for
    Municipality itself); a tuple of paths means "the first that is set" (an occurrence
    belongs to its school's municipality, or to its road map's when it has no school).
    It must be declared by every subclass: an empty path is an error, never "no
    restriction". `school_lookup` is the path to `schools.School` (``"pk"`` for School);
    `school_lookup_many` says it crosses a to-many relation (a road map reaches its schools
    through its tasks), so rows are picked by id to avoid duplicates. With
    `unbound_rows_shared`, rows bound to no municipality (department-wide road maps, the
    region's and Russia's reference figures) are seen in every municipality.
    """

    school_lookup: ClassVar[str] = "school"
    school_lookup_many: ClassVar[bool] = False
    municipality_lookup: ClassVar[str | tuple[str, ...]]
    unbound_rows_shared: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        lookup = getattr(cls, "municipality_lookup", None)
        paths = (lookup,) if isinstance(lookup, str) else tuple(lookup or ())
        if not paths or not all(paths):
            raise ImproperlyConfigured(
                f"{cls.__name__} must declare municipality_lookup: the path from its rows "
                "to schools.Municipality (an empty path would let every row through)."
            )

    @classmethod
    def municipality_paths(cls) -> tuple[str, ...]:
        lookup = cls.municipality_lookup
        return (lookup,) if isinstance(lookup, str) else tuple(lookup)

    def in_municipality(self: _Q, municipality_id: int) -> _Q:
        """Rows of one municipality (and the shared unbound rows, where the model has them)."""
        paths = self.municipality_paths()
        if len(paths) == 1:
            field, queryset = paths[0], self
        else:
            field = MUNICIPALITY_ALIAS
            queryset = self.alias(**{MUNICIPALITY_ALIAS: Coalesce(*paths)})
        scope = Q(**{field: municipality_id})
        if self.unbound_rows_shared:
            scope |= Q(**{f"{field}__isnull": True})
        return queryset.filter(scope)

    def for_user(self: _Q, user: Any) -> _Q:
        if not is_signed_in(user):
            return self.none()
        if user.sees_all_schools:
            return self.in_municipality(user.municipality_id) if user.municipality_id else self
        if user.role == Role.DIRECTOR and user.school_id:
            mine = Q(**{f"{self.school_lookup}__in": user.visible_school_ids()})
            if self.school_lookup_many:
                return self.filter(pk__in=self.model._default_manager.filter(mine).values("pk"))
            return self.filter(mine)
        return self.none()
