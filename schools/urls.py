from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("", views.SchoolListView.as_view(), name="school_list"),
    path("new/", views.school_create, name="school_create"),
    path("<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("<int:pk>/edit/", views.school_update, name="school_update"),
    path("<int:school_pk>/passports/new/", views.passport_create, name="passport_create"),
    path("passports/<int:pk>/edit/", views.passport_update, name="passport_update"),
    path("wellbeing/", views.wellbeing, name="wellbeing"),
    path("wellbeing/recompute/", views.wellbeing_recompute, name="wellbeing_recompute"),
    path("registry/template.xlsx", views.registry_template_download, name="registry_template"),
    path("registry/export.xlsx", views.registry_export, name="registry_export"),
    *views.REGISTRY_PAGES.urls(),
]
