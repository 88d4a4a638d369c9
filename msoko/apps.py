from django.apps import AppConfig


class MsokoConfig(AppConfig):
    """Cross-cutting parts of the portal: users and roles, background jobs, access rules."""

    name = "msoko"
    verbose_name = "Портал МСОКО"
