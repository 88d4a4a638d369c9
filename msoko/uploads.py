"""One upload → check → confirm → commit flow, shared by every import.

Each importer (the registry, result files, road maps, and those to come: indicator
collections, medalist lists, federal marker lists) is an `ImportFlow`: how its file is
checked (the dry run, which writes nothing but the upload row) and how it is committed
(all or nothing). The flow around them is the same for all and lives here:

* the file is stored once, with its hash, its dry-run report and its municipality;
* confirm claims the upload with a conditional UPDATE (checked → queued), so a double
  click or two sessions commit once, and queues the commit as a job on the imports queue;
* the job re-reads the stored file, checks its hash, commits with progress, and records
  the outcome on the upload (imported, or failed with the messages, nothing written);
* a job that died with its worker gives its upload back for another confirm.

Problems are reported in one format, `msoko.problems.Problem` (sheet, row, column,
message), stored in `report["problems"]` as dicts with their text. Flows register under
a name at app start; this module imports no domain app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from msoko.choices import UploadStatus
from msoko.exports import CSV_TYPE, XLSX_TYPE, download
from msoko.jobs import JobError, job_create, job_enqueue
from msoko.models import Job, UploadedFile, User
from msoko.problems import Problem
from msoko.querysets import user_municipality_id

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OPAQUE_TYPE = "application/octet-stream"
REPORTED_PROBLEMS = 500  # a report keeps this many problems; the count says how many more

Progress = Callable[[int, str], None]


def _no_progress(_percent: int, _message: str = "") -> None:
    return None


class UploadRefused(Exception):
    """A confirm that cannot go ahead; the messages are for the user, in Russian."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class ImportFlow:
    """One importer: its upload model and how its file is checked and committed.

    Subclasses set `name` (the registry key, also the job kind `<name>_import`), `model`
    and `title`, and implement `check` and `commit`; `confirm_refusal` may refuse a confirm
    that needs more than a click (a file that replaces more results than it brings).
    """

    name: ClassVar[str]
    model: ClassVar[type[UploadedFile]]
    title: ClassVar[str]

    def check(self, upload: Any, data: bytes, options: Any = None) -> bool:
        """Fill the upload's report (and fields) from a dry run; True when it has no error.

        `options` are what the form (or the command line) chose beside the file.
        """
        raise NotImplementedError

    def commit(
        self,
        upload: Any,
        data: bytes,
        progress: Progress,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Apply the file whole, or raise `JobError` with the reasons and write nothing.

        `options` are the confirm's (e.g. «replace_acknowledged»). Returns the counts for
        the job row; a "message" key is shown to the user.
        """
        raise NotImplementedError

    def options_to_json(self, options: Any) -> Any:
        """The check's options as JSON, for a check that runs in a job (large files)."""
        return options

    def options_from_json(self, data: Any) -> Any:
        return data

    def confirm_refusal(self, upload: Any, options: dict[str, Any]) -> list[str]:
        """Reasons to refuse this confirm (none by default)."""
        return []

    def job_title(self, upload: Any) -> str:
        return f"{self.title}: {upload.filename}"[:300]


class WholeFileFlow(ImportFlow):
    """A flow whose file is parsed into one checked whole and applied at once.

    Subclasses give `parse` (the checked file, with `errors` and `municipality_id`),
    `report` (its dry-run report), `apply` (write it, return the counts) and `message`
    (the counts in words); the check and the commit — parse again, refuse on any error,
    apply — are the same for all of them.
    """

    writing: ClassVar[str] = "Запись…"

    def parse(self, upload: Any, data: bytes) -> Any:
        raise NotImplementedError

    def report(self, parsed: Any) -> dict[str, Any]:
        raise NotImplementedError

    def apply(self, parsed: Any, upload: Any) -> dict[str, Any]:
        raise NotImplementedError

    def message(self, counts: dict[str, Any], parsed: Any, upload: Any) -> str:
        raise NotImplementedError

    def check(self, upload: Any, data: bytes, options: Any = None) -> bool:
        parsed = self.parse(upload, data)
        upload.report = self.report(parsed)
        upload.municipality_id = upload.municipality_id or parsed.municipality_id
        return not parsed.errors

    def commit(
        self,
        upload: Any,
        data: bytes,
        progress: Progress,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        progress(20, "Проверка файла…")
        parsed = self.parse(upload, data)
        if parsed.errors:
            raise JobError([str(p) for p in parsed.errors])
        progress(60, self.writing)
        counts = self.apply(parsed, upload)
        return {**counts, "message": self.message(counts, parsed, upload)}


FLOWS: dict[str, ImportFlow] = {}


def flow_register(flow: ImportFlow) -> ImportFlow:
    """Make a flow known to the commit task (called from the app's `ready`)."""
    FLOWS[flow.name] = flow
    return flow


def problems_report(problems: list[Problem], *, limit: int = REPORTED_PROBLEMS) -> dict[str, Any]:
    """The shared part of every report: the problems, placed, with their text.

    Shown by templates/imports/_problems.html on every import's dry-run page.
    """
    kept = problems[:limit]
    return {
        "problems": [
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "message": p.message,
                "severity": p.severity,
                "text": str(p),
            }
            for p in kept
        ],
        "problems_total": len(problems),
        "problems_hidden": len(problems) - len(kept),
        "errors": sum(1 for p in problems if p.is_error),
        "warnings": sum(1 for p in problems if p.severity == "warning"),
    }


@transaction.atomic
def upload_store(
    flow: ImportFlow,
    *,
    user: User | None,
    filename: str,
    data: bytes,
    options: Any = None,
    **fields: Any,
) -> Any:
    """Check an uploaded file (the dry run) and store it once with its report.

    The upload belongs to its uploader's municipality unless the flow's check decides
    otherwise (a deployment-wide specialist's file takes the municipality it describes).
    """
    upload = flow.model(uploaded_by=user, municipality_id=user_municipality_id(user), **fields)
    upload.filename = filename[:255]
    if len(data) > settings.UPLOAD_CHECK_INLINE_MB * 1024 * 1024:
        # A large file is checked by a worker; the page shows the job and then the report.
        upload.status = UploadStatus.CHECKING
        upload.store(filename=filename, data=data)
        upload.save()
        _queue_check(flow, upload, user, options)
        return upload
    ok = flow.check(upload, data, options)
    upload.status = UploadStatus.CHECKED if ok else UploadStatus.REJECTED
    upload.store(filename=filename, data=data)
    upload.save()
    return upload


def _queue_check(flow: ImportFlow, upload: Any, user: User | None, options: Any) -> None:
    from msoko.tasks import upload_check_task

    job = job_create(
        kind=f"{flow.name}_check",
        title=f"Проверка файла «{upload.filename}»"[:300],
        created_by=user,
        params={
            "flow": flow.name,
            "upload_id": upload.pk,
            "options": flow.options_to_json(options),
        },
        school_id=getattr(upload, "school_id", None),
        municipality_id=upload.municipality_id,
        file_sha256=upload.sha256,
    )
    flow.model._default_manager.filter(pk=upload.pk).update(job=job)
    upload.job = job
    job_enqueue(job, upload_check_task)


def upload_check_run(
    *, flow_name: str, upload_id: int, options: Any = None, progress: Progress | None = None
) -> dict[str, Any]:
    """The job's work for a large file: the dry run, then «checked» or «rejected»."""
    flow = FLOWS[flow_name]
    report = progress or _no_progress
    upload = flow.model._default_manager.get(pk=upload_id)
    if upload.status != UploadStatus.CHECKING:
        raise JobError(f"файл «{upload.filename}» уже проверен")
    report(10, "Чтение и проверка файла…")
    try:
        ok = flow.check(upload, upload.read(), flow.options_from_json(options))
    except Exception:
        _check_abandoned(flow, upload.pk, "проверка файла завершилась внутренней ошибкой")
        raise
    upload.status = UploadStatus.CHECKED if ok else UploadStatus.REJECTED
    upload.save()
    errors = (upload.report or {}).get("errors", 0)
    return {
        "errors": errors,
        "message": "Проверка завершена: ошибок нет."
        if ok
        else f"Проверка завершена: найдены ошибки ({errors}).",
    }


@transaction.atomic
def upload_confirm(flow: ImportFlow, *, upload_id: int, user: User | None, **options: Any) -> Job:
    """Queue the commit of a checked upload, once: a conditional UPDATE claims the row."""
    from msoko.tasks import upload_import_task

    upload = flow.model._default_manager.get(pk=upload_id)
    if upload.status == UploadStatus.CHECKED:
        refusal = flow.confirm_refusal(upload, options)
        if refusal:
            raise UploadRefused(refusal)
    claimed = flow.model._default_manager.filter(pk=upload_id, status=UploadStatus.CHECKED).update(
        status=UploadStatus.QUEUED
    )
    if not claimed:
        raise UploadRefused("этот файл уже загружен, поставлен в очередь или содержит ошибки")
    job = job_create(
        kind=f"{flow.name}_import",
        title=flow.job_title(upload),
        created_by=user,
        params={"flow": flow.name, "upload_id": upload.pk, "options": options},
        school_id=getattr(upload, "school_id", None),
        municipality_id=upload.municipality_id,
        file_sha256=upload.sha256,
    )
    flow.model._default_manager.filter(pk=upload_id).update(job=job)
    job_enqueue(job, upload_import_task)
    return job


def upload_commit(
    *,
    flow_name: str,
    upload_id: int,
    progress: Progress | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The job's work: commit a queued upload and record the outcome on it.

    Refuses an upload that is not queued (a task delivered twice runs once). On any
    refusal nothing is written, the upload is «не загружен» with the reasons, and
    `JobError` reaches the job row.
    """
    flow = FLOWS[flow_name]
    report = progress or _no_progress
    upload = flow.model._default_manager.get(pk=upload_id)
    if upload.status not in (UploadStatus.CHECKED, UploadStatus.QUEUED):
        raise JobError(
            f"файл «{upload.filename}» уже обработан (состояние: {upload.get_status_display()})"
        )
    report(5, "Чтение файла…")
    data = upload.read()
    try:
        if hashlib.sha256(data).hexdigest() != upload.sha256:
            raise JobError("исходный файл изменён после проверки; загрузите его заново")
        # The data and the «imported» mark are one transaction: a worker that dies between
        # them cannot leave the data in and the upload waiting to be confirmed again.
        with transaction.atomic():
            result = flow.commit(upload, data, report, options)
            flow.model._default_manager.filter(pk=upload.pk).update(
                status=UploadStatus.IMPORTED, imported_at=timezone.now()
            )
    except JobError as exc:
        upload_mark_failed(flow, upload, exc.messages)
        raise
    report(100, "Готово.")
    return result


def upload_mark_failed(flow: ImportFlow, upload: Any, messages: list[str]) -> None:
    """Record on the upload that its commit was refused, with the reasons."""
    report = dict(upload.report)
    report["import_errors"] = messages[:REPORTED_PROBLEMS]
    flow.model._default_manager.filter(pk=upload.pk).update(
        status=UploadStatus.FAILED, report=report
    )


def upload_release(job: Job) -> bool:
    """Give back for another confirm the upload of a job that died with its worker.

    The commit is one transaction, so a dead worker wrote nothing: the upload is «checked»
    again and the user may confirm it anew. True when an upload was released.
    """
    flow = FLOWS.get(str(job.params.get("flow", "")))
    if flow is None:
        return False
    if job.kind.endswith("_check"):
        return _check_abandoned(
            flow, int(job.params.get("upload_id", 0)), "проверка файла прервалась", job=job
        )
    return bool(
        flow.model._default_manager.filter(
            pk=job.params.get("upload_id"), status=UploadStatus.QUEUED, job=job
        ).update(status=UploadStatus.CHECKED)
    )


def _check_abandoned(flow: ImportFlow, upload_id: int, why: str, job: Job | None = None) -> bool:
    """A check that cannot finish: the upload is refused with the reason, to be sent again."""
    problem = Problem(message=f"{why}; загрузите файл ещё раз или сообщите администратору")
    uploads = flow.model._default_manager.filter(pk=upload_id, status=UploadStatus.CHECKING)
    if job is not None:
        uploads = uploads.filter(job=job)
    return bool(uploads.update(status=UploadStatus.REJECTED, report=problems_report([problem])))


def original_file_response(upload: UploadedFile) -> HttpResponse:
    """The uploaded file as it came, for those who may see the upload (the caller checks).

    A refused file goes out as opaque bytes under a neutral name (`download_name`); an
    accepted one under the user's name, typed by its content, never by its name alone.
    """
    content = upload.read()
    if upload.is_refused:
        kind = OPAQUE_TYPE
    elif content.startswith(b"PK"):
        kind = DOCX_TYPE if upload.filename.lower().endswith(".docx") else XLSX_TYPE
    elif upload.filename.lower().endswith((".csv", ".txt")):
        kind = CSV_TYPE
    else:
        kind = OPAQUE_TYPE
    return download(upload.download_name(), kind, content)
