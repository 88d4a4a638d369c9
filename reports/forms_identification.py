"""Forms of identification: a rule version (its criteria as a formset), a run, a list review."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms import formset_factory

from assessments.choices import ProcedureCode
from reports import identification as ident
from reports.services import known_indicators


def _indicator_choices() -> list[tuple[str, str]]:
    return [
        ("", "— выберите —"),
        *sorted(
            (
                (code, f"{name} ({code})")
                for code, (name, _unit, _better) in known_indicators().items()
            ),
            key=lambda item: item[1],
        ),
    ]


class CriterionForm(forms.Form):
    code = forms.CharField(label="Код", max_length=16)
    indicator = forms.ChoiceField(label="Показатель")
    procedure = forms.ChoiceField(label="Процедура", required=False)
    subject = forms.CharField(label="Предмет", required=False, max_length=100)
    grade = forms.IntegerField(label="Класс", required=False)
    threshold = forms.ChoiceField(label="Вид порога", choices=list(ident.THRESHOLD_KINDS.items()))
    value = forms.CharField(label="Порог", max_length=20)
    span = forms.IntegerField(label="Лет", initial=3)
    need = forms.IntegerField(label="Из них не менее", initial=2)
    min_n = forms.IntegerField(label="Мин. участников", initial=10)
    weight = forms.CharField(label="Вес", initial="1", max_length=20)
    description = forms.CharField(label="Словами", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        field.choices = _indicator_choices()  # type: ignore[attr-defined]
        procedures = [("", "любая"), *ProcedureCode.choices]
        self.fields["procedure"].choices = procedures  # type: ignore[attr-defined]


CriterionFormSet = formset_factory(CriterionForm, extra=1, can_delete=True)


class RuleVersionForm(forms.Form):
    combine = forms.ChoiceField(label="Сочетание критериев", choices=list(ident.COMBINE.items()))
    k = forms.IntegerField(label="K (для «не менее K»)", required=False, initial=1)
    min_score = forms.CharField(label="Порог суммы весов", required=False, max_length=20)
    markers = forms.ChoiceField(
        label="ОО с маркерами необъективности", choices=list(ident.MARKER_HANDLING.items())
    )
    context = forms.ChoiceField(
        label="Поправка на социальный контекст", choices=list(ident.CONTEXT.items())
    )
    context_band = forms.CharField(label="Полоса ИСБШ, ± пунктов", required=False, max_length=10)
    note = forms.CharField(label="Что изменено", widget=forms.Textarea(attrs={"rows": 2}))


def definition_initial(definition: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The forms' initial data of a stored definition."""
    rule = {key: definition.get(key) for key in RuleVersionForm.base_fields if key != "note"}
    return rule, [dict(c) for c in definition.get("criteria", [])]


def definition_from(form: RuleVersionForm, formset: Any) -> dict[str, Any]:
    """The definition the forms describe (checked by the service, not here)."""
    data = form.cleaned_data
    criteria = []
    for row in formset.cleaned_data:
        if not row or row.get("DELETE"):
            continue
        criteria.append({key: value for key, value in row.items() if key != "DELETE"})
    return {
        "criteria": criteria,
        "combine": data["combine"],
        "k": data.get("k") or 1,
        "min_score": data.get("min_score") or "0",
        "markers": data["markers"],
        "context": data["context"],
        "context_band": data.get("context_band") or "10",
        "context_min_group": 5,
    }


class RunForm(forms.Form):
    year = forms.TypedChoiceField(label="Год", coerce=int)
    version = forms.TypedChoiceField(label="Версия", coerce=int)

    def __init__(self, *args: Any, versions: list[int], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["version"].choices = [(v, f"версия {v}") for v in versions]  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    school = forms.TypedChoiceField(label="ОО", coerce=int)
    included = forms.TypedChoiceField(
        label="Действие",
        coerce=lambda v: v == "1",
        choices=[("1", "включить в перечень"), ("0", "исключить из перечня")],
    )
    reason = forms.CharField(label="Причина", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, schools: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = schools  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    act_number = forms.CharField(label="Номер акта", max_length=64)
    act_date = forms.DateField(
        label="Дата акта", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_act_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["act_date"]
        if value > datetime.date.today() + datetime.timedelta(days=1):
            raise forms.ValidationError("Дата акта не может быть в будущем.")
        return value
