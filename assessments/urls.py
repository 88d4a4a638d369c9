from assessments.views import campaigns, profiles, uploads

app_name = "assessments"

urlpatterns = campaigns.urlpatterns + uploads.urlpatterns + profiles.urlpatterns
