"""The choices of the dashboards: which indicator, subject, grade and year a page shows.

The choices come from what is stored (years, subjects and grades with values); a choice
that is not there falls back to the first that is, so a shared link never breaks a page.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from assessments import catalogue
from assessments.choices import OlympiadStage, ProcedureCode


def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue's indicators grouped by procedure (the collected ones, but for texts,
    under «Мониторинг (сбор от ОО)»), for a select."""
    labels = dict(ProcedureCode.choices)
    groups: dict[str, list[tuple[str, str]]] = {}
    for indicator in catalogue.CATALOGUE.values():
        if indicator.collect is not None and indicator.collect.kind == "text":
            continue
        label = (
            "Мониторинг (сбор от ОО)"
            if indicator.source == catalogue.COLLECTED
            else labels.get(indicator.procedure, indicator.procedure)
        )
        groups.setdefault(label, []).append((indicator.code, indicator.name))
    return list(groups.items())


class AnalyticsForm(forms.Form):
    """Indicator × subject × grade × year (× municipality for a deployment-wide user)."""

    code = forms.ChoiceField(label="Показатель", required=False)
    subject = forms.TypedChoiceField(label="Предмет", coerce=int, required=False, empty_value=None)
    grade = forms.TypedChoiceField(label="Класс", coerce=int, required=False, empty_value=None)
    part = forms.ChoiceField(label="Этап", required=False)
    year = forms.TypedChoiceField(label="Год", coerce=int, required=False, empty_value=None)
    municipality = forms.TypedChoiceField(
        label="Муниципалитет", coerce=int, required=False, empty_value=None
    )
    small = forms.BooleanField(label="Включать выборки менее 10 участников", required=False)

    def __init__(self, data: Any, *, options: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._choices("code").choices = indicator_choices()
        self._choices("subject").choices = [("", "все / не задан")] + [
            (s.pk, s.name) for s in options.get("subjects", [])
        ]
        self._choices("grade").choices = [("", "все / не задан")] + [
            (g, f"{g} класс") for g in options.get("grades", [])
        ]
        stages = dict(OlympiadStage.choices)
        self._choices("part").choices = [("", "все")] + [
            (p, stages.get(p, p)) for p in options.get("parts", [])
        ]
        self.fields[
            "small"
        ].label = f"Включать выборки менее {settings.RANKING_MIN_PARTICIPANTS} участников"
        self._choices("year").choices = [(y, str(y)) for y in options.get("years", [])]
        municipalities = options.get("municipalities") or []
        if municipalities:
            self._choices("municipality").choices = [(m.pk, m.name) for m in municipalities]
        else:
            del self.fields["municipality"]
        if not options.get("parts"):
            del self.fields["part"]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-check-input" if name == "small" else "form-select"
        for name, key in (("subject", "subjects"), ("grade", "grades"), ("year", "years")):
            if not options.get(key):
                del self.fields[name]

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def value(self, name: str, default: Any = None) -> Any:
        """The cleaned choice, or `default` where it was not a valid one."""
        if name not in self.fields:
            return default
        if not self.is_bound:
            return default
        field = self.fields[name]
        raw = self.data.get(name)
        try:
            cleaned = field.clean(raw)
        except forms.ValidationError:
            return default
        return default if cleaned in (None, "") else cleaned
