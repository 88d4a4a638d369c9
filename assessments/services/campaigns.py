"""Writes of the campaign catalogue: campaigns and their tasks, scales, lock / unlock, ЕГЭ
thresholds; and the school's collection-form template of a campaign.

Every write is a service with keyword-only arguments that validates before it saves and
raises ``ValidationError`` with a Russian message; views only translate that into a form
error or a message.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessments.choices import CampaignAction, TaskLevel
from assessments.indicators import normalize_level
from assessments.models import (
    Campaign,
    CampaignEvent,
    CampaignTask,
    EgeThreshold,
    MappingProfile,
    Result,
    ScaleVersion,
)
from assessments.parsing import FORMAT_UNKNOWN, ParsedFile, parse_sheets
from assessments.scales import Scale
from msoko import formatting
from msoko.exports import XLSX_TYPE, xlsx_formula, xlsx_put
from msoko.models import User
from msoko.spreadsheets import read_table_file

# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class TaskData:
    """A task as a form or a file gives it, before it is saved."""

    number: str
    max_score: Decimal
    level: str = ""
    requirement: str = ""


def _validate_tasks(tasks: Sequence[TaskData]) -> None:
    errors = []
    seen: set[str] = set()
    for position, task in enumerate(tasks, start=1):
        if not task.number:
            errors.append(f"Задание в строке {position}: не указан номер.")
        elif task.number in seen:
            errors.append(f"Номер задания «{task.number}» повторяется.")
        seen.add(task.number)
        if task.max_score <= 0:
            errors.append(f"Задание «{task.number}»: максимальный балл должен быть больше 0.")
        if task.level and task.level not in TaskLevel.values:
            errors.append(f"Задание «{task.number}»: уровень сложности — Б, П или В.")
    if errors:
        raise ValidationError(errors)


def _same_layout(current: Sequence[CampaignTask], tasks: Sequence[TaskData]) -> bool:
    return [(t.number, Decimal(t.max_score)) for t in current] == [
        (t.number, Decimal(t.max_score)) for t in tasks
    ]


@transaction.atomic
def campaign_save(*, campaign: Campaign, tasks: Sequence[TaskData] | None, user: Any) -> Campaign:
    """Create or change a campaign and, if given, replace its task list.

    The scores of every result are stored aligned with the task order, so once a campaign
    has results its task numbers, order and maxima are frozen; levels and requirements can
    still be corrected. The maximum primary score defaults to the sum of the task maxima
    and must equal it when both are given.
    """
    has_results = campaign.pk is not None and campaign.results.exists()
    current = list(campaign.tasks.all()) if campaign.pk else []
    if tasks is not None:
        _validate_tasks(tasks)
        if has_results and not _same_layout(current, tasks):
            raise ValidationError(
                "У кампании уже есть результаты: номера, порядок и максимальные баллы заданий "
                "менять нельзя (можно исправить уровень и проверяемые требования)."
            )
        total = sum((t.max_score for t in tasks), Decimal(0))
        if tasks and campaign.max_primary is None:
            campaign.max_primary = total
        elif tasks and campaign.max_primary != total:
            raise ValidationError(
                f"Максимальный первичный балл ({campaign.max_primary:g}) не равен сумме "
                f"максимальных баллов заданий ({total:g})."
            )
    if campaign.scale:
        scale = Scale.from_dict(campaign.scale)
        if campaign.max_primary is not None and scale.max_primary != campaign.max_primary:
            raise ValidationError(
                f"Шкала кампании рассчитана на максимум {scale.max_primary} баллов, а "
                f"максимальный первичный балл — {campaign.max_primary:g}: сначала измените шкалу."
            )
    duplicate = Campaign.objects.filter(
        procedure=campaign.procedure_id,
        year=campaign.year,
        subject=campaign.subject_id,
        grade=campaign.grade,
    ).exclude(pk=campaign.pk)
    if duplicate.exists():
        raise ValidationError("Такая кампания (процедура, год, предмет, класс) уже есть.")
    if campaign.pk is None:
        campaign.created_by = user
    campaign.full_clean(exclude=["scale"])
    campaign.save()
    if tasks is not None:
        if has_results:
            for task, data in zip(current, tasks, strict=True):
                task.level = data.level
                task.requirement = data.requirement
            CampaignTask.objects.bulk_update(current, ["level", "requirement"])
        else:
            campaign.tasks.all().delete()
            CampaignTask.objects.bulk_create(
                CampaignTask(
                    campaign=campaign,
                    order=order,
                    number=task.number,
                    max_score=task.max_score,
                    level=task.level,
                    requirement=task.requirement,
                )
                for order, task in enumerate(tasks, start=1)
            )
    return campaign


def campaign_tasks_from_file(*, filename: str, data: bytes) -> tuple[list[TaskData], ParsedFile]:
    """The task list of an uploaded result file's header (`4К1 (3б)` = task 4, criterion 1,
    max 3), with its title hints. Only the task list is used: the rows are ignored here.
    """
    try:
        sheets = read_table_file(filename, data)
    except ValueError as exc:
        raise ValidationError(f"Файл не прочитан: {exc}") from exc
    parsed = parse_sheets(sheets)
    if parsed.format == FORMAT_UNKNOWN or not parsed.tasks:
        raise ValidationError(
            "В файле не найден заголовок с заданиями вида «1 (2б)», «4К1 (3б)». "
            "Подойдут форма Ф1 ФИС ОКО или форма сбора результатов."
        )
    tasks = [
        TaskData(
            number=task.number,
            max_score=Decimal(str(task.max_score)),
            level=normalize_level(task.level),
            requirement=task.requirement,
        )
        for task in parsed.tasks
    ]
    return tasks, parsed


# --------------------------------------------------------------------------- scale


def _task_max(campaign: Campaign) -> dict[str, float] | None:
    tasks = list(campaign.tasks.all())
    return {t.number: float(t.max_score) for t in tasks} if tasks else None


@transaction.atomic
def campaign_scale_set(
    *, campaign: Campaign, scale: Scale, comment: str, user: Any, remark: bool = False
) -> ScaleVersion:
    """Make `scale` the campaign's current scale, keeping every earlier one as a version.

    With `remark`, the marks of the results already loaded are recomputed with the new
    scale (the ОГЭ-style conditions read the pupil's task scores). Returns the new version.
    """
    errors = scale.validate(_task_max(campaign))
    if campaign.max_primary is not None and scale.max_primary != campaign.max_primary:
        errors.append(
            f"Максимальный балл шкалы ({scale.max_primary}) не равен максимальному первичному "
            f"баллу кампании ({campaign.max_primary:g})."
        )
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    last = campaign.scale_versions.aggregate(last=Max("version"))["last"] or 0
    version = ScaleVersion.objects.create(
        campaign=campaign,
        version=last + 1,
        scale=scale.to_dict(),
        comment=comment,
        created_by=user,
    )
    campaign.scale = scale.to_dict()
    if campaign.max_primary is None:
        campaign.max_primary = Decimal(scale.max_primary)
    campaign.save(update_fields=["scale", "max_primary"])
    if remark:
        results_remark(campaign=campaign, scale=scale)
    _refresh_figures(campaign.pk, user)
    return version


def _refresh_figures(campaign_id: int, user: Any) -> None:
    """The stored figures follow the scale: recomputed by a job once this change is saved."""
    from assessments.services.figures import figures_request

    transaction.on_commit(lambda: figures_request(campaign_id=campaign_id, user=user))


def results_remark(*, campaign: Campaign, scale: Scale) -> int:
    """Recompute the marks of a campaign's results with `scale`; return how many changed."""
    numbers = [t.number for t in campaign.tasks.all()]
    changed = []
    for result in campaign.results.filter(absent=False, primary_score__isnull=False).only(
        "pk", "primary_score", "scores", "mark"
    ):
        scores = dict(zip(numbers, result.scores, strict=False)) if numbers else None
        try:
            mark = scale.mark_for(float(result.primary_score or 0), scores)
        except ValueError:
            continue
        if mark != result.mark:
            result.mark = mark
            changed.append(result)
    Result.objects.bulk_update(changed, ["mark"], batch_size=1000)
    return len(changed)


# --------------------------------------------------------------------------- lock


@transaction.atomic
def campaign_lock(*, campaign: Campaign, user: Any, comment: str = "") -> bool:
    """Close the collection of results (uploads are refused); False if already closed."""
    return _set_lock(campaign=campaign, user=user, comment=comment, locked=True)


@transaction.atomic
def campaign_unlock(*, campaign: Campaign, user: Any, comment: str = "") -> bool:
    """Open the collection of results again; False if it was open."""
    return _set_lock(campaign=campaign, user=user, comment=comment, locked=False)


def _set_lock(*, campaign: Campaign, user: Any, comment: str, locked: bool) -> bool:
    # The conditional UPDATE makes a double click (or two specialists) record one event.
    changed = Campaign.objects.filter(pk=campaign.pk, is_locked=not locked).update(is_locked=locked)
    campaign.is_locked = locked
    if not changed:
        return False
    CampaignEvent.objects.create(
        campaign=campaign,
        action=CampaignAction.LOCK if locked else CampaignAction.UNLOCK,
        comment=comment[:500],
        user=user,
    )
    return True


# --------------------------------------------------------------------------- thresholds


@transaction.atomic
def threshold_save(*, threshold: EgeThreshold, user: Any) -> EgeThreshold:
    """Create or change a ЕГЭ minimum score (year × subject × kind is unique)."""
    if threshold.value < 0 or threshold.value > 100:
        raise ValidationError("Минимальный балл ЕГЭ — от 0 до 100.")
    threshold.full_clean()
    threshold.save()
    return threshold


# --------------------------------------------------------------------------- template

SERVICE_SHEET = "Служебный"
PROTOCOL_SHEET = "Протокол"
ABSENT = "отсутствовал"
NO_MARK = "нет отметки"
TEMPLATE_ROWS = 150


def _fmt_max(value: Decimal) -> str:
    return formatting.trimmed(value)


class CampaignTemplate:
    """The school's collection form of a campaign (DOMAIN §4.2), written by openpyxl.

    Sheet «Протокол»: a title the parser reads («Форма сбора результатов Русский язык
    4 класс ВПР 2026»), then `Код участника | Вариант | 1 (5б) | … | Порядковый номер
    класса | Отметка за предыдущий триместр/четверть/полугодие | Итого баллов`; «Итого
    баллов» is a SUM formula, as in the real form. Sheet «Служебный» holds the allowed
    values, and the cells of «Протокол» have drop-down lists that point to them.
    """

    def __init__(self, campaign: Campaign, *, school_label: str = "") -> None:
        self.campaign = campaign
        self.school_label = school_label

    def filename(self) -> str:
        c = self.campaign
        return f"forma-sbora-{c.procedure.code}-{c.year}-{c.subject.code}-{c.grade}.xlsx"

    def title(self) -> str:
        c = self.campaign
        return (
            f"Форма сбора результатов {c.subject.name} {c.grade} класс "
            f"{c.procedure.get_code_display()} {c.year}"
        )

    def render(self) -> tuple[str, str, bytes]:
        campaign = self.campaign
        tasks = list(campaign.tasks.all())
        if not tasks:
            raise ValidationError("У кампании нет перечня заданий: шаблон сделать не из чего.")
        variants = [v.strip() for v in campaign.variants.replace(";", ",").split(",") if v.strip()]
        variants = variants or ["1", "2"]
        workbook = Workbook()
        protocol = workbook.active
        protocol.title = PROTOCOL_SHEET
        service = workbook.create_sheet(SERVICE_SHEET)

        # «Служебный»: the allowed values, one column per list.
        maxima = sorted({int(t.max_score) for t in tasks if t.max_score == int(t.max_score)})
        columns: list[tuple[str, list[Any]]] = [
            ("Вариант", [*variants, ABSENT]),
            ("Отметка", [2, 3, 4, 5, NO_MARK]),
        ]
        score_column: dict[int, str] = {}
        for maximum in maxima:
            score_column[maximum] = get_column_letter(len(columns) + 1)
            columns.append((f"Балл (макс. {maximum})", ["X", *range(maximum + 1)]))
        for col, (header, values) in enumerate(columns, start=1):
            xlsx_put(service, 1, col, header).font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                xlsx_put(service, row, col, value)  # a variant «=…» stays text
            service.column_dimensions[get_column_letter(col)].width = 16

        def list_ref(col_letter: str, count: int) -> str:
            return f"'{SERVICE_SHEET}'!${col_letter}$2:${col_letter}${count + 1}"

        # «Протокол»: title, a line for the school, the header, empty rows to fill.
        xlsx_put(protocol, 1, 1, self.title()).font = Font(bold=True, size=12)
        xlsx_put(protocol, 2, 1, f"ОО: {self.school_label}" if self.school_label else "ОО:")
        header_row = 3
        headers = ["Код участника", "Вариант"]
        headers += [f"{t.number} ({_fmt_max(t.max_score)}б)" for t in tasks]
        headers += [
            "Порядковый номер класса",
            "Отметка за предыдущий триместр/четверть/полугодие",
            "Итого баллов",
        ]
        fill = PatternFill("solid", fgColor="DDEBF7")
        for col, header in enumerate(headers, start=1):
            cell = xlsx_put(protocol, header_row, col, header)  # task numbers stay text
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            protocol.column_dimensions[get_column_letter(col)].width = 9
        protocol.column_dimensions["A"].width = 16
        first = header_row + 1
        last = header_row + TEMPLATE_ROWS
        first_task = 3
        last_task = first_task + len(tasks) - 1
        journal_col = last_task + 2
        total_col = last_task + 3
        protocol.column_dimensions[get_column_letter(journal_col)].width = 18
        protocol.column_dimensions[get_column_letter(total_col)].width = 10
        start, end = get_column_letter(first_task), get_column_letter(last_task)
        for row in range(first, last + 1):
            xlsx_formula(protocol, row, total_col, f"=SUM({start}{row}:{end}{row})")
        protocol.freeze_panes = protocol.cell(first, 3)

        def validate(formula: str, col: int, prompt: str) -> None:
            rule = DataValidation(type="list", formula1=formula, allow_blank=True)
            rule.error = "Выберите значение из списка."
            rule.errorTitle = "Недопустимое значение"
            rule.prompt = prompt
            rule.showErrorMessage = True
            letter = get_column_letter(col)
            rule.add(f"{letter}{first}:{letter}{last}")
            protocol.add_data_validation(rule)

        validate(list_ref("A", len(variants) + 1), 2, "Номер варианта или «отсутствовал»")
        for offset, task in enumerate(tasks):
            maximum = int(task.max_score)
            if maximum in score_column and task.max_score == maximum:
                validate(
                    list_ref(score_column[maximum], maximum + 2),
                    first_task + offset,
                    f"Балл 0–{maximum} или X (не приступал)",
                )
        validate(list_ref("B", 5), journal_col, "Отметка 2–5 или «нет отметки»")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return self.filename(), XLSX_TYPE, buffer.getvalue()


@transaction.atomic
def mapping_profile_save(
    *, profile: MappingProfile, columns: dict[str, list[str]], user: User
) -> MappingProfile:
    """Save a РЦОИ column profile; imports use it from the next upload on."""
    if not columns.get("participant_code"):
        raise ValidationError("В профиле нужен хотя бы столбец «Код участника».")
    profile.columns = columns
    profile.updated_by = user
    profile.full_clean()
    profile.save()
    return profile
