from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from msoko import views
from reports import views as reports_views

admin.site.site_header = "МСОКО — администрирование"
admin.site.site_title = "МСОКО"

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("indicators/", reports_views.indicator_catalogue, name="indicator_catalogue"),
    path("healthz", views.healthz, name="healthz"),
    path("schools/", include("schools.urls")),
    path("roadmaps/", include("roadmaps.urls")),
    path("assessments/", include("assessments.urls")),
    path("analytics/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
