"""Reading an existing road map from an .xlsx or .docx table (DOMAIN §4.5).

The layout: ``№ п/п | Мероприятие | Сроки | Ответственные | Индикативные показатели /
Ожидаемый результат``, title rows before the header, section rows whose one text spans the
row (a direction title), hierarchical numbering 1, 1.1, 1.1.2, multi-line cells, and a
merged «Сроки» cell covering several rows (its text applies to every covered row).

``parse_roadmap_file`` returns the road map in the fixture format of
``fixtures/roadmaps/*.json`` (the loader in services.py takes both), plus every problem
found, by row. Nothing is written here: the caller commits only when there is no error.
Plain Python: no Django imports (STYLE §2).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from msoko.problems import Problem, Severity
from msoko.spreadsheets import FileRejected, Limits, check_zip, read_table_file, sniff_kind
from roadmaps.deadlines import parse_deadline

COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Checked in this order; a column is taken by the first key whose word it contains.
    ("number", ("№", "п/п", "номер")),
    ("deadline", ("срок",)),
    ("responsible", ("ответствен", "исполнител")),
    ("indicator", ("индикатив", "показател")),
    ("expected_result", ("ожидаем", "результат")),
    ("title", ("мероприят", "наименование", "содержание", "задач")),
)
LABELS = {
    "number": "№ п/п",
    "title": "Мероприятие",
    "deadline": "Сроки",
    "responsible": "Ответственные",
    "indicator": "Индикативные показатели",
    "expected_result": "Ожидаемый результат",
}
NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
# A road map is a table of a few hundred rows; a .docx and an .xlsx get the same bounds.
IMPORT_LIMITS = Limits(max_bytes=20 * 1024 * 1024, max_rows=20_000, max_cells=1_000_000)

# Words of a section title → the direction code of DOMAIN §8 (first match wins).
DIRECTION_WORDS: tuple[tuple[str, str], ...] = (
    ("объективн", "objectivity"),
    ("низкими результат", "1.2"),
    ("неблагоприятных", "1.2"),
    ("шнор", "1.2"),
    ("способност", "1.3"),
    ("талант", "1.3"),
    ("одарён", "1.3"),
    ("одарен", "1.3"),
    ("самоопредел", "1.4"),
    ("профориент", "1.4"),
    ("профессиональной ориентац", "1.4"),
    ("эффективности руководител", "2.1"),
    ("руководител", "2.1"),
    ("профессионального развития", "2.2"),
    ("квалификац", "2.2"),
    ("воспитан", "2.3"),
    ("дошкольн", "2.4"),
    ("методическ", "methodical"),
    ("оценки качества подготовки", "1.1"),
    ("качества подготовки", "1.1"),
)


@dataclass
class Grid:
    """A table as rows of text; ``row_numbers`` are what the user sees (Excel row, table row)."""

    name: str
    rows: list[list[str]]
    row_numbers: list[int]
    unit: str  # «строка» of a sheet or of a Word table


@dataclass
class ParsedRoadmap:
    """The outcome of reading a file: sections in the fixture format and all problems."""

    sections: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    task_count: int = 0
    unparsed: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def direction_for(title: str) -> str | None:
    lowered = title.lower()
    for word, code in DIRECTION_WORDS:
        if word in lowered:
            return code
    return None


# ----------------------------------------------------------------------- reading


def read_grids(filename: str, data: bytes, limits: Limits | None = None) -> list[Grid]:
    """The tables of an .xlsx (every sheet) or a .docx (every table) as text grids."""
    limits = limits or IMPORT_LIMITS
    kind = sniff_kind(filename, data)
    if kind == "docx":
        return _docx_grids(filename, data, limits)
    if kind != "xlsx":
        raise FileRejected(
            f"Файл «{filename}» не является книгой Excel (.xlsx) или документом Word (.docx)."
        )
    grids = []
    for sheet in read_table_file(filename, data, limits):
        rows = [[_cell_text(value) for value in row] for row in sheet.rows]
        for (r0, c0), (r1, c1) in sheet.merged:
            if r1 == r0:
                continue
            # A vertically merged cell holds its text in the top-left cell only.
            top = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
            for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
                for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                    if not rows[r][c]:
                        rows[r][c] = top
        grids.append(Grid(sheet.name, rows, list(range(1, len(rows) + 1)), "строка"))
    return grids


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\xa0", " ").replace("\r\n", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _docx_grids(filename: str, data: bytes, limits: Limits) -> list[Grid]:
    """Every top-level table of the document as text rows, the way python-docx's
    ``row.cells`` lays them out (a cell spanning columns repeats, a vertically merged
    cell carries the text of its first row), but read in one pass over the XML.

    python-docx finds the cell above a merged one with an XPath over all preceding rows,
    which made a 10,000-row table take minutes; here the previous row's grid is kept.
    The row count is bounded by ``check_zip`` before the document is parsed.
    """
    from docx import Document
    from docx.oxml.ns import qn

    check_zip(filename, data, limits)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise FileRejected(f"Файл «{filename}» повреждён и не читается как документ Word.") from exc
    tables = list(document.element.body.iterchildren(qn("w:tbl")))
    if not tables:
        raise FileRejected(
            f"В документе «{filename}» нет таблицы. Дорожная карта должна быть оформлена "
            "таблицей: № п/п | Мероприятие | Сроки | Ответственные | Индикативные показатели."
        )
    grids = []
    for index, table in enumerate(tables, start=1):
        rows = _docx_rows(table, qn)
        grids.append(Grid(f"таблица {index}", rows, list(range(1, len(rows) + 1)), "строка"))
    return grids


def _docx_rows(table: Any, qn: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    above: dict[int, Any] = {}  # grid offset → the content cell (w:tc) of the previous row
    previous: list[Any] = []  # the previous row's cells, as python-docx lists them
    for tr in table.iterchildren(qn("w:tr")):
        offset = tr.grid_before
        grid: dict[int, Any] = {}
        cells: list[Any] = []
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.grid_span
            root = tc
            if tc.vMerge == "continue" and offset in above:
                root = above[offset]  # python-docx: the cell above (itself resolved)
            grid[offset] = root
            cells.extend([root] * (root.grid_span if root is not tc else span))
            offset += span
        texts = []
        for col, tc in enumerate(cells):
            over = previous[col] if col < len(previous) else None
            if over is not None and (tc is over or tc.vMerge == "continue"):
                # A vertically merged cell (a «Сроки» spanning rows): carry its text.
                texts.append(rows[-1][col])
            else:
                texts.append(_cell_text("\n".join(p.text for p in tc.iterchildren(qn("w:p")))))
        rows.append(texts)
        above, previous = grid, cells
    return rows


# ----------------------------------------------------------------------- parsing


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:30]):
        columns: dict[str, int] = {}
        for col, text in enumerate(row):
            lowered = text.lower()
            for key, words in COLUMNS:
                if key in columns or not any(word in lowered for word in words):
                    continue
                if col in columns.values():
                    break
                columns[key] = col
                break
        if "title" in columns and "deadline" in columns:
            return index, columns
    return None


def _is_column_numbers(row: list[str]) -> bool:
    values = [text for text in row if text]
    return bool(values) and values == [str(i) for i in range(1, len(values) + 1)]


def parse_roadmap_file(
    filename: str, data: bytes, *, start_year: int, end_year: int, limits: Limits | None = None
) -> ParsedRoadmap:
    """Read the road-map table of a file; every problem is reported, nothing is guessed."""
    result = ParsedRoadmap()
    try:
        grids = read_grids(filename, data, limits)
    except FileRejected as exc:
        result.problems.append(Problem(message=str(exc)))
        return result
    found = [(grid, _header(grid.rows)) for grid in grids]
    tables = [(grid, header) for grid, header in found if header is not None]
    if not tables:
        result.problems.append(
            Problem(
                message="Не найдена строка заголовка таблицы: нужны столбцы «Мероприятие» и «Сроки» "
                "(а также «№ п/п», «Ответственные», «Индикативные показатели»)."
            )
        )
        return result
    # Word splits long tables: a table without a header that follows one with the same
    # number of columns continues it.
    first_grid, first_header = tables[0]
    assert first_header is not None
    parts = [(first_grid, first_header[0] + 1)]
    width = len(first_grid.rows[0]) if first_grid.rows else 0
    start = grids.index(first_grid)
    for grid, header in found[start + 1 :]:
        if header is not None or not grid.rows or len(grid.rows[0]) != width:
            break
        parts.append((grid, 0))
    _parse_rows(parts, first_header[1], start_year, end_year, result)
    return result


def _parse_rows(
    parts: list[tuple[Grid, int]],
    columns: dict[str, int],
    start_year: int,
    end_year: int,
    result: ParsedRoadmap,
) -> None:
    section: dict[str, Any] | None = None
    by_number: dict[str, dict[str, Any]] = {}
    multi = len(parts) > 1

    def cell(row: list[str], key: str) -> str:
        col = columns.get(key)
        return row[col] if col is not None and col < len(row) else ""

    for grid, first in parts:
        sheet = grid.name if multi or not grid.name.startswith("таблица") else ""
        for index in range(first, len(grid.rows)):
            row = grid.rows[index]
            line = grid.row_numbers[index]
            texts = [text for text in row if text]
            if not texts or _is_column_numbers(row):
                continue
            distinct = list(dict.fromkeys(texts))
            number = cell(row, "number").strip().rstrip(".").replace(" ", "")
            title = cell(row, "title")
            if len(distinct) == 1 and not NUMBER.match(distinct[0].rstrip(".")):
                title_text = " ".join(distinct[0].split())
                section = {
                    "direction": direction_for(title_text),
                    "title": title_text,
                    "tasks": [],
                    "row": line,
                }
                result.sections.append(section)
                continue

            def problem(
                message: str,
                column: str = "",
                severity: Severity = "error",
                sheet: str = sheet,
                line: int = line,
            ) -> None:
                result.problems.append(
                    Problem(
                        message=message, sheet=sheet, row=line, column=column, severity=severity
                    )
                )

            if not title:
                problem("нет названия мероприятия", LABELS["title"])
                continue
            if not number:
                problem("нет номера мероприятия (ожидается 1, 1.1, 1.1.2 …)", LABELS["number"])
                continue
            if not NUMBER.match(number):
                problem(f"номер «{number}» не похож на 1, 1.1, 1.1.2", LABELS["number"])
                continue
            if number in by_number:
                problem(f"номер {number} уже встречался выше", LABELS["number"])
                continue
            parent_number = number.rpartition(".")[0]
            if parent_number and parent_number not in by_number:
                problem(
                    f"нумерация пропускает уровень: пункт {number} идёт без пункта {parent_number}",
                    LABELS["number"],
                )
                continue
            deadline = " ".join(cell(row, "deadline").split())
            task = {
                "number": number,
                "title": title,
                "deadline": deadline,
                "responsible": [
                    part.strip(" ;")
                    for part in re.split(r"[\n;]", cell(row, "responsible"))
                    if part.strip(" ;")
                ],
                "indicator": cell(row, "indicator"),
                "expected_result": cell(row, "expected_result"),
                "children": [],
                "row": line,
            }
            schedule = parse_deadline(deadline)
            if deadline and schedule.kind == "unparsed":
                result.unparsed += 1
                problem(
                    f"срок «{deadline}» не распознан: он будет сохранён как есть и отмечен "
                    "для специалиста",
                    LABELS["deadline"],
                    "warning",
                )
            for window in schedule.windows:
                if not start_year <= window.due.year <= end_year:
                    problem(
                        f"срок «{deadline}» ({window.due:%d.%m.%Y}) вне периода дорожной карты "
                        f"{start_year}–{end_year}",
                        LABELS["deadline"],
                    )
                    break
            by_number[number] = task
            result.task_count += 1
            if parent_number:
                by_number[parent_number]["children"].append(task)
                continue
            if section is None:
                section = {"direction": None, "title": "Мероприятия", "tasks": [], "row": line}
                result.sections.append(section)
            section["tasks"].append(task)
    result.sections = [s for s in result.sections if s["tasks"]]
    if not result.task_count and not result.errors:
        result.problems.append(Problem(message="В таблице не найдено ни одного мероприятия."))
