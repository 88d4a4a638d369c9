"""Reads of the assessments app shared by several views; querysets are already restricted.

Campaigns themselves are public within the portal (everyone sees the catalogue); what a
campaign holds per school — results, uploads, reference rows of a school — goes through
`for_user`, so a director only ever counts and sees his own school's rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments.choices import UploadStatus
from assessments.models import (
    Campaign,
    CampaignEvent,
    CampaignTask,
    EgeThreshold,
    Procedure,
    ReferenceValue,
    Result,
    ResultUpload,
    Subject,
)
from schools.choices import ORG_TYPE_FAMILY, OrgFamily, OrgType
from schools.models import School

# Which general schools teach which grades: a НОШ stops at 4, an ООШ at 9, an evening
# school only has the senior grades. Used to know which schools a campaign expects.
_GRADES_BY_TYPE: dict[str, range] = {
    OrgType.NOSH: range(1, 5),
    OrgType.OOSH: range(1, 10),
    OrgType.EVENING: range(9, 12),
    OrgType.CADET: range(5, 12),
}


def school_takes_grade(org_type: str, grade: int) -> bool:
    """Whether a school of this type has pupils of this grade (kindergartens never)."""
    if ORG_TYPE_FAMILY.get(OrgType(org_type)) != OrgFamily.GENERAL:
        return False
    return grade in _GRADES_BY_TYPE.get(org_type, range(1, 12))


def _result_scope(user: Any, prefix: str = "") -> Q:
    """A Q on results (through `prefix`) that keeps only what `user` may count."""
    if user.sees_all_schools:
        if user.municipality_id:
            return Q(**{f"{prefix}school__municipality": user.municipality_id})
        return Q()
    if user.is_director and user.school_id:
        return Q(**{f"{prefix}school__in": user.visible_school_ids()})
    return Q(pk__in=[])


def _count(queryset: QuerySet[Any], expression: Any) -> Coalesce:
    """A correlated COUNT per campaign (subqueries, so two counts never multiply)."""
    counted = (
        queryset.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(n=expression)
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    """The catalogue with, per campaign, the participants and schools the user may count."""
    results = Result.objects.filter(_result_scope(user))
    return (
        Campaign.objects.for_user(user)
        .select_related("procedure", "subject")
        .annotate(
            participants=_count(results.filter(absent=False), Count("pk")),
            school_count=_count(results, Count("school", distinct=True)),
            task_count=_count(CampaignTask.objects.all(), Count("pk")),
        )
    )


def campaign_results(campaign: Campaign, user: Any) -> QuerySet[Result]:
    return Result.objects.for_user(user).filter(campaign=campaign)


def municipal_results(campaign: Campaign, user: Any) -> QuerySet[Result]:
    """Every result of the user's municipality: the base of the municipal totals.

    A director sees the municipal figures (never other schools' rows), so his totals are
    taken over his school's municipality.
    """
    results = Result.objects.filter(campaign=campaign)
    if user.sees_all_schools:
        if user.municipality_id:
            return results.filter(school__municipality=user.municipality_id)
        return results
    if user.is_director and user.school_id:
        return results.filter(school__municipality=user.school.municipality_id)
    return results.none()


def visible_schools(user: Any) -> QuerySet[School]:
    return School.objects.for_user(user).select_related("municipality")


def expected_schools(campaign: Campaign, user: Any) -> list[School]:
    """Schools that should send results for the campaign: active, teaching its grade."""
    return [
        school
        for school in visible_schools(user).filter(is_active=True).order_by("short_name")
        if school_takes_grade(school.org_type, campaign.grade)
    ]


def campaign_uploads(campaign: Campaign, user: Any) -> QuerySet[ResultUpload]:
    return (
        ResultUpload.objects.for_user(user)
        .filter(campaign=campaign)
        .select_related("school", "uploaded_by")
    )


def campaign_events(campaign: Campaign) -> QuerySet[CampaignEvent]:
    return campaign.events.select_related("user")


def campaign_references(campaign: Campaign, user: Any) -> list[ReferenceValue]:
    """Russia and region rows of the ФИС ОКО aggregate forms imported for the campaign."""
    return list(
        ReferenceValue.objects.for_user(user).filter(
            campaign=campaign, level__in=("russia", "region")
        )
    )


def ege_thresholds(campaign: Campaign) -> list[EgeThreshold]:
    return list(
        EgeThreshold.objects.filter(year=campaign.year, subject=campaign.subject).order_by("value")
    )


def thresholds_for(user: Any) -> QuerySet[EgeThreshold]:
    return EgeThreshold.objects.select_related("subject")


def procedures() -> QuerySet[Procedure]:
    return Procedure.objects.all()


def subjects() -> QuerySet[Subject]:
    return Subject.objects.all()


def home_summary(user: Any) -> dict[str, Any]:
    """What the home page says about assessments: this year's campaigns and open ones."""
    year = Campaign.objects.aggregate(latest=Max("year"))["latest"]
    campaigns = (
        Campaign.objects.for_user(user).filter(year=year) if year else Campaign.objects.none()
    )
    counts = campaigns.aggregate(all=Count("pk"), open=Count("pk", filter=Q(is_locked=False)))
    return {
        "year": year,
        "campaigns": counts["all"],
        "open": counts["open"],
        "uploads_waiting": ResultUpload.objects.for_user(user)
        .filter(status=UploadStatus.CHECKED)
        .count(),
    }
