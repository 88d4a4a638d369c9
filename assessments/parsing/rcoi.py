"""ЕГЭ / ОГЭ protocols from the regional centre (РЦОИ) read through column-mapping profiles.

Layouts differ by region, so a profile lists header synonyms per field; the profile whose
synonyms match best is used. Columns with pupils' names or documents are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from msoko.spreadsheets import Sheet, column_letter

from .base import ParsedFile, ParsedRow, Problem, TaskSpec, fmt_number
from .cells import (
    ABSENT_VALUES,
    EMPTY,
    X_VALUES,
    Header,
    cell_problem,
    mark_value,
    norm,
    personal_notice,
    text,
    to_number,
)

FIELD_LABELS = {
    "participant_code": "Код участника",
    "school_code": "Код ОО",
    "class_name": "Класс",
    "variant": "Вариант",
    "short_answers": "Ответы в краткой форме",
    "long_answers": "Ответы в развернутой форме",
    "primary_score": "Первичный балл",
    "test_score": "Тестовый балл",
    "mark": "Оценка",
    "subject_code": "Код предмета",
}


@dataclass(frozen=True)
class MappingProfile:
    """How one region's РЦОИ protocol names its columns: field → header synonyms.

    Fields: participant_code, school_code, class_name, variant, short_answers (a +/- string,
    one score per task), long_answers (`1(1)2(3)` — score(max) per task), primary_score,
    test_score (ЕГЭ), mark (ОГЭ), subject_code. `required` fields must all be found.
    """

    name: str
    region: str
    kind: Literal["ege", "oge"]
    columns: dict[str, list[str]]
    required: tuple[str, ...] = ("participant_code",)
    distinctive: tuple[str, ...] = field(default=())

    def match(self, header: Header) -> dict[str, int]:
        """Field → column for this header; exact synonyms first, then prefixes."""
        found: dict[str, int] = {}
        taken: set[int] = set()
        for name, synonyms in self.columns.items():
            col = header.find(synonyms, taken=taken)
            if col is not None:
                found[name] = col
                taken.add(col)
        for name, synonyms in self.columns.items():
            if name in found:
                continue
            col = header.find_prefix([s for s in synonyms if len(s) >= 6], taken=taken)
            if col is not None:
                found[name] = col
                taken.add(col)
        return found


COMMON_COLUMNS: dict[str, list[str]] = {
    "participant_code": ["Код участника", "Код", "Номер участника", "ID участника"],
    "school_code": ["Код ОО", "ОО", "Код школы", "Код образовательной организации"],
    "class_name": ["Класс", "Литера класса"],
    "variant": ["Вариант", "Номер варианта", "Вариант КИМ"],
    "short_answers": [
        "Ответы в краткой форме",
        "Задания с кратким ответом",
        "Ответы на задания с кратким ответом",
        "Часть 1",
        "Краткий ответ",
    ],
    "long_answers": [
        "Ответы в развернутой форме",
        "Задания с развернутым ответом",
        "Ответы на задания с развернутым ответом",
        "Часть 2",
        "Развернутый ответ",
    ],
    "primary_score": ["Первичный балл", "Перв. балл", "Сумма первичных баллов"],
    "subject_code": ["Код предмета", "Предмет", "Код экзамена"],
}

DEFAULT_PROFILES: tuple[MappingProfile, ...] = (
    MappingProfile(
        name="ЕГЭ, типовой протокол РЦОИ",
        region="",
        kind="ege",
        columns={**COMMON_COLUMNS, "test_score": ["Тестовый балл", "Балл", "Итоговый балл"]},
        required=("participant_code", "test_score"),
        distinctive=("test_score",),
    ),
    MappingProfile(
        name="ОГЭ, типовой протокол РЦОИ",
        region="",
        kind="oge",
        columns={**COMMON_COLUMNS, "mark": ["Оценка", "Отметка", "Оценка по пятибалльной шкале"]},
        required=("participant_code", "mark"),
        distinctive=("mark",),
    ),
)


_SCORES = frozenset({"short_answers", "long_answers", "primary_score"})
_SCORES_LABEL = "«Первичный балл» (или ответов в краткой или развернутой форме)"


def choose_profile(
    header: Header,
    profiles: Sequence[MappingProfile],
    procedure: str = "",
    kinds: Sequence[str] = ("ege", "oge"),
) -> tuple[MappingProfile, dict[str, int]] | None:
    """The profile (of one of `kinds`) with all required fields found and the most matched."""
    best: tuple[tuple[int, int, int], MappingProfile, dict[str, int]] | None = None
    for order, profile in enumerate(profiles):
        if profile.kind not in kinds:
            continue
        found = profile.match(header)
        if any(name not in found for name in profile.required):
            continue
        if not (_SCORES & found.keys()):
            continue
        prefers = (
            1
            if procedure and procedure.upper() == {"ege": "ЕГЭ", "oge": "ОГЭ"}[profile.kind]
            else 0
        )
        key = (prefers, len(found), -order)
        if best is None or key > best[0]:
            best = (key, profile, found)
    return (best[1], best[2]) if best else None


def missing_fields(header: Header, profiles: Sequence[MappingProfile], kind: str) -> list[str]:
    """The columns the closest profile of `kind` lacks in this header (names in Russian)."""
    closest: list[str] | None = None
    for profile in profiles:
        if profile.kind != kind:
            continue
        found = profile.match(header)
        missing = [FIELD_LABELS.get(f, f) for f in profile.required if f not in found]
        if not (_SCORES & found.keys()):
            missing.append(_SCORES_LABEL)
        if closest is None or len(missing) < len(closest):
            closest = missing
    return closest if closest is not None else [FIELD_LABELS["participant_code"]]


def _short(value: Any) -> list[float | None] | str:
    """'++-+X2' → [1, 1, 0, 1, None, 2]; text with other symbols → an error message."""
    raw = text(value).replace(" ", "")
    out: list[float | None] = []
    for ch in raw:
        if ch == "+":
            out.append(1.0)
        elif ch in "-−–":
            out.append(0.0)
        elif ch.isdigit():
            out.append(float(ch))
        elif ch in X_VALUES:
            out.append(None)
        else:
            return f"недопустимый символ «{ch}» в ответах в краткой форме «{raw}»"
    return out


def _long(value: Any) -> list[tuple[float | None, float]] | str:
    """'1(1)2(3)X(2)' → [(1, 1), (2, 3), (None, 2)]; malformed text → an error message."""
    raw = text(value).replace(" ", "")
    out: list[tuple[float | None, float]] = []
    pos = 0
    while pos < len(raw):
        open_at = raw.find("(", pos)
        close_at = raw.find(")", open_at + 1)
        if open_at < 0 or close_at < 0:
            return f"не разобраны ответы в развернутой форме «{raw}» (ожидается вид 1(1)2(3))"
        score_text = raw[pos:open_at]
        max_value = to_number(raw[open_at + 1 : close_at])
        if not isinstance(max_value, float):
            return f"не разобраны ответы в развернутой форме «{raw}» (ожидается вид 1(1)2(3))"
        if score_text in X_VALUES or score_text in ("-", ""):
            out.append((None, max_value))
        else:
            score = to_number(score_text)
            if not isinstance(score, float):
                return f"не разобраны ответы в развернутой форме «{raw}»"
            out.append((score, max_value))
        pos = close_at + 1
    return out


def parse_rcoi(
    sheet: Sheet,
    header: Header,
    profile: MappingProfile,
    columns: dict[str, int],
    result: ParsedFile,
) -> None:
    """Read the protocol's rows through the chosen profile's columns."""
    problems = result.problems
    result.profile = profile.name
    notice = personal_notice(header, list(columns.values()))
    if notice:
        problems.append(notice)
    value_cols = {
        c: header.title(c)
        for f, c in columns.items()
        if f in ("short_answers", "long_answers", "primary_score", "test_score", "mark")
    }
    start = header.data_start
    for r, c in sorted(sheet.formula_cells):
        if r >= start and c in value_cols:
            problems.append(
                cell_problem(sheet, r, c, f"формула вместо значения в столбце «{value_cols[c]}»")
            )
    code_col = columns["participant_code"]
    get = columns.get
    if get("variant") is not None:
        result.variant_columns[sheet.name] = [column_letter(columns["variant"])]
    short_col, long_col = get("short_answers"), get("long_answers")
    short_max: list[float] = []
    long_max: list[float] | None = None
    codes: dict[tuple[str, str], int] = {}
    pending: list[tuple[ParsedRow, list[float | None], list[float | None]]] = []
    width = max(columns.values()) + 1
    for r in range(start, len(sheet.rows)):
        row = sheet.rows[r]
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        code = text(row[code_col])
        if not code:
            if any(text(row[c]) for c in value_cols):
                problems.append(cell_problem(sheet, r, code_col, "не указан код участника"))
            continue

        def cell(name: str, row: list[Any] = row) -> str:
            col = get(name)
            return text(row[col]) if col is not None else ""

        subject_code = cell("subject_code")
        if subject_code.isdigit() and len(subject_code) == 1:
            subject_code = "0" + subject_code
        key = (code, subject_code)
        if key in codes:
            problems.append(
                cell_problem(
                    sheet,
                    r,
                    code_col,
                    f"код участника {code} повторяется (впервые в строке {codes[key] + 1})",
                )
            )
        else:
            codes[key] = r
        parsed = ParsedRow(
            sheet.name,
            r + 1,
            None,
            cell("school_code") or None,
            None,
            code,
            cell("class_name"),
            cell("variant"),
            subject_code=subject_code,
        )
        if norm(cell("variant")) in ABSENT_VALUES or norm(cell("primary_score")) in ABSENT_VALUES:
            parsed.absent = True
            parsed.variant = ""
            result.rows.append(parsed)
            continue
        short_scores: list[float | None] = []
        long_scores: list[float | None] = []
        if short_col is not None and text(row[short_col]):
            short = _short(row[short_col])
            if isinstance(short, str):
                problems.append(cell_problem(sheet, r, short_col, short))
            else:
                short_scores = short
                for i, s in enumerate(short):
                    if i >= len(short_max):
                        short_max.append(1.0)
                    if s is not None and s > short_max[i]:
                        short_max[i] = s
        if long_col is not None and text(row[long_col]):
            long = _long(row[long_col])
            if isinstance(long, str):
                problems.append(cell_problem(sheet, r, long_col, long))
            else:
                maxima = [m for _s, m in long]
                if long_max is None:
                    long_max = maxima
                elif maxima != long_max:
                    problems.append(
                        cell_problem(
                            sheet,
                            r,
                            long_col,
                            "максимальные баллы заданий с развернутым ответом отличаются от "
                            f"первой строки: {maxima} вместо {long_max}",
                        )
                    )
                for number, (score, maximum) in enumerate(long, start=1):
                    if score is not None and (score < 0 or score > maximum):
                        problems.append(
                            cell_problem(
                                sheet,
                                r,
                                long_col,
                                f"балл {fmt_number(score)} больше максимума {fmt_number(maximum)} "
                                f"за задание с развернутым ответом №{number}",
                            )
                        )
                long_scores = [s for s, _m in long]
        total = sum(s for s in (*short_scores, *long_scores) if s is not None)
        primary_col = get("primary_score")
        if primary_col is not None:
            primary = to_number(row[primary_col])
            if isinstance(primary, float):
                if primary < 0:
                    problems.append(
                        cell_problem(sheet, r, primary_col, "отрицательный первичный балл")
                    )
                parsed.primary_score = primary
                if (short_scores or long_scores) and abs(primary - total) > 1e-9:
                    problems.append(
                        cell_problem(
                            sheet,
                            r,
                            primary_col,
                            f"первичный балл {fmt_number(primary)} не равен сумме баллов за "
                            f"задания {fmt_number(total)}",
                            "warning",
                        )
                    )
            elif primary is not EMPTY:
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        primary_col,
                        f"первичный балл «{text(row[primary_col])}» — не число",
                    )
                )
        test_col = get("test_score")
        if test_col is not None:
            test = to_number(row[test_col])
            if isinstance(test, float):
                if 0 <= test <= 100:
                    parsed.test_score = test
                else:
                    problems.append(
                        cell_problem(
                            sheet,
                            r,
                            test_col,
                            f"тестовый балл {fmt_number(test)} вне диапазона 0–100",
                        )
                    )
            elif test is not EMPTY:
                problems.append(
                    cell_problem(
                        sheet, r, test_col, f"тестовый балл «{text(row[test_col])}» — не число"
                    )
                )
        mark_col = get("mark")
        if mark_col is not None:
            mark = mark_value(row[mark_col])
            if isinstance(mark, int):
                parsed.mark = mark
            elif mark is not EMPTY or profile.kind == "oge":
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        mark_col,
                        "не указана оценка"
                        if mark is EMPTY
                        else f"оценка «{text(row[mark_col])}» вне диапазона 2–5",
                    )
                )
        pending.append((parsed, short_scores, long_scores))
        result.rows.append(parsed)

    n_short = len(short_max)
    n_long = len(long_max or [])
    result.tasks = [TaskSpec(str(i + 1), m) for i, m in enumerate(short_max)] + [
        TaskSpec(str(n_short + i + 1), m) for i, m in enumerate(long_max or [])
    ]
    for parsed, short_scores, long_scores in pending:
        if short_scores or long_scores:
            padded_short = short_scores + [None] * (n_short - len(short_scores))
            padded_long = long_scores + [None] * (n_long - len(long_scores))
            parsed.scores = padded_short[:n_short] + padded_long[:n_long]
    if columns.get("subject_code") is None and not result.subject:
        return
    subjects = {row.subject_code for row in result.rows if row.subject_code}
    if len(subjects) > 1:
        problems.append(
            Problem(
                sheet.name,
                None,
                None,
                "в протоколе несколько предметов: " + ", ".join(sorted(subjects)),
                "warning",
            )
        )
