"""XLSX and CSV writing shared by every export.

Exports are classes with one `render()` returning (filename, content type, bytes); rows
come from iterables and openpyxl writes in write-only mode. No cell of an export is ever
a formula: text that starts like one is stored as a plain string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _cell(sheet: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if is_formula_like(value):
        # openpyxl would write "=…" as a formula; force a string cell instead.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """Write (title, header, rows) sheets into one workbook."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([_cell(sheet, value, bold=True) for value in header])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], delimiter: str = ";") -> bytes:
    """CSV for Russian Excel: UTF-8 with BOM, `;`; formula-like text gets a leading quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + value if is_formula_like(value) else value for value in row])
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
