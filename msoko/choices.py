from django.db import models


class Role(models.TextChoices):
    """What a person does in the portal (DOMAIN §1)."""

    SPECIALIST = "specialist", "Специалист отдела образования"
    DIRECTOR = "director", "Руководитель ОО"
    OFFICIAL = "official", "Руководство (просмотр)"
    ADMIN = "admin", "Администратор"


# Roles that see every school of their municipality (or of the deployment).
WIDE_ROLES = frozenset({Role.SPECIALIST, Role.OFFICIAL, Role.ADMIN})
# Roles that may change registry data, campaigns and road maps.
EDITOR_ROLES = frozenset({Role.SPECIALIST, Role.ADMIN})
ALL_ROLES = frozenset(Role)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "В очереди"
    RUNNING = "running", "Выполняется"
    SUCCEEDED = "succeeded", "Готово"
    FAILED = "failed", "Ошибка"
