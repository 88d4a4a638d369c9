from django.urls import path

from reports import views, views_directions
from reports import views_documents as documents
from reports import views_identification as found

app_name = "reports"

urlpatterns = [
    path("indicator/", views.indicator_page, name="indicator"),
    path("schools/<int:pk>/", views.school_card, name="school_card"),
    path("cohorts/", views.cohorts_page, name="cohorts"),
    path("vpr-oge/", views.vpr_oge_page, name="vpr_oge"),
    path("directions/", views_directions.direction_list, name="direction_list"),
    path("directions/<str:code>/", views_directions.direction_page, name="direction"),
    path("rules/", found.rule_list, name="rule_list"),
    path("rules/<slug:code>/", found.rule_detail, name="rule_detail"),
    path("rules/<slug:code>/new/", found.rule_version_new, name="rule_version_new"),
    path(
        "rules/<slug:code>/<int:version>/edit/", found.rule_version_edit, name="rule_version_edit"
    ),
    path("rules/<slug:code>/run/", found.run_create, name="run_create"),
    path("runs/<int:pk>/", found.run_detail, name="run_detail"),
    path("runs/<int:pk>/protocol.pdf", found.run_pdf, name="run_pdf"),
    path("runs/<int:pk>/protocol.xlsx", found.run_xlsx, name="run_xlsx"),
    path("lists/<int:pk>/", found.list_detail, name="list_detail"),
    path("lists/<int:pk>/entries/", found.list_entry, name="list_entry"),
    path("lists/<int:pk>/confirm/", found.list_confirm_view, name="list_confirm"),
    path("groups/", found.groups_page, name="groups"),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/new/", documents.document_create, name="document_create"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/document.pdf", documents.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/document.docx", documents.document_docx, name="document_docx"),
    path("documents/<int:pk>/comments/", documents.document_comments, name="document_comments"),
]
