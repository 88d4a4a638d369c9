"""Filters of the road-map lists; the shared free-text `q` comes from the registry's base."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from msoko.choices import Role
from msoko.models import User
from roadmaps.choices import CLOSED_STATUSES, OccurrenceStatus, RoadmapStatus
from roadmaps.models import Direction, Occurrence, Roadmap
from schools.filtersets import SearchFilterSet
from schools.models import School

OVERDUE = "overdue"


class RoadmapFilterSet(SearchFilterSet):
    search_fields = ("title", "act_number", "act_issuer")

    status = django_filters.ChoiceFilter(
        choices=RoadmapStatus.choices, label="Состояние", empty_label="Любое"
    )
    year = django_filters.NumberFilter(method="in_year", label="Действует в году")

    class Meta:
        model = Roadmap
        fields = ["q", "status", "year"]

    def in_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(start_year__lte=value, end_year__gte=value)


def _short(obj: Any) -> str:
    text = str(obj)
    return text if len(text) <= 60 else text[:57] + "…"


class MineOrAll(forms.Select):
    """«Мои» / «Все»: a select, not a checkbox, so that «Все» is sent and stays chosen."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=[("true", "Мои"), ("false", "Все")])


class OccurrenceFilterSet(SearchFilterSet):
    """«Мои задачи»: status (with the computed «просрочено»), direction, responsible,
    school, due period."""

    search_fields = ("task__title", "task__number", "label", "task__roadmap__title")

    status = django_filters.ChoiceFilter(
        choices=[*OccurrenceStatus.choices, (OVERDUE, "Просрочено")],
        method="by_status",
        label="Статус",
        empty_label="Любой",
    )
    direction = django_filters.ModelChoiceFilter(
        field_name="task__section__direction",
        queryset=Direction.objects.all(),
        label="Направление",
        empty_label="Все",
    )
    responsible = django_filters.ModelChoiceFilter(
        field_name="task__responsible_users",
        queryset=User.objects.none(),
        label="Ответственный",
        empty_label="Все",
        distinct=True,
    )
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), label="ОО", empty_label="Все"
    )
    roadmap = django_filters.ModelChoiceFilter(
        field_name="task__roadmap",
        queryset=Roadmap.objects.none(),
        label="Дорожная карта",
        empty_label="Все",
    )
    due = django_filters.DateFromToRangeFilter(
        label="Срок (с — по)",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    mine = django_filters.BooleanFilter(method="only_mine", label="Чьи", widget=MineOrAll)

    class Meta:
        model = Occurrence
        fields = ["q", "status", "direction", "responsible", "school", "roadmap", "due", "mine"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            self.filters["school"].queryset = School.objects.for_user(user)
            self.filters["roadmap"].queryset = Roadmap.objects.for_user(user)
            self.filters["responsible"].queryset = User.objects.filter(
                is_active=True, role__in=[Role.SPECIALIST, Role.ADMIN]
            )
            if user.is_director:
                # A director's list is his school's already.
                for name in ("responsible", "mine", "school"):
                    del self.filters[name]
        self.form.fields["direction"].label_from_instance = _short
        self.form.fields["roadmap"].label_from_instance = _short

    def by_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        today = timezone.localdate()
        if value == OVERDUE:
            return queryset.filter(due__lt=today).exclude(status__in=CLOSED_STATUSES)
        queryset = queryset.filter(status=value)
        if value not in CLOSED_STATUSES:
            # «просрочено» is shown instead of the stored status once the date has passed.
            queryset = queryset.filter(due__gte=today)
        return queryset

    def only_mine(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """The user's own tasks: named responsible, or the road map's owner; an archived
        road map's tasks are nobody's any more unless that road map is chosen."""
        user = getattr(self.request, "user", None)
        if not value or user is None or user.is_director:
            return queryset
        queryset = queryset.filter(Q(task__responsible_users=user) | Q(task__roadmap__owner=user))
        if not self.form.cleaned_data.get("roadmap"):
            queryset = queryset.exclude(task__roadmap__status=RoadmapStatus.ARCHIVED)
        return queryset.distinct()
