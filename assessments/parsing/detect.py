"""Format detection and the single entry point `parse_sheets`.

The format is read from sheet names, title rows and header texts, never from the file
name: people rename files freely, and a CSV arrives as one sheet named after its file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from msoko.spreadsheets import Sheet

from . import aggregates, individual, olympiad, rcoi
from .base import (
    FORMAT_COLLECTION,
    FORMAT_EGE,
    FORMAT_F1,
    FORMAT_F3_JOURNAL,
    FORMAT_F3_MARKS,
    FORMAT_LABELS,
    FORMAT_OGE,
    FORMAT_UNKNOWN,
    FORMAT_VSOSH,
    ParsedFile,
    Problem,
)
from .cells import Header, build_header, norm, parse_task_header
from .hints import SUBJECT_CODES, read_hints
from .rcoi import DEFAULT_PROFILES, MappingProfile

SCAN_ROWS = 40
SERVICE_SHEETS = ("служебный", "справочник", "инструкция")
_CODE_WORDS = frozenset(
    norm(s) for s in ("Код участника", "Номер участника", "Шифр участника", "Шифр", "Код")
)
_F1_MARKERS = ("индивидуальные результаты", "уровень сложности")
_COLLECTION_MARKERS = ("итого", "порядковый номер", "отметка за предыдущ")


def _has_tasks(texts: list[str]) -> bool:
    return any(parse_task_header(t) for t in texts if "(" in t)


def _has_marks(texts: list[str]) -> bool:
    return all(m in texts for m in aggregates.MARKS)


Detected = tuple[str, Header, Callable[[ParsedFile], None]]


def _detect_sheet(
    sheet: Sheet, profiles: Sequence[MappingProfile], procedure_hint: str, olympiad_stage: str = ""
) -> Detected | None:
    """The format of one sheet and a closure that parses it, or None."""
    top = [[norm(v) for v in row] for row in sheet.rows[:SCAN_ROWS]]
    everything = " ".join(t for row in top for t in row if t)
    code_words = _CODE_WORDS | {
        norm(s) for p in profiles for s in p.columns.get("participant_code", ())
    }
    for index, texts in enumerate(top):
        if not any(texts):
            continue
        if "группы участников" in texts:
            header = build_header(sheet, index, extend_if=_has_marks)
            flat = [t for labels in header.labels for t in labels]
            below = " ".join(
                norm(sheet.cell(r, 0)) for r in range(header.data_start, header.data_start + 12)
            )
            if (
                "сравнение отметок" in everything
                or any(aggregates._journal_key(t) for t in flat)
                or "понизил" in below
            ):
                return (
                    FORMAT_F3_JOURNAL,
                    header,
                    lambda res, h=header: aggregates.parse_journal(sheet, h, res),
                )
            if _has_marks(flat):
                return (
                    FORMAT_F3_MARKS,
                    header,
                    lambda res, h=header: aggregates.parse_marks(sheet, h, res),
                )
            continue
        if not (code_words & set(texts)) and not any(t.startswith("код участника") for t in texts):
            continue
        header = build_header(sheet, index, extend_if=_has_tasks)
        flat = [t for labels in header.labels for t in labels]
        if header.task_columns():
            is_collection = (
                norm(sheet.name) == "протокол"
                or "форма сбора" in everything
                or any(t.startswith(_COLLECTION_MARKERS) for t in flat)
            )
            is_f1 = (
                any(m in everything for m in _F1_MARKERS)
                or "название оо" in flat
                or "оо" in flat
                or ("первичный балл" in flat and not is_collection)
            )
            if is_f1:
                return FORMAT_F1, header, lambda res, h=header: individual.parse_f1(sheet, h, res)
            return (
                FORMAT_COLLECTION,
                header,
                lambda res, h=header: individual.parse_collection(sheet, h, res),
            )
        if olympiad.is_olympiad_header(header):
            return (
                FORMAT_VSOSH,
                header,
                lambda res, h=header: olympiad.parse_olympiad(
                    sheet, h, res, _title_stage(sheet, h) or olympiad_stage
                ),
            )
        chosen = rcoi.choose_profile(header, profiles, procedure_hint)
        if chosen:
            profile, columns = chosen
            fmt = FORMAT_EGE if profile.kind == "ege" else FORMAT_OGE
            return (
                fmt,
                header,
                lambda res, h=header, p=profile, c=columns: rcoi.parse_rcoi(sheet, h, p, c, res),
            )
    return None


def _title_stage(sheet: Sheet, header: Header) -> str:
    for r in range(header.first):
        for value in sheet.rows[r]:
            t = norm(value)
            if "этап" in t:
                stage = olympiad.stage_of(t)
                if stage:
                    return stage
    return ""


def _expected() -> str:
    return "; ".join(FORMAT_LABELS.values())


def parse_sheets(
    sheets: list[Sheet],
    *,
    profiles: Sequence[MappingProfile] = DEFAULT_PROFILES,
    olympiad_stage: str = "",
) -> ParsedFile:
    """Detect the layout of an uploaded file (already read by `read_table_file`) and parse it.

    `olympiad_stage` («школьный» …) is the ВсОШ stage chosen in the upload form, used when
    neither a column nor the title names it.

    Every problem found is reported with its sheet, row and column; the caller decides
    whether errors block the import. Unknown layouts give a ParsedFile with one error.
    """
    hints = ParsedFile(FORMAT_UNKNOWN)
    for sheet in sheets:
        read_hints(hints, sheet.rows[:8])
    data_sheets = [s for s in sheets if norm(s.name) not in SERVICE_SHEETS]
    data_sheets.sort(key=lambda s: norm(s.name) != "протокол")
    detected: list[tuple[Sheet, Detected]] = []
    for sheet in data_sheets:
        found = _detect_sheet(sheet, profiles, hints.procedure, olympiad_stage)
        if found:
            detected.append((sheet, found))
    if not detected:
        names = ", ".join(f"«{s.name}»" for s in sheets) or "нет листов"
        hints.problems.append(
            Problem(
                None,
                None,
                None,
                f"Не удалось определить формат файла: в листах ({names}) не найдена строка "
                f"заголовка известного вида; ожидались: {_expected()}",
            )
        )
        return hints
    fmt = detected[0][1][0]
    result = ParsedFile(fmt)
    for sheet, (sheet_format, header, _parse) in detected:
        if sheet_format == fmt:
            read_hints(result, sheet.rows[: header.first])
    for field_name in ("procedure", "year", "subject", "grade", "max_primary", "date"):
        if not getattr(result, field_name):
            setattr(result, field_name, getattr(hints, field_name))
    tasks = None
    for sheet, (sheet_format, header, parse) in detected:
        if sheet_format != fmt:
            result.problems.append(
                Problem(
                    sheet.name,
                    None,
                    None,
                    f"лист пропущен: его формат ({FORMAT_LABELS[sheet_format]}) отличается "
                    f"от формата файла ({FORMAT_LABELS[fmt]})",
                    "warning",
                )
            )
            continue
        before = result.tasks
        result.tasks = []
        parse(result)
        if tasks is None:
            tasks = result.tasks
        elif result.tasks and [t.number for t in result.tasks] != [t.number for t in tasks]:
            result.problems.append(
                Problem(sheet.name, header.first + 1, None, "задания листа отличаются от первого")
            )
        result.tasks = tasks or before
    _finish(result, detected[0][0].name)
    return result


def _finish(result: ParsedFile, sheet_name: str) -> None:
    fmt = result.format
    if fmt in (FORMAT_F1, FORMAT_COLLECTION, FORMAT_EGE, FORMAT_OGE):
        if not any(e.message.startswith("не найдены обязательные") for e in result.errors):
            individual.empty_check(result, sheet_name)
        if fmt == FORMAT_F1 and not result.procedure:
            result.procedure = "ВПР"
        if fmt == FORMAT_COLLECTION and not result.procedure:
            result.procedure = "ВПР"
        if fmt in (FORMAT_EGE, FORMAT_OGE):
            result.procedure = result.procedure or ("ЕГЭ" if fmt == FORMAT_EGE else "ОГЭ")
            codes = {row.subject_code for row in result.rows if row.subject_code}
            if not result.subject and len(codes) == 1:
                result.subject = SUBJECT_CODES.get(codes.pop(), "")
    elif fmt == FORMAT_VSOSH:
        result.procedure = "ВсОШ"
        if not result.olympiad_rows and not result.errors:
            result.problems.append(
                Problem(sheet_name, None, None, "в файле нет ни одного участника олимпиады")
            )
    elif not result.reference_rows and not result.errors:
        result.problems.append(
            Problem(sheet_name, None, None, "в форме нет ни одной строки данных")
        )
