"""Users with roles, and background jobs."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from msoko.choices import EDITOR_ROLES, WIDE_ROLES, JobStatus, Role, UploadStatus
from msoko.querysets import ScopedQuerySet, is_signed_in

if TYPE_CHECKING:
    from schools.models import School


class User(AbstractUser):
    """A person who signs in: a department specialist, a school director, an official or IT staff.

    A director is bound to exactly one school and sees only that school (and the schools
    it absorbed in a merger). Specialists and officials see every school of their
    municipality, or of the whole deployment when no municipality is set.
    """

    role = models.CharField("роль", max_length=16, choices=Role.choices, default=Role.OFFICIAL)
    school = models.ForeignKey(
        "schools.School",
        verbose_name="образовательная организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    municipality = models.ForeignKey(
        "schools.Municipality",
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="Если задан, пользователь видит только этот муниципалитет.",
    )
    position = models.CharField("должность", max_length=200, blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["last_name", "first_name", "username"]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.DIRECTOR and not self.school_id:
            raise ValidationError({"school": "Руководителю ОО нужно указать его организацию."})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The admin role is the only one that reaches Django's admin site.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)

    @property
    def sees_all_schools(self) -> bool:
        return self.is_active and (self.role in WIDE_ROLES or self.is_superuser)

    @property
    def can_edit(self) -> bool:
        """May change the registry, campaigns and road maps."""
        return self.is_active and (self.role in EDITOR_ROLES or self.is_superuser)

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    def visible_school_ids(self) -> list[int]:
        """The director's school and, through mergers, every school it absorbed.

        Kept on the instance: one page asks for it from several querysets, and the user
        object lives for one request.
        """
        cached: tuple[int | None, list[int]] | None = getattr(self, "_visible_school_ids", None)
        if cached is not None and cached[0] == self.school_id:
            return list(cached[1])
        ids = self._school_with_predecessors()
        self._visible_school_ids = (self.school_id, ids)
        return list(ids)

    def _school_with_predecessors(self) -> list[int]:
        if not self.school_id:
            return []
        # The school model through the relation: msoko imports no domain app.
        schools = cast("type[models.Model]", self._meta.get_field("school").related_model)
        ids = [self.school_id]
        frontier: list[int] = [self.school_id]
        while frontier:
            frontier = list(
                schools._default_manager.filter(successor_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids

    def own_school(self) -> School | None:
        return self.school if self.is_director else None


class JobQuerySet(ScopedQuerySet):
    """The department sees its municipality's jobs; everyone else only the jobs he started."""

    school_lookup = "school"
    municipality_lookup = "municipality"

    def for_user(self, user: Any) -> JobQuerySet:
        if not is_signed_in(user):
            return self.none()
        if user.sees_all_schools:
            return super().for_user(user)
        return self.filter(created_by=user)


class Job(models.Model):
    """A long piece of work run by a Celery worker while the user watches its progress.

    The page polls this row, not Redis: status, progress, counts and errors live here.
    A task claims the row with a conditional UPDATE, so a task delivered twice runs once.
    """

    kind = models.CharField("вид", max_length=64)
    title = models.CharField("описание", max_length=300)
    status = models.CharField(
        "состояние", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("выполнено, %", default=0)
    message = models.CharField("сообщение", max_length=500, blank=True)
    params = models.JSONField("параметры", default=dict, blank=True)
    result = models.JSONField("итог", default=dict, blank=True)
    errors = models.JSONField("ошибки", default=list, blank=True)
    file_sha256 = models.CharField("SHA-256 файла", max_length=64, blank=True)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    municipality = models.ForeignKey(
        "schools.Municipality",
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Чьи данные обрабатывает задача; пусто — задача всего развёртывания.",
    )
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="jobs", verbose_name="кто"
    )
    created_at = models.DateTimeField("создано", default=timezone.now)
    started_at = models.DateTimeField("начато", null=True, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    # What the recovery task needs to tell a lost job from a slow one (msoko/jobs.py).
    task_name = models.CharField(
        "задача Celery",
        max_length=200,
        blank=True,
        help_text="Какой задаче отправлена работа; по имени её отправляют снова, если сообщение "
        "потерялось.",
    )
    enqueued_at = models.DateTimeField("отправлено в очередь", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("отправок в очередь", default=0)
    heartbeat_at = models.DateTimeField(
        "последний сигнал обработчика",
        null=True,
        blank=True,
        help_text="Обработчик обновляет его, пока работает; давний сигнал — обработчик остановился.",
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "фоновая задача"
        verbose_name_plural = "фоновые задачи"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


def upload_path(instance: UploadedFile, filename: str) -> str:
    """Where an upload is kept: a folder per kind and month; the name is the file's hash."""
    return f"{instance.UPLOAD_DIR}/{timezone.now():%Y/%m}/{filename}"


class UploadedFile(models.Model):
    """A file a user uploaded for an import, kept for the dry run, the commit and the history.

    The original stays downloadable (by those who may see the upload) under a name made of
    its SHA-256, never the user's file name; `filename` keeps what the user called it.
    """

    UPLOAD_DIR: ClassVar[str] = "uploads"
    Status = UploadStatus

    file = models.FileField("файл", upload_to=upload_path)
    filename = models.CharField("имя файла", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("размер, байт", default=0)
    report = models.JSONField("результат проверки", default=dict, blank=True)
    municipality = models.ForeignKey(
        "schools.Municipality",
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Чьи данные в файле; загрузки другого муниципалитета не видны.",
    )
    status = models.CharField("состояние", max_length=16, choices=UploadStatus.choices)
    job = models.ForeignKey(
        "msoko.Job",
        verbose_name="задача загрузки",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    imported_at = models.DateTimeField("применён", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    def store(self, *, filename: str, data: bytes) -> None:
        """Keep the bytes (not saved to the database yet) with their name, size and hash."""
        self.filename = filename[:255]
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        suffix = PurePath(filename).suffix.lower()[:8]
        self.file.save(f"{self.sha256[:32]}{suffix}", ContentFile(data), save=False)

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()

    @property
    def is_refused(self) -> bool:
        """The checks refused the file: it is kept for the audit only."""
        return self.status == UploadStatus.REJECTED

    def download_name(self) -> str:
        """The name the file is offered under: the user's own, unless it was refused.

        A refused file is kept for the audit, but it may be hostile (a zip bomb, a book with
        macros, HTML posing as xlsx), so it is never handed back under the uploader's name
        and extension: it goes out as opaque bytes named after its hash.
        """
        if self.is_refused:
            return f"otklonennyi-fail-{self.sha256[:12]}.bin"
        return self.filename
