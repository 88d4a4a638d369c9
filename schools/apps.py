from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    """The registry: municipalities, educational organisations, social passports."""

    name = "schools"
    verbose_name = "Реестр образовательных организаций"
