"""Filters of the register of recommendations and of decisions (with the shared `q`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from roadmaps.models import (
    AddresseeGroup,
    BasisKind,
    Decision,
    Recommendation,
    RecommendationStatus,
)
from schools.filtersets import SearchFilterSet
from schools.models import School


class RecommendationFilterSet(SearchFilterSet):
    """Year, state, addressee (a school or a group), kind of basis and free text."""

    search_fields = ("number", "text", "basis_text", "basis_code", "response", "school__short_name")

    year = django_filters.NumberFilter(label="Год")
    status = django_filters.ChoiceFilter(
        choices=RecommendationStatus.choices, label="Состояние", empty_label="Любое"
    )
    addressee = django_filters.ChoiceFilter(
        choices=(), method="by_addressee", label="Адресат", empty_label="Все"
    )
    basis_kind = django_filters.ChoiceFilter(
        choices=BasisKind.choices, label="Основание", empty_label="Любое"
    )

    class Meta:
        model = Recommendation
        fields = ["q", "year", "status", "addressee", "basis_kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.is_director:
            del self.filters["addressee"]  # a director's list is his school's already
            return
        schools = (
            School.objects.for_user(user).filter(is_active=True).order_by("short_name")
            if user is not None
            else School.objects.none()
        )
        choices = [
            (f"g:{value}", f"группа: {label}") for value, label in AddresseeGroup.choices if value
        ]
        choices += [(f"s:{pk}", name) for pk, name in schools.values_list("pk", "short_name")]
        self.filters["addressee"].extra["choices"] = choices

    def by_addressee(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        kind, _, key = value.partition(":")
        if kind == "g":
            return queryset.filter(group=key)
        if kind == "s" and key.isdigit():
            return queryset.filter(school=int(key))
        return queryset


class DecisionFilterSet(SearchFilterSet):
    search_fields = ("act_number", "title", "text", "school__short_name")

    year = django_filters.NumberFilter(label="Год")
    scope = django_filters.ChoiceFilter(
        choices=[("school", "одной ОО"), ("municipality", "муниципалитета в целом")],
        method="by_scope",
        label="Касается",
        empty_label="Всех",
    )

    class Meta:
        model = Decision
        fields = ["q", "year", "scope"]

    def by_scope(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(~Q(school=None) if value == "school" else Q(school=None))
