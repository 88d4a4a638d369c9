"""Reference data and campaigns in Django's admin site (IT staff)."""

from __future__ import annotations

from django.contrib import admin

from assessments.models import (
    Campaign,
    CampaignEvent,
    CampaignTask,
    EgeThreshold,
    MappingProfile,
    OlympiadResult,
    Procedure,
    ReferenceValue,
    ResultUpload,
    ScaleVersion,
    Subject,
)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "has_marks", "has_test_score", "order")
    list_editable = ("order",)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "rcoi_code", "order")
    search_fields = ("name", "code", "rcoi_code")
    list_editable = ("order",)


class CampaignTaskInline(admin.TabularInline):
    model = CampaignTask
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "procedure", "subject", "grade", "is_locked")
    list_filter = ("year", "procedure", "subject", "grade", "is_locked")
    inlines = [CampaignTaskInline]
    readonly_fields = ("created_by", "created_at")


@admin.register(ScaleVersion)
class ScaleVersionAdmin(admin.ModelAdmin):
    list_display = ("campaign", "version", "comment", "created_by", "created_at")
    readonly_fields = ("campaign", "version", "scale", "created_by", "created_at")


@admin.register(CampaignEvent)
class CampaignEventAdmin(admin.ModelAdmin):
    list_display = ("campaign", "action", "user", "created_at", "comment")
    readonly_fields = ("campaign", "action", "user", "created_at", "comment")


@admin.register(EgeThreshold)
class EgeThresholdAdmin(admin.ModelAdmin):
    list_display = ("year", "subject", "kind", "value", "note")
    list_filter = ("year", "kind", "subject")


@admin.register(MappingProfile)
class MappingProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "is_active", "updated_at")


@admin.register(ResultUpload)
class ResultUploadAdmin(admin.ModelAdmin):
    list_display = ("filename", "campaign", "school", "status", "rows", "created_at")
    list_filter = ("status",)
    readonly_fields = ("sha256", "size", "report", "job", "uploaded_by", "created_at")


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    list_display = ("campaign", "kind", "level", "name", "participants")
    list_filter = ("kind", "level")


@admin.register(OlympiadResult)
class OlympiadResultAdmin(admin.ModelAdmin):
    list_display = ("year", "stage", "subject", "grade", "school", "participant_code", "status")
    list_filter = ("year", "stage", "status")
