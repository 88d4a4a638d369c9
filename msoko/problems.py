"""A problem found in an uploaded file, located by sheet, row and column for the user."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One message about a file. `row` is the 1-based row as Excel shows it."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    severity: str = "error"

    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"столбец {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where[:1].upper()}{where[1:]}: {self.message}" if where else self.message

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
