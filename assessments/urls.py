from assessments.views import (
    campaigns,
    figures,
    medalists,
    objectivity,
    olympiads,
    profiles,
    uploads,
)

app_name = "assessments"

urlpatterns = (
    campaigns.urlpatterns
    + uploads.urlpatterns
    + profiles.urlpatterns
    + olympiads.urlpatterns
    + medalists.urlpatterns
    + figures.urlpatterns
    + objectivity.urlpatterns
)
