"""Filters of the campaign catalogue, the ЕГЭ threshold table and the objectivity markers."""

from __future__ import annotations

from typing import Any

import django_filters

from assessments import objectivity
from assessments.choices import ProcedureCode, ThresholdKind
from assessments.models import (
    Campaign,
    EgeThreshold,
    MappingProfile,
    ObjectivityMarker,
    Procedure,
    Subject,
)
from msoko.querysets import user_municipality_id
from schools.filtersets import SearchFilterSet, YesNoAll
from schools.models import Municipality

GRADES = [(grade, f"{grade} класс") for grade in range(1, 12)]
LOCKED = [("true", "закрыт"), ("false", "открыт")]


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("subject__name", "procedure__name", "procedure__code", "variants")

    year = django_filters.NumberFilter(label="Год")
    procedure = django_filters.ModelChoiceFilter(
        queryset=Procedure.objects.all(), label="Процедура", empty_label="Все"
    )
    subject = django_filters.ModelChoiceFilter(
        queryset=Subject.objects.all(), label="Предмет", empty_label="Все"
    )
    grade = django_filters.ChoiceFilter(choices=GRADES, label="Класс", empty_label="Все")
    is_locked = django_filters.BooleanFilter(label="Приём результатов закрыт", widget=YesNoAll)

    class Meta:
        model = Campaign
        fields = ["q", "year", "procedure", "subject", "grade", "is_locked"]


class EgeThresholdFilterSet(SearchFilterSet):
    search_fields = ("subject__name", "note")

    year = django_filters.NumberFilter(label="Год")
    subject = django_filters.ModelChoiceFilter(
        queryset=Subject.objects.all(), label="Предмет", empty_label="Все"
    )
    kind = django_filters.ChoiceFilter(
        choices=ThresholdKind.choices, label="Вид порога", empty_label="Все"
    )

    class Meta:
        model = EgeThreshold
        fields = ["q", "year", "subject", "kind"]


class MappingProfileFilterSet(SearchFilterSet):
    search_fields = ("name", "region")

    kind = django_filters.ChoiceFilter(
        choices=[("ege", "ЕГЭ"), ("oge", "ОГЭ")], label="Протокол", empty_label="Любой"
    )

    class Meta:
        model = MappingProfile
        fields = ["q", "kind"]


MARKER_CHOICES = [(code, name) for code, name in objectivity.MARKER_SHORT.items()]
MARKER_PROCEDURES = [
    (code.value, code.label) for code in (ProcedureCode.VPR, ProcedureCode.OGE, ProcedureCode.EGE)
]


class ObjectivityMarkerFilterSet(SearchFilterSet):
    """The objectivity markers' list: year, marker, procedure, subject, grade, municipality
    (for those who see several) and the school by name or login."""

    search_fields = ("school__short_name", "school__full_name", "school__login")

    year = django_filters.NumberFilter(label="Год")
    code = django_filters.ChoiceFilter(choices=MARKER_CHOICES, label="Маркер", empty_label="Все")
    procedure = django_filters.ChoiceFilter(
        choices=MARKER_PROCEDURES, label="Процедура", empty_label="Все"
    )
    subject = django_filters.ModelChoiceFilter(
        queryset=Subject.objects.all(), label="Предмет", empty_label="Все"
    )
    grade = django_filters.ChoiceFilter(choices=GRADES, label="Класс", empty_label="Все")
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.none(), label="Муниципалитет", empty_label="Все"
    )

    class Meta:
        model = ObjectivityMarker
        fields = ["year", "code", "procedure", "subject", "grade", "municipality", "q"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        municipalities = Municipality.objects.for_user(user) if user is not None else None
        if municipalities is None or user_municipality_id(user):
            del self.filters["municipality"]  # bound to one: nothing to choose
        else:
            self.filters["municipality"].queryset = municipalities
