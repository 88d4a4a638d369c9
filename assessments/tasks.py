"""Background work of the assessments app: the import of a checked result file."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from msoko.jobs import job_run


@shared_task(name="assessments.results_import")
def results_import_task(job_id: int) -> None:
    """Jobs queued before the shared upload flow (msoko.upload_import) took over imports.

    Safe to run twice: `job_run` claims the job with a conditional UPDATE, and
    `upload_import` refuses an upload that is no longer queued.
    """
    from assessments.services.imports import upload_import

    def work(job: Any, report: Any) -> dict[str, Any]:
        return upload_import(upload_id=job.params["upload_id"], progress=report)

    job_run(job_id, work)
