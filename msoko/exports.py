"""XLSX and CSV writing shared by every export.

Exports are classes with one `render()` returning (filename, content type, bytes); rows
come from iterables and openpyxl writes in write-only mode. No cell the portal writes is
ever a formula made of data: every xlsx writer (exports, the registry template, the
collection form) stores strings through `xlsx_text`, and CSV cells that start like a
formula get a leading «'». Only `xlsx_formula` writes a formula — our own constants.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# What a spreadsheet may take for the start of a formula in a CSV cell (OWASP «CSV Injection»).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# «-12,5», «+3» or «-12 345,5» is a number to Excel, not a formula: no quote in a CSV.
PLAIN_NUMBER_RE = re.compile(r"[-+]?(?:\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,]\d+)?")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def xlsx_text(cell: Cell, value: Any) -> Cell:
    """Put `value` into `cell`; a string is always stored as text, never as a formula.

    openpyxl makes any string starting with «=» a formula, so a school name or a variant
    «=HYPERLINK(…)» would run in the user's Excel; a string cell is written as an inline
    string instead. Characters XML cannot hold (control characters) are dropped rather than
    failing the whole export. Every xlsx writer of the portal puts cells through here (or
    `xlsx_cell` / `xlsx_put`); only `xlsx_formula` writes a formula.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> Cell:
    """A cell for `sheet.append([...])`, in write-only and in normal worksheets alike."""
    cell = xlsx_text(WriteOnlyCell(sheet), value)
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """`sheet.cell(row, column, value)` that never turns text into a formula."""
    return xlsx_text(sheet.cell(row=row, column=column), value)


def xlsx_formula(sheet: Worksheet, row: int, column: int, formula: str) -> Cell:
    """One of our own constant formulas (such as «Итого баллов» = SUM of the row): the only
    way a formula gets into a workbook the portal writes. Never pass user text here."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell = sheet.cell(row=row, column=column)
    cell.value = formula
    return cell


def csv_text(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: formula-like text gets a leading «'»."""
    if is_formula_like(value) and not PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_text(value) for value in values]


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """Write (title, header, rows) sheets into one workbook."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([xlsx_cell(sheet, value, bold=True) for value in header])
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], delimiter: str = ";") -> bytes:
    """CSV for Russian Excel: UTF-8 with BOM, `;`; formula-like text gets a leading quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(csv_row(header))
    for row in rows:
        writer.writerow(csv_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def download(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_rows(table: Any) -> tuple[list[Any], list[list[Any]]]:
    """Header and rows of a django-tables2 table, through each column's export value."""
    values = list(table.as_values())
    return list(values[0]), [list(row) for row in values[1:]]
