"""Individual results with per-task scores: ФИС ОКО Ф1 and the school's collection form.

The row loop is the hot path of a municipal import (100 000 pupils × 20 tasks), so column
positions are resolved once, float cells take a fast path, and formula cells are matched
against columns once per sheet instead of once per cell.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from msoko.spreadsheets import Sheet, column_letter

from .base import (
    FORMAT_COLLECTION,
    FORMAT_F1,
    TASK_COLUMNS,
    ParsedFile,
    ParsedRow,
    Problem,
    TaskSpec,
    fmt_number,
    missing_columns_text,
)
from .cells import (
    ABSENT_VALUES,
    EMPTY,
    NO_MARK_VALUES,
    SCHOOL_LOGIN,
    X_VALUES,
    Header,
    cell_problem,
    mark_value,
    norm,
    personal_notice,
    school_from_text,
    score_problem_text,
    text,
    to_number,
)

CODE = ("Код участника", "Код", "Номер участника")
F1_SCHOOL = ("ОО", "Логин ОО", "Логин")
F1_SCHOOL_NAME = ("Название ОО", "Наименование ОО", "Образовательная организация")
F1_CLASS = ("Класс",)
VARIANT = ("Вариант",)
PRIMARY = ("Первичный балл", "Первичный балл (сумма баллов)", "Сумма баллов")
MARK = ("Отметка", "Отметка за работу", "Оценка")
JOURNAL = ("Отметка по журналу", "Отметка за предыдущий период")
JOURNAL_PREFIXES = ("отметка по журналу", "отметка за предыдущ")
TOTAL = ("Итого баллов", "Итого", "Сумма баллов")
CLASS_NUMBER = ("Порядковый номер класса", "Номер класса", "Класс")
GROUP_MARKER = "кол-во участников"
MARKS = {2.0: 2, 3.0: 3, 4.0: 4, 5.0: 5}
MISSING: Any = object()
EPS = 1e-9


def _either(first: int | None, second: int | None) -> int | None:
    return first if first is not None else second


def _missing(header: Header, fmt: str, names: list[str]) -> Problem:
    return Problem(header.sheet.name, header.first + 1, None, missing_columns_text(fmt, names))


def f1_missing(header: Header) -> list[str]:
    """The required columns of a Ф1 that the header lacks (empty: it can be read)."""
    missing = [
        name
        for name, synonyms in (
            ("Код участника", CODE),
            ("Первичный балл", PRIMARY),
            ("Отметка", MARK),
        )
        if header.find(synonyms) is None
    ]
    if not header.task_columns():
        missing.append(TASK_COLUMNS.format(example="1 (2б)"))
    return missing


def collection_missing(header: Header) -> list[str]:
    """The required columns of a collection form that the header lacks."""
    missing = []
    if header.find(CODE) is None:
        missing.append("Код участника")
    if not header.find_all_prefix("вариант"):
        missing.append("Вариант")
    if not header.task_columns():
        missing.append(TASK_COLUMNS.format(example="1 (5б)"))
    return missing


def _journal(value: Any) -> tuple[int | None, str | None]:
    """Journal mark: 2–5, or None for «нет отметки» / empty; the second item is an error."""
    mark = mark_value(value)
    if isinstance(mark, int):
        return mark, None
    if mark is EMPTY or norm(value) in NO_MARK_VALUES:
        return None, None
    return None, f"отметка по журналу «{text(value)}» вне диапазона 2–5 (или «нет отметки»)"


def _formula_problems(
    sheet: Sheet, start: int, columns: dict[int, str], problems: list[Problem]
) -> None:
    """A formula where a score or mark must be typed is bad input: one error per cell."""
    for r, c in sorted(sheet.formula_cells):
        if r >= start and c in columns:
            problems.append(
                cell_problem(sheet, r, c, f"формула вместо значения в столбце «{columns[c]}»")
            )


_FLOAT_ONLY = frozenset({float})
_FLOAT_OR_TEXT = frozenset({float, str})


def score_reader(
    sheet: Sheet, task_cols: list[tuple[int, float, str]], problems: list[Problem]
) -> Callable[[int, list[Any]], tuple[list[float | None], float]]:
    """A function (row index, row) → (task scores with None for X, their sum).

    Fast path, all in C: every task cell is a float within 0..max. Otherwise a per-cell
    loop that still takes floats and X cheaply and sends only odd cells to the slow checks.
    """
    cols = [c for c, _m, _n in task_cols]
    maxes = [m for _c, m, _n in task_cols]
    getter = itemgetter(*cols)
    single = len(cols) == 1
    le = operator.le

    def slow(r: int, value: Any, col: int, maximum: float, number: str) -> float | None:
        if isinstance(value, str) and value.strip().replace("\xa0", "") in X_VALUES:
            return None
        message = score_problem_text(value, number, maximum)
        if message is not None:
            problems.append(cell_problem(sheet, r, col, message))
            return None
        parsed = to_number(value)
        assert isinstance(parsed, float)
        return parsed

    def read(r: int, row: list[Any]) -> tuple[list[float | None], float]:
        values = (row[cols[0]],) if single else getter(row)
        types = set(map(type, values))
        if types <= _FLOAT_ONLY and min(values) >= 0.0 and all(map(le, values, maxes)):
            return list(values), sum(values)
        if types <= _FLOAT_OR_TEXT:
            # X cells: check the row with them as 0, then put None in their place.
            check = [0.0 if v.__class__ is str and v in X_VALUES else v for v in values]
            if (
                set(map(type, check)) <= _FLOAT_ONLY
                and min(check) >= 0.0
                and all(map(le, check, maxes))
            ):
                return [None if v.__class__ is str else v for v in values], sum(check)
        scores: list[float | None] = []
        append = scores.append
        total = 0.0
        for value, maximum, spec in zip(values, maxes, task_cols, strict=True):
            if value.__class__ is float and 0.0 <= value <= maximum:
                append(value)
                total += value
            elif value.__class__ is str and value in X_VALUES:
                append(None)
            else:
                parsed = slow(r, value, spec[0], maximum, spec[2])
                append(parsed)
                if parsed is not None:
                    total += parsed
        return scores, total

    return read


def _task_cols(header: Header, levels: dict[int, str]) -> tuple[list[TaskSpec], list[Any]]:
    tasks = []
    cols = []
    for col, number, maximum in header.task_columns():
        tasks.append(TaskSpec(number, maximum, levels.get(col, "")))
        cols.append((col, maximum, number))
    return tasks, cols


def _check_tasks(sheet: Sheet, header: Header, tasks: list[TaskSpec], result: ParsedFile) -> None:
    seen: dict[str, int] = {}
    for task in tasks:
        if task.number in seen:
            result.problems.append(
                Problem(
                    sheet.name,
                    header.last + 1,
                    None,
                    f"задание {task.number} встречается в заголовке дважды",
                )
            )
        seen[task.number] = 1
    if result.max_primary is not None and tasks:
        total = sum(t.max_score for t in tasks)
        if abs(total - result.max_primary) > EPS:
            result.problems.append(
                Problem(
                    sheet.name,
                    None,
                    None,
                    f"сумма максимальных баллов заданий {fmt_number(total)} не совпадает с "
                    f"максимальным первичным баллом {fmt_number(result.max_primary)} из заголовка",
                    "warning",
                )
            )


def _levels(sheet: Sheet, header: Header) -> dict[int, str]:
    """Difficulty levels Б / П / В from the row «Уровень сложности задания» above the header."""
    for r in range(header.first - 1, max(-1, header.first - 15), -1):
        row = sheet.rows[r]
        if any(norm(v).startswith("уровень сложности") for v in row):
            levels = {}
            for col, value in enumerate(row):
                t = text(value).upper().replace("B", "В")
                if t in ("Б", "П", "В"):
                    levels[col] = t
            return levels
    return {}


def _duplicate(
    codes: dict[str, int], code: str, sheet: Sheet, r: int, col: int, problems: list[Problem]
) -> None:
    first = codes.get(code)
    if first is None:
        codes[code] = r
    else:
        problems.append(
            cell_problem(
                sheet, r, col, f"код участника {code} повторяется (впервые в строке {first + 1})"
            )
        )


def parse_f1(sheet: Sheet, header: Header, result: ParsedFile) -> None:
    """ФИС ОКО Ф1: school group rows «Название(edu…) | Кол-во участников: N» and pupils."""
    problems = result.problems
    code_col = header.find(CODE)
    school_col = header.find(F1_SCHOOL)
    name_col = header.find(F1_SCHOOL_NAME)
    class_col = header.find(F1_CLASS)
    variant_col = header.find(VARIANT)
    primary_col = header.find(PRIMARY)
    mark_col = header.find(MARK)
    journal_col = _either(header.find(JOURNAL), header.find_prefix(JOURNAL_PREFIXES))
    tasks, task_cols = _task_cols(header, _levels(sheet, header))
    missing = f1_missing(header)  # detection has checked them; kept for direct calls
    if missing:
        problems.append(_missing(header, FORMAT_F1, missing))
        result.refused = True
        return
    assert code_col is not None and primary_col is not None and mark_col is not None
    result.tasks = tasks
    _check_tasks(sheet, header, tasks, result)
    notice = personal_notice(header, [])
    if notice:
        problems.append(notice)
    if variant_col is not None:
        result.variant_columns[sheet.name] = [column_letter(variant_col)]
    value_cols = {c: header.title(c) for c, _m, _n in task_cols}
    for col in (code_col, primary_col, mark_col, journal_col, variant_col):
        if col is not None:
            value_cols[col] = header.title(col)
    start = header.data_start
    _formula_problems(sheet, start, value_cols, problems)

    rows_out = result.rows
    codes: dict[str, int] = {}
    logins: dict[Any, Any] = {}
    texts: dict[Any, str] = {}  # memo: class names, variants and school names repeat
    read_scores = score_reader(sheet, task_cols, problems)
    group_login: str | None = None
    group_name: str | None = None
    group_row = -1
    group_expected: int | None = None
    group_count = 0
    name = sheet.name
    rows = sheet.rows
    width = max(c for c in (*value_cols, school_col or 0, name_col or 0, class_col or 0)) + 1

    def close_group() -> None:
        if group_expected is not None and group_expected != group_count:
            problems.append(
                cell_problem(
                    sheet,
                    group_row,
                    None,
                    f"в строке группы «{group_name}» указано участников: {group_expected}, "
                    f"а строк с участниками: {group_count}",
                    "warning",
                )
            )

    for r in range(start, len(rows)):
        row = rows[r]
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        code_value = row[code_col]
        if (
            code_value == ""
            or code_value is None
            or (type(code_value) is str and GROUP_MARKER in code_value.lower())
        ):
            joined = " ".join(text(v) for v in row if v != "" and v is not None)
            if not joined:
                continue
            lowered = joined.lower()
            if GROUP_MARKER in lowered or SCHOOL_LOGIN.search(joined):
                close_group()
                first_text = next(text(v) for v in row if text(v))
                group_login, group_name = school_from_text(first_text)
                if GROUP_MARKER in first_text.lower():
                    group_name = None
                group_row = r
                group_count = 0
                group_expected = None
                tail = lowered.split(GROUP_MARKER, 1)
                if len(tail) == 2:
                    count = to_number(tail[1].strip(" :").split(" ")[0])
                    if isinstance(count, float):
                        group_expected = int(count)
                continue
            if any(text(row[c]) for c, _m, _n in task_cols):
                problems.append(cell_problem(sheet, r, code_col, "не указан код участника"))
            continue
        if code_value.__class__ is float and code_value.is_integer():
            code = str(int(code_value))
        else:
            code = text(code_value)
        first = codes.setdefault(code, r)
        if first != r:
            problems.append(
                cell_problem(
                    sheet,
                    r,
                    code_col,
                    f"код участника {code} повторяется (впервые в строке {first + 1})",
                )
            )
        group_count += 1
        login = group_login
        school_name = group_name
        if school_col is not None:
            own = row[school_col]
            if own != "" and own is not None:
                own_login = logins.get(own, MISSING)
                if own_login is MISSING:
                    match = SCHOOL_LOGIN.search(text(own))
                    own_login = logins[own] = match.group(1).lower() if match else None
                if own_login is not None:
                    login = own_login
        if name_col is not None:
            own_name = row[name_col]
            if own_name != "":
                school_name = texts.get(own_name) or texts.setdefault(own_name, text(own_name))
        if login is None:
            problems.append(
                cell_problem(
                    sheet, r, school_col, "не удалось определить ОО участника (логин edu…)"
                )
            )
        variant_value = row[variant_col] if variant_col is not None else ""
        variant = texts.get(variant_value)
        if variant is None:
            variant = texts.setdefault(variant_value, text(variant_value))
        class_value = row[class_col] if class_col is not None else ""
        class_name = texts.get(class_value)
        if class_name is None:
            class_name = texts.setdefault(class_value, text(class_value))
        if variant and not variant[0].isdigit() and norm(variant) in ABSENT_VALUES:
            rows_out.append(
                ParsedRow(
                    name, r + 1, login, None, school_name, code, class_name, "", [], absent=True
                )
            )
            continue
        scores, total = read_scores(r, row)
        primary_value = row[primary_col]
        primary = primary_value if primary_value.__class__ is float else to_number(primary_value)
        if not isinstance(primary, float):
            problems.append(
                cell_problem(
                    sheet, r, primary_col, f"первичный балл «{text(primary_value)}» — не число"
                )
            )
            primary_score = None
        else:
            primary_score = primary
            if abs(primary - total) > EPS:
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        primary_col,
                        f"первичный балл {fmt_number(primary)} не равен сумме баллов за задания "
                        f"{fmt_number(total)}",
                    )
                )
        mark_cell = row[mark_col]
        mark_out = MARKS.get(mark_cell) if mark_cell.__class__ is float else None
        if mark_out is None:
            mark = mark_value(mark_cell)
            if isinstance(mark, int):
                mark_out = mark
            else:
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        mark_col,
                        "не указана отметка"
                        if mark is EMPTY
                        else f"отметка «{text(mark_cell)}» вне диапазона 2–5",
                    )
                )
        journal = None
        if journal_col is not None:
            journal_cell = row[journal_col]
            journal = MARKS.get(journal_cell) if journal_cell.__class__ is float else None
            if journal is None:
                journal, error = _journal(journal_cell)
                if error:
                    problems.append(cell_problem(sheet, r, journal_col, error))
        rows_out.append(
            ParsedRow(
                name,
                r + 1,
                login,
                None,
                school_name,
                code,
                class_name,
                variant,
                scores,
                primary_score,
                mark_out,
                journal,
            )
        )
    close_group()


def parse_collection(sheet: Sheet, header: Header, result: ParsedFile) -> None:
    """The school's «Форма сбора результатов»: sheet «Протокол», totals may be formulas."""
    problems = result.problems
    code_col = header.find(CODE)
    variant_cols = header.find_all_prefix("вариант")
    taken = {c for c in (code_col, *variant_cols) if c is not None}
    total_col = _either(
        header.find(TOTAL, taken=taken), header.find_prefix(("итого",), taken=taken)
    )
    class_col = _either(
        header.find(CLASS_NUMBER, taken=taken),
        header.find_prefix(("порядковый номер",), taken=taken),
    )
    journal_col = _either(header.find(JOURNAL), header.find_prefix((*JOURNAL_PREFIXES, "отметка")))
    tasks, task_cols = _task_cols(header, {})
    missing = collection_missing(header)
    if missing:
        problems.append(_missing(header, FORMAT_COLLECTION, missing))
        result.refused = True
        return
    assert code_col is not None
    if journal_col is None:
        problems.append(
            Problem(
                sheet.name,
                header.first + 1,
                None,
                "нет столбца «Отметка за предыдущий триместр/четверть/полугодие»",
                "warning",
            )
        )
    result.tasks = tasks
    _check_tasks(sheet, header, tasks, result)
    notice = personal_notice(header, [])
    if notice:
        problems.append(notice)
    result.variant_columns[sheet.name] = [column_letter(c) for c in variant_cols[:2]]
    value_cols = {c: header.title(c) for c, _m, _n in task_cols}
    for col in (code_col, journal_col, *variant_cols):
        if col is not None:
            value_cols[col] = header.title(col)
    start = header.data_start
    _formula_problems(sheet, start, value_cols, problems)

    formulas = sheet.formula_cells
    read_scores = score_reader(sheet, task_cols, problems)
    codes: dict[str, int] = {}
    unfilled = 0
    name = sheet.name
    rows = sheet.rows
    all_cols = [c for c in (*value_cols, total_col, class_col) if c is not None]
    width = max(all_cols) + 1
    first_variant = variant_cols[0]
    second_variant = variant_cols[1] if len(variant_cols) > 1 else None
    for r in range(start, len(rows)):
        row = rows[r]
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        code = text(row[code_col])
        variant = text(row[first_variant])
        variant2 = text(row[second_variant]) if second_variant is not None else ""
        filled = any(row[c] != "" and row[c] is not None for c, _m, _n in task_cols)
        if not code:
            if filled or variant:
                problems.append(cell_problem(sheet, r, code_col, "не указан код участника"))
            continue
        if norm(variant) in ABSENT_VALUES or norm(variant2) in ABSENT_VALUES:
            _duplicate(codes, code, sheet, r, code_col, problems)
            class_name = text(row[class_col]) if class_col is not None else ""
            result.rows.append(
                ParsedRow(name, r + 1, None, None, None, code, class_name, "", [], absent=True)
            )
            continue
        if not variant and not variant2 and not filled:
            unfilled += 1  # a pre-printed code slot nobody used
            continue
        _duplicate(codes, code, sheet, r, code_col, problems)
        if not variant:
            problems.append(cell_problem(sheet, r, first_variant, "не указан вариант"))
        scores, total = read_scores(r, row)
        if total_col is not None:
            cached = to_number(row[total_col])
            is_formula = (r, total_col) in formulas
            if isinstance(cached, float) and abs(cached - total) > EPS:
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        total_col,
                        f"«Итого баллов» {fmt_number(cached)} не равно сумме баллов за задания "
                        f"{fmt_number(total)}"
                        + ("; используется пересчитанная сумма" if is_formula else ""),
                        "warning" if is_formula else "error",
                    )
                )
            elif not isinstance(cached, float) and cached is not EMPTY:
                problems.append(
                    cell_problem(
                        sheet,
                        r,
                        total_col,
                        f"«Итого баллов» «{text(row[total_col])}» — не число; "
                        "используется пересчитанная сумма",
                        "warning",
                    )
                )
        journal = None
        if journal_col is not None:
            journal, error = _journal(row[journal_col])
            if error:
                problems.append(cell_problem(sheet, r, journal_col, error))
        class_name = text(row[class_col]) if class_col is not None else ""
        result.rows.append(
            ParsedRow(
                name,
                r + 1,
                None,
                None,
                None,
                code,
                class_name,
                variant,
                scores,
                total,
                None,
                journal,
                variant_part2=variant2,
            )
        )
    if unfilled:
        problems.append(
            Problem(
                name,
                None,
                None,
                f"пропущено строк с кодом участника без варианта и баллов: {unfilled}",
                "notice",
            )
        )


def empty_check(result: ParsedFile, sheet_name: str) -> None:
    if not any(not row.absent for row in result.rows):
        result.problems.append(
            Problem(sheet_name, None, None, "в файле нет ни одного участника с результатами")
        )
