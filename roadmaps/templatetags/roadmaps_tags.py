from __future__ import annotations

from typing import Any

from django import template

from msoko import formatting

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    """Unread portal notifications of the signed-in user (the badge in the menu)."""
    from roadmaps.models import Notification

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()


@register.filter
def ru_number(value: Any) -> str:
    """Decimal 5.50 → «5,5»; None → «—» (msoko.formatting, like every figure)."""
    return formatting.trimmed(None if value == "" else value)


@register.filter
def is_web_link(value: Any) -> bool:
    """Whether a stored link may be an <a href>: http(s) only; anything else is shown as text."""
    from roadmaps.forms import is_web_link as check

    return isinstance(value, str) and check(value)


@register.filter
def collected(value: Any, indicator: Any) -> str:
    """A collected value as people read it: «да» / «нет», «12,5 %», «3» (msoko.formatting).

    A school's yes / no (or document) is 1 / 0; the municipality's is a share of schools,
    shown as a percent (`indicator` then has `municipal=True` passed as «municipal»).
    """
    from assessments import collected as col

    collect = getattr(indicator, "collect", None)
    if value is None or value == "" or collect is None:
        return "—"
    if collect.kind in (col.BOOL, col.DOCUMENT):
        return "да" if value else "нет"
    if collect.kind == col.SHARE:
        return formatting.percent(value, 1)
    return formatting.number(value, indicator.places)


@register.filter
def collected_share(value: Any) -> str:
    """A municipality's share of schools (yes / no, document) or a share: «58,3 %»."""
    return "—" if value is None else formatting.percent(value, 1)


@register.filter
def get_name(names: dict[str, str], code: str) -> str:
    """An indicator's name from a code → name mapping (the code itself when unknown)."""
    return names.get(code, code)
