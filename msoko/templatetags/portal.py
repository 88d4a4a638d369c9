from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.forms.widgets import CheckboxInput, RadioSelect, Select, SelectMultiple

from msoko import formatting

register = template.Library()


@register.filter
def widget_class(field: BoundField) -> str:
    """Bootstrap class of a form field's widget."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (Select, SelectMultiple)) and not isinstance(widget, RadioSelect):
        return "form-select"
    return "form-control"


@register.simple_tag
def field_widget(field: BoundField) -> Any:
    css = widget_class(field)
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """A percentage: 12.345 → «12,3 %»; None → «—» (see msoko.formatting)."""
    return formatting.percent(value, int(digits))


@register.filter
def decimal_ru(value: Any, digits: int = 1) -> str:
    """A figure: 12345.65 → «12 345,7»; None → «—» (see msoko.formatting)."""
    return formatting.number(value, int(digits))


@register.filter
def signed_ru(value: Any, digits: int = 1) -> str:
    """A change: 11.25 → «+11,3»; −2 → «−2,0»; None → «—» (see msoko.formatting)."""
    return formatting.signed(value, int(digits))


@register.simple_tag
def figure(value: Any, unit: str, digits: int = 1) -> str:
    """A figure in its unit: «12,3 %» for a percentage, else «4,12» (see msoko.formatting)."""
    return formatting.value(value, unit, int(digits))


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for export links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def int_ru(value: Any) -> str:
    """A count: 100000 → «100 000»; None → «—» (see msoko.formatting)."""
    return formatting.integer(value)


@register.filter
def person(user: Any, nobody: str = "командная строка") -> str:
    """Who did something: full name, else login; `nobody` when no user (a command, the system)."""
    if user is None:
        return nobody
    return user.get_full_name() or user.username
