"""Free-text search that ignores case and ё on both databases, with no migration.

SQLite's LIKE folds ASCII letters only, so «впр» would not find «ВПР» on the embedded
default. Both sides are folded instead: the stored text by `Folded` in the query, the
search term by `fold` in Python. On SQLite `Folded` calls `fold` itself (registered on every
connection by `register_fold`); on PostgreSQL it is `translate(lower(x), …)` with the
Cyrillic capitals spelled out, so the result does not depend on the database's ctype.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, F, Func, Q
from django.db.models.lookups import Contains

SQLITE_FUNCTION = "msoko_fold"

_CYRILLIC_UPPER = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
_CYRILLIC_LOWER = "абвгдеежзийклмнопрстуфхцчшщъыьэюя"


def fold(value: Any) -> str | None:
    """Text as search compares it: lower case, «ё» read as «е»; ``None`` stays ``None``."""
    if value is None:
        return None
    return str(value).lower().replace("ё", "е")


class Folded(Func):
    """`fold` of a text column, computed by the database."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # lower() folds ASCII (and Cyrillic under a UTF-8 ctype); translate() makes the
        # Cyrillic capitals and ё certain under any ctype.
        template = (
            f"translate(lower(%(expressions)s::text), '{_CYRILLIC_UPPER}ё', '{_CYRILLIC_LOWER}е')"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def register_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: gives SQLite connections the function `Folded` calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def _field(model: Any, path: str) -> Any:
    """The model field a lookup path such as ``procedure__code`` ends on, or ``None``."""
    field = None
    for part in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:  # a bad path is reported by the query itself
            return None
        model = field.related_model
    return field


def search_q(fields: Iterable[str], value: str, model: Any = None) -> Q:
    """The shared `q` filter: every word of ``value`` must occur in one of ``fields``.

    With ``model`` given, a field with choices also matches by its label, so «впр» finds
    the campaigns whose procedure code is ``vpr`` (shown as «ВПР»).
    """
    fields = tuple(fields)
    labels: dict[str, list[tuple[Any, str]]] = {}
    for path in fields:
        field = _field(model, path) if model is not None else None
        if field is not None and getattr(field, "choices", None):
            labels[path] = [(key, fold(label) or "") for key, label in field.flatchoices]
    query = Q()
    for term in value.split():
        folded = fold(term) or ""
        term_query = Q()
        for path in fields:
            term_query |= Q(Contains(Folded(F(path)), folded))
            keys = [key for key, label in labels.get(path, ()) if folded in label]
            if keys:
                term_query |= Q(**{f"{path}__in": keys})
        query &= term_query
    return query
