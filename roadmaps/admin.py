from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roadmaps.models import (
    CycleAssessment,
    Direction,
    Notification,
    Occurrence,
    Reminder,
    Roadmap,
    RoadmapImport,
    Section,
    Task,
)


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "order", "is_custom")


@admin.register(Roadmap)
class RoadmapAdmin(SimpleHistoryAdmin):
    list_display = ("title", "act_number", "start_year", "end_year", "status")
    list_filter = ("status",)
    search_fields = ("title", "act_number")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "roadmap", "direction", "order")


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "roadmap", "deadline_text", "needs_review")
    list_filter = ("needs_review", "indicator_kind")
    search_fields = ("title", "number", "deadline_text")


@admin.register(Occurrence)
class OccurrenceAdmin(SimpleHistoryAdmin):
    list_display = ("task", "label", "school", "due", "status", "is_overdue")
    list_filter = ("status", "is_overdue")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("occurrence", "user", "kind", "sent_at", "emailed")


admin.site.register(Notification)
admin.site.register(RoadmapImport)
admin.site.register(CycleAssessment, SimpleHistoryAdmin)


# --- «500+» (roadmaps/models/risks.py) ----------------------------------------------------

from roadmaps.models import (  # noqa: E402
    MeasureTemplate,
    RiskDirection,
    RiskProgramme,
    RiskUpload,
    SchoolCurator,
    SchoolRisk,
)


class MeasureTemplateInline(admin.TabularInline):
    model = MeasureTemplate
    extra = 0
    fields = ("order", "title", "deadline_text", "indicator_kind", "target_value", "target_unit")


@admin.register(RiskDirection)
class RiskDirectionAdmin(SimpleHistoryAdmin):
    list_display = ("order", "code", "title", "valid_from", "valid_to")
    inlines = [MeasureTemplateInline]


@admin.register(SchoolRisk)
class SchoolRiskAdmin(SimpleHistoryAdmin):
    list_display = ("school", "year", "risk", "value", "level", "selected", "source")
    list_filter = ("year", "level", "selected", "source")


@admin.register(SchoolCurator)
class SchoolCuratorAdmin(SimpleHistoryAdmin):
    list_display = ("school", "user", "since", "assigned_by")


admin.site.register(RiskProgramme)
admin.site.register(RiskUpload)
