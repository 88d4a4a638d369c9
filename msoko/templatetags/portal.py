from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.forms.widgets import CheckboxInput, RadioSelect, Select, SelectMultiple

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
    """A percentage with a decimal comma: 12.345 → «12,3 %»; None → «—»."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{digits}f}".replace(".", ",") + "\u00a0%"


@register.filter
def decimal_ru(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{digits}f}".replace(",", "\u00a0").replace(".", ",")


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for export links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def int_ru(value: Any) -> str:
    """A count with thin groups: 100000 → «100 000»."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", "\u00a0")
