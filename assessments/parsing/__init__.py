"""Detection and parsing of uploaded result files (ФИС ОКО, school forms, РЦОИ, ВсОШ).

Plain Python with no Django imports: `parse_sheets(read_table_file(name, data))` gives a
`ParsedFile` with rows and every problem found; the service layer checks schools against
the registry and marks against the campaign's scale.
"""

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
    OlympiadRow,
    ParsedFile,
    ParsedRow,
    Problem,
    ReferenceRow,
    TaskSpec,
)
from .detect import parse_sheets
from .rcoi import DEFAULT_PROFILES, MappingProfile

__all__ = [
    "DEFAULT_PROFILES",
    "FORMAT_COLLECTION",
    "FORMAT_EGE",
    "FORMAT_F1",
    "FORMAT_F3_JOURNAL",
    "FORMAT_F3_MARKS",
    "FORMAT_LABELS",
    "FORMAT_OGE",
    "FORMAT_UNKNOWN",
    "FORMAT_VSOSH",
    "MappingProfile",
    "OlympiadRow",
    "ParsedFile",
    "ParsedRow",
    "Problem",
    "ReferenceRow",
    "TaskSpec",
    "parse_sheets",
]
