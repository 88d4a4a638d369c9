from assessments.views import campaigns, figures, medalists, olympiads, profiles, uploads

app_name = "assessments"

urlpatterns = (
    campaigns.urlpatterns
    + uploads.urlpatterns
    + profiles.urlpatterns
    + olympiads.urlpatterns
    + medalists.urlpatterns
    + figures.urlpatterns
)
