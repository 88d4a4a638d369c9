from django.urls import include, path

from roadmaps import views

app_name = "roadmaps"

urlpatterns = [
    path("", views.RoadmapListView.as_view(), name="roadmap_list"),
    path("new/", views.roadmap_create, name="roadmap_create"),
    path("<int:pk>/", views.roadmap_detail, name="roadmap_detail"),
    path("<int:pk>/edit/", views.roadmap_update, name="roadmap_update"),
    path("<int:pk>/export/", views.roadmap_export, name="roadmap_export"),
    path("<int:pk>/timeline/", views.roadmap_timeline, name="roadmap_timeline"),
    path("<int:pk>/pdf/", views.roadmap_pdf, name="roadmap_pdf"),
    path("<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("pdf/<int:pk>/", views.pdf_detail, name="pdf_detail"),
    path("pdf/<int:pk>/download/", views.pdf_download, name="pdf_download"),
    path("directions/new/", views.direction_create, name="direction_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_update, name="task_update"),
    path("tasks/<int:pk>/comment/", views.task_comment, name="task_comment"),
    path("tasks/<int:pk>/occurrences/new/", views.occurrence_add, name="occurrence_add"),
    path("my/", views.OccurrenceListView.as_view(), name="occurrence_list"),
    path("occurrences/<int:pk>/", views.occurrence_detail, name="occurrence_detail"),
    path("occurrences/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("ics/", views.ics_settings, name="ics_settings"),
    path("ics/reset/", views.ics_reset, name="ics_reset"),
    path("ics/revoke/", views.ics_revoke, name="ics_revoke"),
    path("ics/<str:token>.ics", views.ics_feed, name="ics_feed"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    *views.IMPORT_PAGES.urls(),
    path("cycle/", views.cycle_summary, name="cycle_summary"),
    path("cycle/new/", views.cycle_create, name="cycle_create"),
    path("cycle/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycle/<int:pk>/edit/", views.cycle_update, name="cycle_update"),
    path("cycle/<int:pk>/documents/<str:element>/", views.cycle_document, name="cycle_document"),
    path("", include("roadmaps.urls_risks")),
    path("", include("roadmaps.urls_decisions")),
    path("", include("roadmaps.urls_collections")),
]
