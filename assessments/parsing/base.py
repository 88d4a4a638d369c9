"""Result types shared by every parser of uploaded result files.

Plain Python, no Django: the service layer turns these into model rows after it has
checked schools against the registry and marks against the campaign's scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from msoko.problems import Problem

FORMAT_F1 = "fisoko_f1"
FORMAT_COLLECTION = "collection_form"
FORMAT_EGE = "rcoi_ege"
FORMAT_OGE = "rcoi_oge"
FORMAT_VSOSH = "vsosh"
FORMAT_F3_MARKS = "fisoko_f3_marks"
FORMAT_F3_JOURNAL = "fisoko_journal_comparison"
FORMAT_UNKNOWN = "unknown"

FORMAT_LABELS = {
    FORMAT_F1: "ФИС ОКО, форма Ф1 «Индивидуальные результаты»",
    FORMAT_COLLECTION: "форма сбора результатов ВПР (лист «Протокол»)",
    FORMAT_EGE: "протокол ЕГЭ из РЦОИ",
    FORMAT_OGE: "протокол ОГЭ из РЦОИ",
    FORMAT_VSOSH: "результаты ВсОШ",
    FORMAT_F3_MARKS: "ФИС ОКО, «Статистика по отметкам»",
    FORMAT_F3_JOURNAL: "ФИС ОКО, «Сравнение отметок с отметками по журналу»",
}
# The same names after «Файл похож на …» (accusative).
FORMAT_LOOKS_LIKE = {
    FORMAT_F1: "форму Ф1 ФИС ОКО «Индивидуальные результаты»",
    FORMAT_COLLECTION: "форму сбора результатов ВПР (лист «Протокол»)",
    FORMAT_EGE: "протокол ЕГЭ из РЦОИ",
    FORMAT_OGE: "протокол ОГЭ из РЦОИ",
    FORMAT_VSOSH: "результаты ВсОШ",
    FORMAT_F3_MARKS: "форму ФИС ОКО «Статистика по отметкам»",
    FORMAT_F3_JOURNAL: "форму ФИС ОКО «Сравнение отметок с отметками по журналу»",
}
TASK_COLUMNS = "с баллами за задания (вида «{example}»)"


def missing_columns_text(fmt: str, missing: Sequence[str], evidence: Sequence[str] = ()) -> str:
    """«Файл похож на …, но в нём нет столбцов: «Код участника», «Вариант»» and why it looks so.

    `missing` are column names (quoted here) or descriptions starting with «с » (not quoted).
    """
    names = ", ".join(m if m.startswith(("с ", "«")) else f"«{m}»" for m in missing)
    message = f"Файл похож на {FORMAT_LOOKS_LIKE[fmt]}, но в нём нет столбцов: {names}"
    if evidence:
        message += ". Признаки формы: " + ", ".join(evidence)
    return message


def fmt_number(value: float | int | None) -> str:
    """A score as people write it: 3 not 3.0, 2,5 with a decimal comma."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """One task (or criterion, like 4К1) of a work: its number, max score, difficulty level."""

    number: str
    max_score: float
    level: str = ""
    requirement: str = ""


@dataclass(slots=True)
class ParsedRow:
    """One participant of an individual-results file.

    `row` is the 1-based Excel row. `scores` is aligned with `ParsedFile.tasks`; None means
    «X» (not attempted, counted as 0 but kept apart from 0). Absent participants have
    `absent=True` and no scores. Pupils' names never get here: only participant codes.
    """

    sheet: str
    row: int
    school_login: str | None
    school_code: str | None
    school_name: str | None
    participant_code: str
    class_name: str = ""
    variant: str = ""
    scores: list[float | None] = field(default_factory=list)
    primary_score: float | None = None
    mark: int | None = None
    journal_mark: int | None = None
    test_score: float | None = None
    absent: bool = False
    subject_code: str = ""
    variant_part2: str = ""


@dataclass(slots=True)
class OlympiadRow:
    """One participant's result at one stage of ВсОШ in one subject."""

    sheet: str
    row: int
    stage: str  # школьный / муниципальный / региональный / заключительный
    participant_code: str
    school_login: str | None
    school_name: str | None
    grade: int | None
    subject: str
    score: float | None
    status: str  # победитель / призёр / участник
    max_score: float | None = None


@dataclass(slots=True)
class ReferenceRow:
    """One line of a ФИС ОКО aggregate form: Russia, the region, a municipality or a school.

    kind "marks": `counts` / `percents` are keyed "2".."5".
    kind "journal": keyed "lowered" (понизили), "confirmed" (подтвердили), "raised" (повысили).
    """

    sheet: str
    row: int
    kind: Literal["marks", "journal"]
    level: Literal["russia", "region", "municipality", "school"]
    name: str
    code: str | None
    schools: int | None = None
    participants: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    percents: dict[str, float] = field(default_factory=dict)


@dataclass
class ParsedFile:
    """Everything read from one upload: its format, title hints, rows and problems."""

    format: str
    procedure: str = ""
    year: int | None = None
    subject: str = ""
    grade: int | None = None
    max_primary: float | None = None
    tasks: list[TaskSpec] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    reference_rows: list[ReferenceRow] = field(default_factory=list)
    olympiad_rows: list[OlympiadRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    profile: str = ""
    date: str = ""
    # The layout was recognised but lacks required columns: nothing was read.
    refused: bool = False
    # Sheet → letters of its variant columns (part 1, part 2), for messages about variants.
    variant_columns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "notice"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, "неизвестный формат")
