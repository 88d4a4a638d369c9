"""Filters of the list of data collections (with the shared `q`)."""

from __future__ import annotations

import django_filters

from roadmaps.models import Collection, CollectionStatus
from schools.filtersets import SearchFilterSet


class CollectionFilterSet(SearchFilterSet):
    search_fields = ("title", "set_code")

    year = django_filters.NumberFilter(label="Год")
    status = django_filters.ChoiceFilter(
        choices=CollectionStatus.choices, label="Статус", empty_label="Любой"
    )

    class Meta:
        model = Collection
        fields = ["q", "year", "status"]
