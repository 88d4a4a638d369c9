from django.apps import AppConfig


class MsokoConfig(AppConfig):
    """Cross-cutting parts of the portal: users and roles, background jobs, access rules."""

    name = "msoko"
    verbose_name = "Портал МСОКО"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        # The Celery application becomes the current one before any task is sent.
        import msoko.celery  # noqa: F401
        from msoko.search import register_fold

        connection_created.connect(register_fold, dispatch_uid="msoko.search.register_fold")
