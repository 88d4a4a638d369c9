"""Import of result files: upload → detection → dry run → confirmation → all-or-nothing commit.

One path for the web and the command line:

* `results_plan` (assessments/services/import_plan.py) reads and checks the file and says
  what would be created or replaced; it writes nothing.
* `upload_check` stores the file and that plan as a `ResultUpload` (the dry run).
* `upload_confirm` queues the import as a job (a file that replaces stored results with
  fewer rows needs an explicit «yes», `replace_acknowledged`); `upload_import` (run by the Celery task)
  re-reads the stored file, plans again — the database may have changed since the dry run —
  and, in one transaction, replaces the results of every (campaign, school) of the file.

Replacing, not merging: re-importing the same or a corrected file for a campaign and a
school leaves exactly the rows of the new file, never duplicates. ВсОШ results are replaced
per (year, stage, subject, school); aggregate forms per (campaign, form).

Speed: a municipal ВПР file (100,000 pupils × 20 tasks) is checked with dictionary lookups
per row and no query per row, and written with one DELETE and PostgreSQL COPY (bulk_create
in batches on SQLite), so the import stays within a few times a bare read of the file.
"""

from __future__ import annotations

import io
import queue
import re
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from assessments import parsing
from assessments.choices import OlympiadStatus
from assessments.models import (
    Campaign,
    CampaignTask,
    OlympiadResult,
    ReferenceValue,
    Result,
    ResultUpload,
)
from assessments.parsing import ParsedFile, TaskSpec
from assessments.services.figures import figures_request, year_figures_request
from assessments.services.import_plan import (
    AGGREGATE_FORMATS,
    AGGREGATE_KIND,
    INDIVIDUAL_FORMATS,
    STAGE_CODES,
    STATUS_CODES,
    ImportOptions,
    ImportPlan,
    ImportRejected,
    mapping_profiles,
    results_plan,
)
from msoko.choices import Role
from msoko.jobs import JobError
from msoko.models import Job, User
from msoko.querysets import user_municipality_id
from msoko.uploads import (
    ImportFlow,
    Progress,
    UploadRefused,
    flow_register,
    upload_commit,
    upload_store,
)
from msoko.uploads import upload_confirm as flow_confirm
from schools.models import School

# Names callers use from here; the dry run itself lives in import_plan.py.
__all__ = [
    "ImportOptions",
    "ImportPlan",
    "ImportRejected",
    "mapping_profiles",
    "results_plan",
    "upload_check",
    "upload_confirm",
    "upload_import",
]
BATCH_SIZE = 2000


# --- the flow: upload → check → confirm → commit (msoko.uploads) -------------------------


