"""Background work of the reports app: identification runs."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from msoko.jobs import job_run


@shared_task(name="reports.identification_run")
def identification_run_task(job_id: int) -> None:
    """Apply a rule version to a year and store the protocol (a finished run is kept)."""
    from reports.choices import RunStatus
    from reports.models import IdentificationRun
    from reports.services import identification_run

    def work(job: Any, report: Any) -> dict[str, Any]:
        try:
            run = identification_run(run_id=job.params["run_id"], progress=report)
        except Exception:
            IdentificationRun.objects.filter(
                pk=job.params["run_id"], status=RunStatus.QUEUED
            ).update(status=RunStatus.FAILED)
            raise
        totals = run.protocol.get("totals", {})
        return {
            "run_id": run.pk,
            "message": f"Отбор выполнен: в перечне {totals.get('listed', 0)} ОО, "
            f"отдельно {totals.get('separate', 0)}, исключено {totals.get('excluded', 0)}.",
        }

    job_run(job_id, work)


@shared_task(name="reports.document_render")
def document_render_task(job_id: int) -> None:
    """Render an analytic document's PDF and DOCX (a finished one is kept as it is)."""
    from reports.models import DocumentStatus
    from reports.services_documents import document_render

    def work(job: Any, report: Any) -> dict[str, Any]:
        document = document_render(document_id=job.params["document_id"], progress=report)
        if document.status == DocumentStatus.FAILED:
            from msoko.jobs import JobError

            raise JobError(document.message)
        return {"document_id": document.pk, "message": document.message}

    job_run(job_id, work)
