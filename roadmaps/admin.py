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