class ResultsFlow(ImportFlow):
    """Result files of every procedure: the dry run is `results_plan`, the commit replaces
    the results of each school and campaign the file covers, whole."""

    name = "results"
    model = ResultUpload
    title = "Загрузка результатов"

    def check(self, upload: ResultUpload, data: bytes, options: Any = None) -> bool:
        options = options or ImportOptions()
        plan = results_plan(
            user=upload.uploaded_by, filename=upload.filename, data=data, options=options
        )
        _apply_plan(upload, plan, options)
        return plan.ok

    def options_to_json(self, options: Any) -> Any:
        return (options or ImportOptions()).to_dict()

    def options_from_json(self, data: Any) -> Any:
        return ImportOptions.from_dict(data or {})

    def confirm_refusal(self, upload: ResultUpload, options: dict[str, Any]) -> list[str]:
        """A file that replaces stored results with fewer rows needs an explicit «yes»: the
        person has read «Файл заменит 88 прежних результатов семью новыми» and ticked it."""
        replacement = (upload.report or {}).get("replacement", "")
        if replacement and not options.get("replace_acknowledged"):
            return replacement_refusal(replacement).messages
        return []

    def commit(
        self,
        upload: ResultUpload,
        data: bytes,
        progress: Progress,
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Check the file again and write it in one transaction.

        The database may have changed since the dry run (a campaign locked, a school
        removed, a scale changed, more results imported), so the plan is made anew. An
        import that now replaces results with fewer rows needs the confirm's «yes».
        """
        import_options = ImportOptions.from_dict(upload.report.get("options", {}))
        progress(15, "Проверка данных…")
        plan = results_plan(
            user=upload.uploaded_by, filename=upload.filename, data=data, options=import_options
        )
        if not plan.ok:
            upload.report = plan.report(import_options)
            raise ImportRejected([str(p) for p in plan.errors])
        acknowledged = (options or {}).get(
            "replace_acknowledged", bool(upload.report.get("replace_acknowledged"))
        )
        if plan.replacement and not acknowledged:
            upload.report = plan.report(import_options)
            raise replacement_refusal(plan.replacement)
        progress(45, "Запись результатов…")
        counts = _commit(plan, upload, import_options, progress)
        counts["message"] = f"Результаты загружены. {counts['message']}"
        campaign_id = counts.get("campaign_id")
        if campaign_id is not None:  # the stored figures follow every import (a separate job)
            user = upload.uploaded_by
            transaction.on_commit(lambda: figures_request(campaign_id=campaign_id, user=user))
        elif plan.format == parsing.FORMAT_VSOSH and plan.olympiad_year is not None:
            _olympiad_figures_request(plan.olympiad_year, plan.row_school.values(), upload)
        return counts


RESULTS = flow_register(ResultsFlow())


def _olympiad_figures_request(year: int, school_ids: Any, upload: ResultUpload) -> None:
    """The ВсОШ year figures follow every olympiad import (a job per municipality)."""
    municipality_ids = sorted(
        set(School.objects.filter(pk__in=set(school_ids)).values_list("municipality_id", flat=True))
    )
    user = upload.uploaded_by
    transaction.on_commit(
        lambda: year_figures_request(
            procedure="vsosh", year=year, municipality_ids=municipality_ids, user=user
        )
    )


def upload_check(
    *,
    user: User | None,
    filename: str,
    data: bytes,
    options: ImportOptions | None = None,
) -> ResultUpload:
    """Store an uploaded result file with its dry run (status «checked» or «rejected»)."""
    upload: ResultUpload = upload_store(
        RESULTS, user=user, filename=filename, data=data, options=options
    )
    return upload


def _apply_plan(upload: ResultUpload, plan: ImportPlan, options: ImportOptions) -> None:
    upload.format = plan.format
    upload.campaign = plan.campaign
    upload.rows = plan.row_count
    upload.report = plan.report(options)
    school = plan.default_school
    if school is None and len(plan.schools) == 1:
        only = next(iter(plan.schools.values()))
        school = School.objects.filter(pk=only.school_id).first()
    if upload.uploaded_by is not None and upload.uploaded_by.role == Role.DIRECTOR:
        school = school or upload.uploaded_by.school
    upload.school = school
    upload.municipality_id = _upload_municipality(upload, plan)


def _upload_municipality(upload: ResultUpload, plan: ImportPlan) -> int | None:
    """Whose upload this is: the school's municipality, the uploader's, or the file's own.

    A file of another municipality's schools is refused by the plan for a bound user, so
    the three agree when they are all known; a deployment-wide specialist's file is given
    the municipality of its schools when they share one.
    """
    if upload.school is not None:
        return upload.school.municipality_id
    bound = user_municipality_id(upload.uploaded_by)
    if bound is not None:
        return bound
    found = set(
        School.objects.filter(
            pk__in=[item.school_id for item in plan.schools.values()]
        ).values_list("municipality_id", flat=True)
    )
    return found.pop() if len(found) == 1 else None


REPLACE_HINT = "подтвердите, что прежние результаты нужно заменить меньшим числом новых"


def replacement_refusal(replacement: str) -> ImportRejected:
    """The refusal of an import that shrinks the stored results without an explicit «yes»."""
    return ImportRejected([replacement, REPLACE_HINT])


def upload_confirm(*, upload_id: int, user: User, replace_acknowledged: bool = False) -> Job:
    """Queue the import of a checked upload as a background job (once: a conditional UPDATE)."""
    try:
        return flow_confirm(
            RESULTS,
            upload_id=upload_id,
            user=user,
            replace_acknowledged=replace_acknowledged,
        )
    except UploadRefused as exc:
        raise ImportRejected(exc.messages) from exc


def upload_import(
    *,
    upload_id: int,
    progress: Progress | None = None,
    replace_acknowledged: bool | None = None,
) -> dict[str, Any]:
    """Import a checked (or queued) upload now, as its job does; `ImportRejected` on refusal.

    `replace_acknowledged` None takes the answer given at confirmation.
    """
    options = (
        None if replace_acknowledged is None else {"replace_acknowledged": replace_acknowledged}
    )
    try:
        return upload_commit(
            flow_name=RESULTS.name, upload_id=upload_id, progress=progress, options=options
        )
    except ImportRejected:
        raise
    except JobError as exc:
        raise ImportRejected(exc.messages) from exc


@transaction.atomic
def _commit(
    plan: ImportPlan, upload: ResultUpload, options: ImportOptions, report: Progress
) -> dict[str, Any]:
    """Write the plan in one transaction: replace, never merge."""
    parsed = plan.parsed
    assert parsed is not None
    user = upload.uploaded_by
    campaign = plan.campaign
    if plan.format != parsing.FORMAT_VSOSH:
        campaign = _lock_or_create_campaign(plan, user, parsed)
    counts: dict[str, Any] = {"format": plan.format}
    if plan.format in INDIVIDUAL_FORMATS:
        assert campaign is not None
        if plan.tasks_from_file and not campaign.tasks.exists():
            _create_tasks(campaign, plan.tasks, parsed)
        school_ids = sorted({s.school_id for s in plan.schools.values()})
        deleted, _ = Result.objects.filter(campaign=campaign, school_id__in=school_ids).delete()
        created = _store_results(plan, campaign, upload, report)
        counts |= {"created": created, "replaced": deleted, "schools": len(school_ids)}
        message = (
            f"Загружено участников: {created}"
            + (f", заменено прежних записей: {deleted}" if deleted else "")
            + f"; ОО: {len(school_ids)}."
        )
    elif plan.format in AGGREGATE_FORMATS:
        assert campaign is not None
        kind = AGGREGATE_KIND[plan.format]
        deleted, _ = ReferenceValue.objects.filter(campaign=campaign, kind=kind).delete()
        references = [
            ReferenceValue(
                campaign=campaign,
                kind=kind,
                level=row.level,
                name=row.name[:500],
                code=(row.code or "")[:64],
                school_id=plan.reference_schools.get(row.code or ""),
                schools=row.schools,
                participants=row.participants,
                counts=row.counts,
                percents=row.percents,
                upload=upload,
            )
            for row in parsed.reference_rows
        ]
        ReferenceValue.objects.bulk_create(references, batch_size=BATCH_SIZE)
        counts |= {"created": len(references), "replaced": deleted}
        message = f"Загружено строк показателей: {len(references)}."
    else:
        created, deleted = _store_olympiad(plan, upload)
        counts |= {"created": created, "replaced": deleted}
        message = f"Загружено результатов олимпиады: {created}."
    upload.campaign = campaign  # the «imported» mark is set with it by msoko.uploads
    upload.report = {**plan.report(options), "imported": counts}
    upload.save(update_fields=["campaign", "report"])
    counts["message"] = message
    counts["upload_id"] = upload.pk
    counts["campaign_id"] = campaign.pk if campaign is not None else None
    return counts


def _lock_or_create_campaign(plan: ImportPlan, user: User | None, parsed: ParsedFile) -> Campaign:
    """The campaign row locked against a concurrent lock/unlock, or the new campaign."""
    if plan.campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=plan.campaign.pk)
        if campaign.is_locked:
            raise ImportRejected(f"приём результатов кампании «{campaign}» закрыт")
        return campaign
    spec = plan.new_campaign
    assert spec is not None
    existing = (
        Campaign.objects.select_for_update()
        .filter(
            procedure_id=spec["procedure_id"],
            year=spec["year"],
            subject_id=spec["subject_id"],
            grade=spec["grade"],
        )
        .first()
    )
    if existing is not None:
        raise ImportRejected(
            f"кампания «{existing}» создана после проверки файла; проверьте файл заново"
        )
    campaign = Campaign(
        procedure_id=spec["procedure_id"],
        year=spec["year"],
        subject_id=spec["subject_id"],
        grade=spec["grade"],
        date=_parse_date(parsed.date),
        created_by=user,
    )
    if parsed.max_primary is not None:
        campaign.max_primary = Decimal(str(parsed.max_primary))
    elif plan.tasks:
        campaign.max_primary = Decimal(str(sum(t.max_score for t in plan.tasks)))
    campaign.full_clean()
    campaign.save()
    return Campaign.objects.select_related("procedure", "subject").get(pk=campaign.pk)


def _parse_date(value: str) -> date | None:
    match = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value or "")
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _create_tasks(campaign: Campaign, tasks: Sequence[TaskSpec], parsed: ParsedFile) -> None:
    CampaignTask.objects.bulk_create(
        CampaignTask(
            campaign=campaign,
            order=i,
            number=t.number[:16],
            max_score=Decimal(str(t.max_score)),
            level=t.level if t.level in ("Б", "П", "В") else "",
            requirement=t.requirement,
        )
        for i, t in enumerate(tasks, start=1)
    )
    if campaign.max_primary is None:
        campaign.max_primary = Decimal(str(sum(t.max_score for t in tasks)))
        campaign.save(update_fields=["max_primary"])


def _result_values(
    plan: ImportPlan, campaign: Campaign, upload: ResultUpload
) -> Iterator[tuple[Any, ...]]:
    """The rows to store, as tuples in RESULT_COLUMNS order."""
    parsed = plan.parsed
    assert parsed is not None
    by_login = parsed.format == parsing.FORMAT_F1
    row_school = plan.row_school
    campaign_id, upload_id = campaign.pk, upload.pk
    for row in parsed.rows:
        school_id = row_school[row.school_login if by_login else row.school_code]
        scores = row.scores
        test = row.test_score
        yield (
            campaign_id,
            school_id,
            row.participant_code,
            row.class_name,
            row.variant,
            [None if s is None else (int(s) if s.is_integer() else s) for s in scores],
            row.primary_score,
            row.mark,
            row.journal_mark,
            None if test is None else round(test),
            row.absent,
            upload_id,
        )


RESULT_COLUMNS = (
    "campaign_id",
    "school_id",
    "participant_code",
    "class_name",
    "variant",
    "scores",
    "primary_score",
    "mark",
    "journal_mark",
    "test_score",
    "absent",
    "upload_id",
)


def _store_results(
    plan: ImportPlan, campaign: Campaign, upload: ResultUpload, report: Progress
) -> int:
    if connection.vendor == "postgresql":
        return _copy_results(plan, campaign, upload, report)
    parsed = plan.parsed
    assert parsed is not None
    total = len(parsed.rows)
    created = 0
    batch: list[Result] = []
    for item in _result_values(plan, campaign, upload):
        batch.append(Result(**dict(zip(RESULT_COLUMNS, item, strict=True))))
        if len(batch) >= BATCH_SIZE:
            Result.objects.bulk_create(batch)
            created += len(batch)
            batch = []
            report(45 + 50 * created // max(total, 1), f"Записано {created} из {total}…")
    Result.objects.bulk_create(batch)
    return created + len(batch)


NULL = "\\N"  # COPY's text format for NULL
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# JSON text of the usual scores; anything else goes through repr (finite floats only).
_SCORE_TEXT: dict[float | None, str] = {None: "null", **{float(i): str(i) for i in range(101)}}


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _copy_results(
    plan: ImportPlan, campaign: Campaign, upload: ResultUpload, report: Progress
) -> int:
    """PostgreSQL COPY in chunks of 20,000 rows, the text built by a second thread.

    The server parses, indexes and checks the foreign keys of one chunk (psycopg2 waits
    for it with the GIL released) while the thread builds the next one, so the two costs
    overlap instead of adding up. Foreign keys are checked as each chunk ends
    (SET CONSTRAINTS ALL IMMEDIATE), not all at once at commit. Nothing is visible to
    others before the transaction commits; any error rolls everything back.
    """
    parsed = plan.parsed
    assert parsed is not None
    total = len(parsed.rows)
    columns = ", ".join(f'"{name}"' for name in RESULT_COLUMNS)  # the db column names
    sql = f"COPY {Result._meta.db_table} ({columns}) FROM STDIN"  # names from the model only
    chunks: queue.Queue[str | BaseException | None] = queue.Queue(maxsize=2)
    cancelled = threading.Event()

    def produce() -> None:
        try:
            for chunk in _copy_chunks(plan, campaign, upload):
                while not cancelled.is_set():
                    try:
                        chunks.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if cancelled.is_set():
                    return
            chunks.put(None)
        except BaseException as exc:  # handed to the writing thread, which re-raises it
            chunks.put(exc)

    producer = threading.Thread(target=produce, name="results-copy", daemon=True)
    created = 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        raw = cursor.cursor  # psycopg2's own cursor: Django's wrapper has no copy_expert
        producer.start()
        try:
            while (item := chunks.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                # One read per chunk: with 8 KB reads the waiting thread queues for the GIL
                # behind the producer hundreds of times per chunk.
                raw.copy_expert(sql, io.StringIO(item), size=len(item) + 1)
                created += item.count("\n")
                report(45 + 50 * created // max(total, 1), f"Записано {created} из {total}…")
        finally:
            cancelled.set()
            producer.join()
    return created


def _copy_chunks(
    plan: ImportPlan, campaign: Campaign, upload: ResultUpload, size: int = 20_000
) -> Iterator[str]:
    """The rows in COPY's text format, `size` lines at a time.

    This loop is the import's hot path: codes are escaped only when they hold more than
    letters and digits, repeated values (classes, variants, primary scores) are escaped
    once, and the scores' JSON is joined from ready-made texts. No line holds a raw
    newline: every text value goes through the escaping.
    """
    parsed = plan.parsed
    assert parsed is not None
    by_login = parsed.format == parsing.FORMAT_F1
    row_school = plan.row_school
    tail = f"\t{upload.pk}\n"
    head = f"{campaign.pk}\t"
    texts: dict[str, str] = {}
    numbers: dict[float | None, str] = {None: NULL}
    score_text = _SCORE_TEXT.get
    lines: list[str] = []
    for row in parsed.rows:
        code = row.participant_code
        if not code.isalnum():
            code = _copy_text(code)
        class_name = texts.get(row.class_name)
        if class_name is None:
            class_name = texts[row.class_name] = _copy_text(row.class_name)
        variant = texts.get(row.variant)
        if variant is None:
            variant = texts[row.variant] = _copy_text(row.variant)
        primary = numbers.get(row.primary_score)
        if primary is None:
            primary = numbers[row.primary_score] = repr(round(row.primary_score or 0.0, 1))
        scores = "[" + ",".join([score_text(v) or repr(v) for v in row.scores]) + "]"
        mark, journal, test = row.mark, row.journal_mark, row.test_score
        lines.append(
            f"{head}{row_school[row.school_login if by_login else row.school_code]}\t"
            f"{code}\t{class_name}\t{variant}\t{scores}\t{primary}\t"
            f"{NULL if mark is None else mark}\t{NULL if journal is None else journal}\t"
            f"{NULL if test is None else round(test)}\t{'t' if row.absent else 'f'}{tail}"
        )
        if len(lines) == size:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def _store_olympiad(plan: ImportPlan, upload: ResultUpload) -> tuple[int, int]:
    parsed = plan.parsed
    assert parsed is not None and plan.olympiad_year is not None
    groups: set[tuple[str, int, int]] = set()
    objects = []
    for row in parsed.olympiad_rows:
        school_id = plan.row_school[row.school_login or ""]
        subject = plan.subjects[row.subject]
        stage = STAGE_CODES[row.stage]
        groups.add((stage, subject.pk, school_id))
        objects.append(
            OlympiadResult(
                year=plan.olympiad_year,
                stage=stage,
                subject=subject,
                grade=row.grade or 0,  # rows without a grade are errors
                school_id=school_id,
                participant_code=row.participant_code[:32],
                score=_decimal2(row.score),
                max_score=_decimal2(row.max_score),
                status=STATUS_CODES.get(row.status, OlympiadStatus.PARTICIPANT),
                upload=upload,
            )
        )
    condition = Q(pk__in=[])
    for stage, subject_id, school_id in groups:
        condition |= Q(stage=stage, subject_id=subject_id, school_id=school_id)
    deleted, _ = OlympiadResult.objects.filter(condition, year=plan.olympiad_year).delete()
    OlympiadResult.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects), deleted


def _decimal2(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(round(value, 2)))
