"""Filters of the campaign catalogue and the ЕГЭ threshold table."""

from __future__ import annotations

import django_filters

from assessments.choices import ThresholdKind
from assessments.models import Campaign, EgeThreshold, MappingProfile, Procedure, Subject
from schools.filtersets import SearchFilterSet, YesNoAll

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
