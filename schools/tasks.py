from typing import Any

from celery import shared_task

from msoko.jobs import job_run


@shared_task(name="schools.wellbeing_recompute")
def wellbeing_recompute_task(job_id: int) -> None:
    """Recompute the well-being index and ШНСУ flags for the job's municipality (or all)."""
    from schools.services import wellbeing_recompute

    def work(job: Any, report: Any) -> dict[str, Any]:
        report(10, "Пересчёт индекса…")
        changed = wellbeing_recompute(municipality_id=job.params.get("municipality_id"))
        return {"changed": changed, "message": f"Готово. Изменено паспортов: {changed}."}

    job_run(job_id, work)
