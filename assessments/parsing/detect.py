"""Format detection and the single entry point `parse_sheets`.

The format is read from sheet names, title rows and header texts, never from the file
name: people rename files freely, and a CSV arrives as one sheet named after its file.

All the evidence is weighed together, and a file that looks like one format but lacks
that format's required columns is refused with the missing columns named — never read as
another format whose columns it happens to have (a Ф1 without task columns is not an ОГЭ
protocol, an ОГЭ protocol without marks is not an ЕГЭ one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
    missing_columns_text,
)
from .cells import Header, build_header, norm, parse_task_header, text
from .hints import SUBJECT_CODES, read_hints, title_procedure
from .rcoi import DEFAULT_PROFILES, MappingProfile

SCAN_ROWS = 40
SERVICE_SHEETS = ("служебный", "справочник", "инструкция")
_CODE_WORDS = frozenset(
    norm(s) for s in ("Код участника", "Номер участника", "Шифр участника", "Шифр", "Код")
)

# Evidence of a format besides its required columns, and its weight: a title phrase says
# most, the procedure in a title less, a sheet name or a column only that format has least.
TITLE_WEIGHT, PROCEDURE_WEIGHT, SHEET_WEIGHT, COLUMN_WEIGHT = 3, 2, 1, 1
# The weight from which a format whose required columns are missing is refused even though
# another format could read the file: a title, or two signs of another kind.
CLAIM_WEIGHT = 2
_TITLE_MARKERS = (
    ("индивидуальные результаты", FORMAT_F1),
    ("уровень сложности", FORMAT_F1),
    ("форма сбора результатов", FORMAT_COLLECTION),
    ("статистика по отметкам", FORMAT_F3_MARKS),
    ("сравнение отметок", FORMAT_F3_JOURNAL),
    ("олимпиад", FORMAT_VSOSH),
    ("всош", FORMAT_VSOSH),
)
_TITLE_PROCEDURES = {"ЕГЭ": FORMAT_EGE, "ОГЭ": FORMAT_OGE}
_SHEET_MARKERS = {
    "протокол": FORMAT_COLLECTION,
    "индивидуальные результаты": FORMAT_F1,
    "статистика по отметкам": FORMAT_F3_MARKS,
}
_SIBLING_MARKERS = {"служебный": FORMAT_COLLECTION}
# Header texts only one format has: exact, or a prefix when ending with «…».
_RCOI_COLUMNS = ("код оо", "код предмета", "ответы в краткой форме", "ответы в развернутой форме")
_COLUMN_MARKERS: dict[str, tuple[str, ...]] = {
    FORMAT_F1: ("муниципалитет", "название оо", "отметка по журналу"),
    FORMAT_COLLECTION: ("порядковый номер…", "отметка за предыдущ…", "итого…"),
    FORMAT_EGE: ("тестовый балл", *_RCOI_COLUMNS),
    FORMAT_OGE: ("оценка", *_RCOI_COLUMNS),
    FORMAT_VSOSH: tuple(norm(s) for s in (*olympiad.STATUS, *olympiad.STAGE)),
    FORMAT_F3_MARKS: ("группы участников", "кол-во оо"),
    FORMAT_F3_JOURNAL: ("понизил…", "подтвердил…", "повысил…"),
}
ORDER = (
    FORMAT_F1,
    FORMAT_COLLECTION,
    FORMAT_EGE,
    FORMAT_OGE,
    FORMAT_VSOSH,
    FORMAT_F3_MARKS,
    FORMAT_F3_JOURNAL,
)
# Header texts of any known layout: a row with two of them (or task columns) is a header.
_KNOWN_LABELS = frozenset(
    norm(s)
    for s in (
        *individual.CODE,
        *individual.F1_SCHOOL,
        *individual.F1_SCHOOL_NAME,
        *individual.VARIANT,
        *individual.PRIMARY,
        *individual.MARK,
        *individual.JOURNAL,
        *individual.TOTAL,
        *individual.CLASS_NUMBER,
        "Муниципалитет",
        *(synonym for synonyms in rcoi.COMMON_COLUMNS.values() for synonym in synonyms),
        "Тестовый балл",
        *olympiad.STAGE,
        *olympiad.STATUS,
        *olympiad.SCORE,
        *olympiad.SUBJECT,
        "Группы участников",
        "Кол-во ОО",
        "Кол-во участников",
    )
)
_KNOWN_PREFIXES = ("отметка за предыдущ", "порядковый номер", "итого", "вариант")


def _has_tasks(texts: list[str]) -> bool:
    return any(parse_task_header(t) for t in texts if "(" in t)


def _has_marks(texts: list[str]) -> bool:
    return all(m in texts for m in aggregates.MARKS)


def _looks_like_header(texts: list[str], code_words: frozenset[str] | set[str]) -> bool:
    if code_words & set(texts) or any(t.startswith("код участника") for t in texts):
        return True
    known = sum(
        1
        for t in texts
        if t and (t in _KNOWN_LABELS or t.startswith(_KNOWN_PREFIXES) or _has_tasks([t]))
    )
    return known >= 2


Detected = tuple[str, Header, Callable[[ParsedFile], None]]


@dataclass
class _Evidence:
    """Why a sheet looks like each format: weights and the reasons shown to the user."""

    weight: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    journal_rows: bool = False  # rows «Понизили…» under the header (the tall comparison)

    def add(self, fmt: str, weight: int, reason: str) -> None:
        if reason in self.reasons.get(fmt, []):
            return
        self.weight[fmt] = self.weight.get(fmt, 0) + weight
        self.reasons.setdefault(fmt, []).append(reason)


def _short(value: object, limit: int = 70) -> str:
    t = text(value)
    return t if len(t) <= limit else t[: limit - 1] + "…"


def _evidence(sheet: Sheet, siblings: Sequence[str], header: Header) -> _Evidence:
    found = _Evidence()
    for r in range(header.first):
        for value in sheet.rows[r]:
            t = norm(value)
            if not t or len(t) > 300:
                continue
            for phrase, fmt in _TITLE_MARKERS:
                if phrase in t:
                    found.add(fmt, TITLE_WEIGHT, f"заголовок «{_short(value)}»")
            procedure = title_procedure(t)
            if procedure in _TITLE_PROCEDURES:
                reason = f"заголовок «{_short(value)}»"
                found.add(_TITLE_PROCEDURES[procedure], PROCEDURE_WEIGHT, reason)
    name = norm(sheet.name)
    if name in _SHEET_MARKERS:
        found.add(_SHEET_MARKERS[name], SHEET_WEIGHT, f"лист «{sheet.name}»")
    for sibling in siblings:
        if norm(sibling) in _SIBLING_MARKERS:
            found.add(_SIBLING_MARKERS[norm(sibling)], SHEET_WEIGHT, f"лист «{sibling}»")
    for col, labels in enumerate(header.labels):
        for fmt, markers in _COLUMN_MARKERS.items():
            for marker in markers:
                prefix = marker.endswith("…")
                want = marker.rstrip("…")
                if any(t.startswith(want) if prefix else t == want for t in labels):
                    found.add(fmt, COLUMN_WEIGHT, f"столбец «{header.title(col)}»")
                    break
    below = " ".join(
        norm(sheet.cell(r, 0)) for r in range(header.data_start, header.data_start + 12)
    )
    if "понизил" in below and "группы участников" in [t for ls in header.labels for t in ls]:
        found.journal_rows = True
        found.add(FORMAT_F3_JOURNAL, COLUMN_WEIGHT, "строки «Понизили…»")
    return found


def _is_math_base(sheet: Sheet, header: Header, columns: dict[str, int]) -> bool:
    """A ЕГЭ protocol of базовая математика: marks 2–5 and no test score (DOMAIN §3)."""
    titles = " ".join(norm(v) for r in range(header.first) for v in sheet.rows[r])
    if "базов" in titles or "математика база" in titles:
        return True
    col = columns.get("subject_code")
    if col is None:
        return False
    codes = {
        text(sheet.cell(r, col)).zfill(2)
        for r in range(header.data_start, min(len(sheet.rows), header.data_start + 200))
        if text(sheet.cell(r, col))
    }
    return codes == {"22"}


def _detect_sheet(
    sheet: Sheet,
    profiles: Sequence[MappingProfile],
    procedure_hint: str,
    olympiad_stage: str = "",
    siblings: Sequence[str] = (),
) -> Detected | None:
    """The format of one sheet and a closure that parses it (or refuses it), or None.

    The header row is the first row that reads like one; the format is the one with the
    most evidence (titles, sheet names, its own columns). A format with strong evidence
    whose required columns are missing is refused, never swapped for a format whose
    columns the header happens to have.
    """
    top = [[norm(v) for v in row] for row in sheet.rows[:SCAN_ROWS]]
    code_words = _CODE_WORDS | {
        norm(s) for p in profiles for s in p.columns.get("participant_code", ())
    }
    for index, texts in enumerate(top):
        if not any(texts):
            continue
        if "группы участников" in texts:
            header = build_header(sheet, index, extend_if=_has_marks)
        elif _looks_like_header(texts, code_words):
            header = build_header(sheet, index, extend_if=_has_tasks)
        else:
            continue
        found = _decide(sheet, header, profiles, procedure_hint, olympiad_stage, siblings)
        if found is not None:
            return found
    return None


def _decide(
    sheet: Sheet,
    header: Header,
    profiles: Sequence[MappingProfile],
    procedure_hint: str,
    olympiad_stage: str,
    siblings: Sequence[str],
) -> Detected | None:
    evidence = _evidence(sheet, siblings, header)
    stage = _title_stage(sheet, header) or olympiad_stage
    rcoi_found = {
        kind: rcoi.choose_profile(header, profiles, procedure_hint, kinds=(kind,))
        for kind in ("ege", "oge")
    }
    flat = [t for labels in header.labels for t in labels]
    missing: dict[str, list[str]] = {
        FORMAT_F1: individual.f1_missing(header),
        FORMAT_COLLECTION: individual.collection_missing(header),
        FORMAT_EGE: [] if rcoi_found["ege"] else rcoi.missing_fields(header, profiles, "ege"),
        FORMAT_OGE: [] if rcoi_found["oge"] else rcoi.missing_fields(header, profiles, "oge"),
        FORMAT_VSOSH: olympiad.missing_columns(header, stage),
        FORMAT_F3_MARKS: aggregates.marks_missing(header),
        # The comparison has its figures in «Понизили…» columns or rows; the title alone
        # does not make a table readable.
        FORMAT_F3_JOURNAL: aggregates.journal_missing(header) if not evidence.journal_rows else [],
    }

    def rank(fmt: str) -> tuple[int, bool, int]:
        return evidence.weight.get(fmt, 0), not missing[fmt], -ORDER.index(fmt)

    best = max(ORDER, key=rank)
    weight = evidence.weight.get(best, 0)
    oge = rcoi_found["oge"]
    if best == FORMAT_EGE and missing[best] and oge and _is_math_base(sheet, header, oge[1]):
        best = FORMAT_OGE  # marks instead of test scores are right for базовая математика
    readable = [fmt for fmt in ORDER if not missing[fmt]]
    if not missing[best] and weight > 0:
        fmt = _rcoi_kind(best, header, profiles, procedure_hint, rank)
        return _reader(sheet, header, fmt, rcoi_found, stage)
    if missing[best] and (weight >= CLAIM_WEIGHT or (weight > 0 and not readable)):
        return _refusal(sheet, header, best, missing[best], evidence.reasons.get(best, []))
    if readable:
        fmt = _rcoi_kind(readable[0], header, profiles, procedure_hint, rank)
        return _reader(sheet, header, fmt, rcoi_found, stage)
    if header.task_columns() and header.find(individual.CODE) is not None:
        # Tasks and codes but nothing else to go by: name what a Ф1 or a form would need.
        fmt = FORMAT_F1 if "первичный балл" in flat else FORMAT_COLLECTION
        return _refusal(sheet, header, fmt, missing[fmt], [])
    return None


def _rcoi_kind(
    fmt: str,
    header: Header,
    profiles: Sequence[MappingProfile],
    procedure_hint: str,
    rank: Callable[[str], tuple[int, bool, int]],
) -> str:
    """ЕГЭ or ОГЭ when both profiles read the header equally well: the profile decides."""
    if fmt not in (FORMAT_EGE, FORMAT_OGE):
        return fmt
    other = FORMAT_OGE if fmt == FORMAT_EGE else FORMAT_EGE
    if rank(other)[:2] != rank(fmt)[:2]:
        return fmt
    chosen = rcoi.choose_profile(header, profiles, procedure_hint)
    assert chosen is not None
    return FORMAT_EGE if chosen[0].kind == "ege" else FORMAT_OGE


def _reader(
    sheet: Sheet,
    header: Header,
    fmt: str,
    rcoi_found: dict[str, tuple[MappingProfile, dict[str, int]] | None],
    stage: str,
) -> Detected:
    if fmt == FORMAT_F1:
        return fmt, header, lambda res: individual.parse_f1(sheet, header, res)
    if fmt == FORMAT_COLLECTION:
        return fmt, header, lambda res: individual.parse_collection(sheet, header, res)
    if fmt == FORMAT_VSOSH:
        return fmt, header, lambda res: olympiad.parse_olympiad(sheet, header, res, stage)
    if fmt == FORMAT_F3_MARKS:
        return fmt, header, lambda res: aggregates.parse_marks(sheet, header, res)
    if fmt == FORMAT_F3_JOURNAL:
        return fmt, header, lambda res: aggregates.parse_journal(sheet, header, res)
    chosen = rcoi_found["ege" if fmt == FORMAT_EGE else "oge"]
    assert chosen is not None
    profile, columns = chosen
    return fmt, header, lambda res: rcoi.parse_rcoi(sheet, header, profile, columns, res)


def _refusal(
    sheet: Sheet, header: Header, fmt: str, missing: list[str], reasons: list[str]
) -> Detected:
    message = missing_columns_text(fmt, missing, reasons)

    def refuse(result: ParsedFile) -> None:
        result.problems.append(Problem(sheet.name, header.first + 1, None, message))
        result.refused = True

    return fmt, header, refuse


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
        siblings = [s.name for s in sheets if s is not sheet]
        found = _detect_sheet(sheet, profiles, hints.procedure, olympiad_stage, siblings)
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
        if not result.refused:
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
