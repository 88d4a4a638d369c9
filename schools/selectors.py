"""Reads of the registry shared by several views; every queryset is already restricted."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from msoko.history import HistoryEntry, history_entries
from msoko.models import User
from schools.choices import ORG_TYPE_FAMILY, OrgFamily
from schools.models import Municipality, School, SocialPassport, WellbeingSettings


def schools_for(user: User) -> QuerySet[School]:
    """Schools the user may see, with figures of their latest social passport."""
    latest = SocialPassport.objects.filter(school=OuterRef("pk")).order_by("-year")
    return (
        School.objects.for_user(user)
        .select_related("municipality")
        .annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            latest_pupils=Subquery(latest.values("pupils_total")[:1]),
            latest_index=Subquery(latest.values("wellbeing_index")[:1]),
            latest_shnsu=Subquery(latest.values("is_shnsu")[:1]),
        )
    )


def passports_for(user: User) -> QuerySet[SocialPassport]:
    return SocialPassport.objects.for_user(user).select_related("school", "school__municipality")


def municipalities_for(user: User) -> QuerySet[Municipality]:
    return Municipality.objects.for_user(user)


def settings_for_user(user: User) -> list[WellbeingSettings]:
    from schools.services import settings_for

    return [settings_for(municipality) for municipality in municipalities_for(user)]


def home_summary(user: User) -> dict[str, Any]:
    schools = School.objects.for_user(user)
    passports = SocialPassport.objects.for_user(user)
    latest_year = passports.order_by("-year").values_list("year", flat=True).first()
    general = [t for t, family in ORG_TYPE_FAMILY.items() if family == OrgFamily.GENERAL]
    counts = schools.filter(is_active=True).aggregate(
        active=Count("pk"), general=Count("pk", filter=Q(org_type__in=general))
    )
    return {
        "schools": counts["active"],
        "general": counts["general"],
        "latest_year": latest_year,
        "shnsu": passports.filter(year=latest_year, is_shnsu=True).count() if latest_year else 0,
        "own_school": user.school if user.is_director else None,
    }


def school_history(school: School, limit: int = 100) -> list[HistoryEntry]:
    """Changes of the school card and of its passports, newest first."""
    school_records = school.history.select_related("history_user").order_by("-history_date")[:limit]
    passport_records = (
        SocialPassport.history.filter(school_id=school.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    entries = history_entries(school_records, lambda r: "Карточка ОО", School)
    entries += history_entries(
        passport_records, lambda r: f"Социальный паспорт {r.year} г.", SocialPassport
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def municipalities_named(queryset: Any, wanted: str) -> Any:
    """The municipalities of `queryset` named on a command line by ОКТМО or id."""
    return queryset.filter(oktmo=wanted) | queryset.filter(
        pk=int(wanted) if wanted.isdigit() else 0
    )
