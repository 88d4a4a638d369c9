from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Annual analytic reports rendered to PDF."""

    name = "reports"
    verbose_name = "Отчёты"
