from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Assessment procedures, campaigns, result imports and their figures."""

    name = "assessments"
    verbose_name = "Оценочные процедуры"
