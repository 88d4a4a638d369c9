from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    """Road maps (дорожные карты): tasks, deadlines, evidence, and the cycle self-assessment."""

    name = "roadmaps"
    verbose_name = "Дорожные карты"
