"""Form behaviour shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


class RussianNumbersMixin:
    """Decimal fields accept numbers typed the Russian way, «20,5», and show them so.

    Django reads a decimal comma only in localized fields, and a localized field needs a
    text input (a browser's number input refuses the comma). Years and counts are integer
    fields and stay as they are. Put it first among a form's bases.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField | forms.FloatField):
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True
