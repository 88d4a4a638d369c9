from assessments.views import campaigns, uploads

app_name = "assessments"

urlpatterns = campaigns.urlpatterns + uploads.urlpatterns
