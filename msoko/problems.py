"""A problem found in an uploaded file, placed where the user can find it.

Shared by every import (registry, results, road maps): `row` is the 1-based row as Excel
shows it, `column` the column letter. The text is for the user, in Russian.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One message about a file: «Лист «Протокол», строка 12, столбец H: балл 3 больше …»."""

    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    message: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        place = []
        if self.sheet:
            place.append(f"Лист «{self.sheet}»")
        if self.row is not None:
            place.append(f"строка {self.row}")
        if self.column:
            place.append(f"столбец {self.column}")
        message = self.message if self.message.endswith((".", "!", "?")) else self.message + "."
        return f"{', '.join(place)}: {message}" if place else message

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
