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
