from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    """Road maps (дорожные карты): tasks, deadlines, evidence, and the cycle self-assessment."""

    name = "roadmaps"
    verbose_name = "Дорожные карты"

    def ready(self) -> None:
        # Registers this app's import flow with the shared upload flow (msoko.uploads), so
        # a worker that runs an import job knows it.
        import roadmaps.services
        import roadmaps.services_collections
        import roadmaps.services_risks
        import roadmaps.services_surveys  # noqa: F401  (survey aggregates per school)
