"""Background work of the assessments app: the import of a checked result file."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from msoko.jobs import JobError, job_run


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


@shared_task(name="assessments.figures_compute")
def figures_compute_task(job_id: int) -> None:
    """Compute and store a campaign's figures for one municipality (replaces the last run)."""
    from assessments.models import Campaign
    from assessments.services.figures import figures_compute

    def work(job: Any, report: Any) -> dict[str, Any]:
        report(10, "Расчёт показателей…")
        try:
            run = figures_compute(
                campaign=Campaign.objects.get(pk=job.params["campaign_id"]),
                municipality_id=job.params["municipality_id"],
                job=job,
            )
        except ValueError as exc:  # stored results that do not fit the campaign
            raise JobError(f"показатели не рассчитаны: {exc}") from exc
        return {
            "run_id": run.pk,
            "message": f"Показатели рассчитаны: участников {run.participants}.",
        }

    job_run(job_id, work)


@shared_task(name="assessments.year_figures_compute")
def year_figures_compute_task(job_id: int) -> None:
    """Compute and store a procedure's year-level figures for one municipality."""
    from assessments.services.figures import year_figures_compute

    def work(job: Any, report: Any) -> dict[str, Any]:
        report(10, "Расчёт показателей года…")
        run = year_figures_compute(
            procedure=job.params["procedure"],
            year=job.params["year"],
            municipality_id=job.params["municipality_id"],
            job=job,
        )
        if run is None:
            return {"run_id": None, "message": "Данных за год нет: показатели не рассчитаны."}
        return {"run_id": run.pk, "message": "Показатели года рассчитаны."}

    job_run(job_id, work)
