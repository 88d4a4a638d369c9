"""ВсОШ results: stage, participant code, school, grade, subject, score, status."""

from __future__ import annotations

from msoko.spreadsheets import Sheet

from .base import FORMAT_VSOSH, OlympiadRow, ParsedFile, Problem, fmt_number, missing_columns_text
from .cells import (
    EMPTY,
    SCHOOL_LOGIN,
    Header,
    cell_problem,
    norm,
    personal_notice,
    text,
    to_number,
)

STAGE = ("Этап", "Этап олимпиады", "Этап ВсОШ")
CODE = ("Код участника", "Код", "Номер участника", "Шифр", "Шифр участника")
SCHOOL = ("ОО", "Логин ОО", "Школа", "Образовательная организация", "Код ОО", "Название ОО")
GRADE = ("Класс", "Класс обучения", "Параллель")
SUBJECT = ("Предмет", "Общеобразовательный предмет")
SCORE = ("Балл", "Баллы", "Результат", "Количество баллов", "Итоговый балл", "Сумма баллов")
MAX_SCORE = ("Максимальный балл", "Макс. балл", "Максимально возможный балл")
STATUS = ("Статус", "Статус участника", "Тип диплома", "Результат участия", "Статус (тип диплома)")

STATUSES = {"победитель": "победитель", "призер": "призёр", "участник": "участник"}
STAGES = (
    ("школ", "школьный"),
    ("муницип", "муниципальный"),
    ("регион", "региональный"),
    ("заключ", "заключительный"),
    ("всеросс", "заключительный"),
)


def stage_of(value: str) -> str | None:
    lowered = norm(value)
    for stem, stage in STAGES:
        if stem in lowered and ("этап" in lowered or len(lowered) < 20):
            return stage
    return None


def status_of(value: str) -> str | None:
    lowered = norm(value)
    for stem, status in STATUSES.items():
        if lowered.startswith(stem):
            return status
    return None


def is_olympiad_header(header: Header) -> bool:
    return header.find(STATUS) is not None and header.find(SCORE) is not None


def _columns(header: Header) -> dict[str, int | None]:
    taken: set[int] = set()
    cols: dict[str, int | None] = {}
    for name, synonyms in (
        ("code", CODE),
        ("stage", STAGE),
        ("status", STATUS),
        ("max", MAX_SCORE),
        ("score", SCORE),
        ("school", SCHOOL),
        ("grade", GRADE),
        ("subject", SUBJECT),
    ):
        col = header.find(synonyms, taken=taken)
        cols[name] = col
        if col is not None:
            taken.add(col)
    return cols


_LABELS = {
    "code": "Код участника",
    "school": "ОО",
    "grade": "Класс",
    "subject": "Предмет",
    "score": "Балл",
    "status": "Статус",
}


def missing_columns(header: Header, title_stage: str) -> list[str]:
    """The required columns the header lacks; «Этап» only when no title or form gives it."""
    cols = _columns(header)
    missing = [label for key, label in _LABELS.items() if cols[key] is None]
    if cols["stage"] is None and not title_stage:
        missing.append("Этап")
    return missing


def parse_olympiad(sheet: Sheet, header: Header, result: ParsedFile, title_stage: str) -> None:
    problems = result.problems
    cols = _columns(header)
    missing = missing_columns(header, title_stage)
    if missing:
        problems.append(
            Problem(
                sheet.name,
                header.first + 1,
                None,
                missing_columns_text(FORMAT_VSOSH, missing),
            )
        )
        result.refused = True
        return
    notice = personal_notice(header, [c for c in cols.values() if c is not None])
    if notice:
        problems.append(notice)
    code_col, school_col, grade_col = cols["code"], cols["school"], cols["grade"]
    subject_col, score_col, status_col = cols["subject"], cols["score"], cols["status"]
    stage_col, max_col = cols["stage"], cols["max"]
    assert code_col is not None and school_col is not None and grade_col is not None
    assert subject_col is not None and score_col is not None and status_col is not None
    for r, c in sorted(sheet.formula_cells):
        if r >= header.data_start and c in (score_col, status_col):
            problems.append(cell_problem(sheet, r, c, "формула вместо значения"))
    width = max(c for c in cols.values() if c is not None) + 1
    seen: dict[tuple[str, str, str], int] = {}
    for r in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[r]
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        code = text(row[code_col])
        if not code:
            if text(row[score_col]) or text(row[status_col]):
                problems.append(cell_problem(sheet, r, code_col, "не указан код участника"))
            continue
        stage = title_stage
        if stage_col is not None:
            own = stage_of(text(row[stage_col]))
            if own is None and text(row[stage_col]):
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        stage_col,
                        f"неизвестный этап «{text(row[stage_col])}» (ожидается школьный, "
                        "муниципальный, региональный или заключительный)",
                    )
                )
            stage = own or title_stage
        if not stage:
            problems.append(cell_problem(sheet, r, stage_col, "не указан этап"))
        school_text = text(row[school_col])
        match = SCHOOL_LOGIN.search(school_text)
        login = match.group(1).lower() if match else None
        school_name = school_text if not match else school_text[: match.start()].strip(" (") or None
        if not school_text:
            problems.append(cell_problem(sheet, r, school_col, "не указана ОО"))
        grade_value = to_number(row[grade_col])
        grade = None
        if isinstance(grade_value, float) and grade_value.is_integer() and 1 <= grade_value <= 11:
            grade = int(grade_value)
        else:
            digits = "".join(ch for ch in text(row[grade_col]) if ch.isdigit())
            if digits and 1 <= int(digits) <= 11:
                grade = int(digits)
            else:
                problems.append(
                    cell_problem(
                        sheet, r, grade_col, f"класс «{text(row[grade_col])}» не распознан"
                    )
                )
        subject = text(row[subject_col])
        if not subject:
            problems.append(cell_problem(sheet, r, subject_col, "не указан предмет"))
        score_value = to_number(row[score_col])
        score: float | None = None
        if isinstance(score_value, float):
            if score_value < 0:
                problems.append(
                    cell_problem(
                        sheet, r, score_col, f"отрицательный балл {fmt_number(score_value)}"
                    )
                )
            score = score_value
        elif score_value is not EMPTY:
            problems.append(
                cell_problem(sheet, r, score_col, f"балл «{text(row[score_col])}» — не число")
            )
        max_score = None
        if max_col is not None:
            max_value = to_number(row[max_col])
            if isinstance(max_value, float):
                max_score = max_value
                if score is not None and score > max_value:
                    problems.append(
                        cell_problem(
                            sheet,
                            r,
                            score_col,
                            f"балл {fmt_number(score)} больше максимума {fmt_number(max_value)}",
                        )
                    )
        status = status_of(text(row[status_col]))
        if status is None:
            problems.append(
                cell_problem(
                    sheet,
                    r,
                    status_col,
                    f"статус «{text(row[status_col])}» не распознан "
                    "(ожидается победитель, призёр или участник)",
                )
            )
        key = (code, norm(subject), stage)
        if key in seen:
            problems.append(
                cell_problem(
                    sheet,
                    r,
                    code_col,
                    f"код участника {code} повторяется по предмету «{subject}» "
                    f"(впервые в строке {seen[key] + 1})",
                )
            )
        else:
            seen[key] = r
        result.olympiad_rows.append(
            OlympiadRow(
                sheet.name,
                r + 1,
                stage,
                code,
                login,
                school_name,
                grade,
                subject,
                score,
                status or "",
                max_score,
            )
        )
