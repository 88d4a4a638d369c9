from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("indicator/", views.indicator_page, name="indicator"),
    path("schools/<int:pk>/", views.school_card, name="school_card"),
    path("cohorts/", views.cohorts_page, name="cohorts"),
    path("vpr-oge/", views.vpr_oge_page, name="vpr_oge"),
]
