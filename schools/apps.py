from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    """The registry: municipalities, educational organisations, social passports."""

    name = "schools"
    verbose_name = "Реестр образовательных организаций"

    def ready(self) -> None:
        # Registers this app's import flow with the shared upload flow (msoko.uploads), so
        # a worker that runs an import job knows it.
        import schools.services  # noqa: F401
