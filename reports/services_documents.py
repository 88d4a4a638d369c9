"""Writes of the analytic documents: request, render (in the reports queue), commentaries.

A document is rendered by a job from the stored figures; each generation is a new version
(ReportDocument), never an overwrite. Its content hash is taken from the text of the content
(reports.documents.blocks.Document.text) with the commentaries, not the date of rendering,
so two generations from the same figures and comments hash alike. A document whose kind a
road-map task names is filed as that task's evidence for the year.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from msoko.jobs import job_create, job_enqueue
from msoko.models import User
from reports.documents import catalogue
from reports.documents.blocks import Document
from reports.documents.render import render_docx, render_pdf
from reports.models import DocumentStatus, ReportComment, ReportDocument
from roadmaps.services import evidence_file_document
from schools.models import Municipality, School


class DocumentError(ValueError):
    """A document that cannot be requested; the message says why, in Russian."""


def _report(kind: str) -> type[catalogue.Report]:
    try:
        return catalogue.get(kind)
    except KeyError:
        known = ", ".join(cls.kind for cls in catalogue.kinds())
        raise DocumentError(f"Неизвестный вид отчёта «{kind}». Есть: {known}.") from None


def _comments(kind: str, year: int, municipality: Municipality, school: School | None) -> Any:
    return ReportComment.objects.filter(
        kind=kind, year=year, municipality=municipality, school=school
    )


def document_build(
    *,
    kind: str,
    year: int,
    municipality: Municipality,
    school: School | None = None,
    user: User | None = None,
) -> Document:
    """The content of a document from the stored figures, with the specialists' comments."""
    cls = _report(kind)
    if cls.per_school and school is None:
        raise DocumentError(f"Для отчёта «{cls.title}» укажите ОО.")
    document = cls().build(
        catalogue.Params(year=year, municipality=municipality, user=user, school=school)
    )
    texts = dict(_comments(kind, year, municipality, school).values_list("key", "text"))
    for block in document.commentaries():
        block.text = texts.get(block.key, "")
    return document


def generated_on() -> str:
    return date_format(timezone.localdate(), "j E Y") + " г."


def document_request(
    *,
    kind: str,
    year: int,
    municipality: Municipality,
    school: School | None,
    user: User | None,
) -> ReportDocument:
    """Record the next version of a document and queue its rendering."""
    from reports.tasks import document_render_task

    cls = _report(kind)
    if cls.per_school and school is None:
        raise DocumentError(f"Для отчёта «{cls.title}» укажите ОО.")
    if not cls.per_school:
        school = None
    if not 2000 <= year <= 2100:
        raise DocumentError(f"Год {year} вне диапазона 2000–2100.")
    with transaction.atomic():
        last = (
            ReportDocument.objects.select_for_update()
            .filter(kind=kind, year=year, municipality=municipality, school=school)
            .aggregate(last=Max("version"))["last"]
        )
        job = job_create(
            kind="document_render",
            title=f"{cls.title}, {year}"[:300],
            created_by=user,
            municipality_id=municipality.pk,
            school_id=school.pk if school else None,
        )
        document = ReportDocument.objects.create(
            kind=kind,
            year=year,
            municipality=municipality,
            school=school,
            version=(last or 0) + 1,
            title=cls.title,
            params={"kind": kind, "year": year, "school": school.login if school else None},
            job=job,
            created_by=user,
        )
        job.params = {"document_id": document.pk}
        job.save(update_fields=["params"])
        job_enqueue(job, document_render_task)
    return document


def document_render(
    *, document_id: int, progress: Callable[[int, str], None] | None = None
) -> ReportDocument:
    """Write the document's PDF and DOCX (a finished one is left as it is)."""
    report = progress or (lambda _p, _m: None)
    document = ReportDocument.objects.select_related("municipality", "school", "created_by").get(
        pk=document_id
    )
    if document.status != DocumentStatus.QUEUED:
        return document
    report(10, "Сбор показателей…")
    try:
        content = document_build(
            kind=document.kind,
            year=document.year,
            municipality=document.municipality,
            school=document.school,
            user=document.created_by,
        )
    except (catalogue.NoData, DocumentError) as exc:
        ReportDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        document.refresh_from_db()
        return document
    when = generated_on()
    report(40, "PDF…")
    pdf, pages = render_pdf(content, generated=when)
    report(75, "DOCX…")
    docx = render_docx(content, generated=when)
    stem = (
        f"{document.kind}-{document.year}"
        + (f"-{document.school.login}" if document.school else "")
        + f"-v{document.version}"
    )
    with transaction.atomic():
        document = ReportDocument.objects.select_for_update().get(pk=document_id)
        if document.status != DocumentStatus.QUEUED:
            return document
        document.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        document.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        document.pages = pages
        document.inputs = sorted(set(content.inputs))
        document.content_sha256 = content.sha256()
        document.params = {
            **document.params,
            "commentaries": [[b.key, b.title] for b in content.commentaries()],
        }
        document.status = DocumentStatus.DONE
        document.finished_at = timezone.now()
        filed = evidence_file_document(
            kind=document.kind,
            year=document.year,
            municipality_id=document.municipality_id,
            filename=f"{stem}.pdf",
            data=pdf,
            comment=f"{document.title}, {document.year} — версия {document.version}, "
            "сформирован порталом.",
            content_key=document.content_sha256[:16],
            user=document.created_by,
        )
        document.message = f"Готово: {pages} стр." + (
            f"; приложен к задачам дорожной карты: {len(filed)}." if filed else "."
        )
        document.save()
    report(100, document.message)
    return document


@transaction.atomic
def comment_save(
    *,
    kind: str,
    year: int,
    municipality: Municipality,
    school: School | None,
    key: str,
    text: str,
    user: User | None,
) -> ReportComment:
    """Keep a specialist's commentary of a block (it goes into every later generation)."""
    comment, _ = ReportComment.objects.get_or_create(
        kind=kind, year=year, municipality=municipality, school=school, key=key
    )
    comment.text = text.strip()
    comment.updated_by = user
    comment.save()
    return comment
