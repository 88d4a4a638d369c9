"""Celery tasks of the road maps: thin wrappers that take ids and call one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from msoko.jobs import JobError, job_run


@shared_task(name="roadmaps.pdf_render")
def roadmap_pdf_task(job_id: int) -> None:
    """Render the PDF of the job's road map and store it on its RoadmapPdf row."""
    from roadmaps.services import roadmap_pdf_render

    def work(job: Any, report: Any) -> dict[str, Any]:
        report(10, "Подготовка таблицы…")
        pdf = getattr(job, "roadmap_pdf", None)
        if pdf is None:
            raise JobError("Запрос на PDF не найден.")
        pages = roadmap_pdf_render(pdf=pdf)
        return {"pages": pages, "message": f"PDF готов: страниц — {pages}."}

    job_run(job_id, work)


@shared_task(name="roadmaps.reminders_daily")
def reminders_daily_task() -> dict[str, int]:
    """The daily beat job: mark overdue occurrences and send each reminder once."""
    from roadmaps.services import reminders_send

    result = reminders_send()
    return {
        "notifications": result.notifications,
        "emails": result.emails,
        "overdue_changed": result.overdue_changed,
    }
