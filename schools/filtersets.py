from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from msoko.search import search_q
from schools.choices import Locality, OrgType
from schools.models import Municipality, School, SocialPassport


class YesNoAll(forms.Select):
    """A yes / no filter whose empty choice reads «Все», not «Неизвестно»."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=[("", "Все"), ("true", "Да"), ("false", "Нет")])


class SearchFilterSet(django_filters.FilterSet):
    """Adds the shared free-text `q` filter; subclasses name the fields it searches."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Поиск")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(search_q(self.search_fields, value, queryset.model))


class SchoolFilterSet(SearchFilterSet):
    search_fields = ("short_name", "full_name", "login", "inn", "address", "director_name")

    org_type = django_filters.ChoiceFilter(
        choices=OrgType.choices, label="Тип", empty_label="Любой"
    )
    locality = django_filters.ChoiceFilter(
        choices=Locality.choices, label="Местность", empty_label="Любая"
    )
    shnsu = django_filters.BooleanFilter(
        field_name="latest_shnsu", label="ШНСУ (последний паспорт)", widget=YesNoAll
    )
    is_active = django_filters.BooleanFilter(label="Действует", widget=YesNoAll)
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.none(), label="Муниципалитет", empty_label="Все"
    )

    class Meta:
        model = School
        fields = ["q", "org_type", "locality", "shnsu", "is_active", "municipality"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["municipality"].queryset = Municipality.objects.for_user(user)


class PassportFilterSet(SearchFilterSet):
    search_fields = ("school__short_name", "school__login")

    year = django_filters.NumberFilter(label="Год")
    is_shnsu = django_filters.BooleanFilter(label="ШНСУ", widget=YesNoAll)

    class Meta:
        model = SocialPassport
        fields = ["q", "year", "is_shnsu"]
