from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Assessment procedures, campaigns, result imports and their figures."""

    name = "assessments"
    verbose_name = "Оценочные процедуры"

    def ready(self) -> None:
        # Registers the federal list flow (the lists of schools with objectivity markers).
        import assessments.services.federal_lists

        # Registers the ЕГЭ per-graduate year computation («ege») and the medalist flow.
        import assessments.services.graduates

        # Registers this app's import flow with the shared upload flow (msoko.uploads), so
        # a worker that runs an import job knows it.
        import assessments.services.imports  # noqa: F401

        # Registers the ВсОШ year computation with the figures registry (YEAR_FIGURES).
        from assessments.services import olympiads, pooled  # noqa: F401
