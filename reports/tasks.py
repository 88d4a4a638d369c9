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
