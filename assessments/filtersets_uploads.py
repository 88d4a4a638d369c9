"""Filters of the upload history."""

from __future__ import annotations

from typing import Any

import django_filters

from assessments.choices import UploadStatus
from assessments.models import Campaign, ResultUpload
from assessments.parsing import FORMAT_LABELS
from schools.filtersets import SearchFilterSet
from schools.models import School


class ResultUploadFilterSet(SearchFilterSet):
    search_fields = ("filename", "sha256", "uploaded_by__username", "uploaded_by__last_name")

    status = django_filters.ChoiceFilter(
        choices=UploadStatus.choices, label="Состояние", empty_label="Любое"
    )
    format = django_filters.ChoiceFilter(
        choices=list(FORMAT_LABELS.items()), label="Формат", empty_label="Любой"
    )
    campaign = django_filters.ModelChoiceFilter(
        queryset=Campaign.objects.none(), label="Кампания", empty_label="Все"
    )
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), label="ОО", empty_label="Все"
    )

    class Meta:
        model = ResultUpload
        fields = ["q", "status", "format", "campaign", "school"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["campaign"].queryset = Campaign.objects.for_user(user).select_related(
                "procedure", "subject"
            )
            self.filters["school"].queryset = School.objects.for_user(user)
