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


class UploadStatus(models.TextChoices):
    """Where an uploaded file stands in the one flow every import shares:
    upload → check (dry run) → confirm → commit in a job."""

    CHECKING = "checking", "Проверяется"
    CHECKED = "checked", "Проверен, ожидает подтверждения"
    REJECTED = "rejected", "Отклонён: есть ошибки"
    QUEUED = "queued", "В очереди на загрузку"
    IMPORTED = "imported", "Загружен"
    FAILED = "failed", "Не загружен"
