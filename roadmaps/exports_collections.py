"""The xlsx template of a data collection, to fill in offline and upload.

Sheet «Данные»: a row per school (a director: his school only) and typed indicator — the
derived shares are not typed, only their counts — with the unit, last year's value and
what is allowed; the «Значение» column carries Excel's validation (a whole number within
the limits, «да / нет» as a drop-down). A hidden sheet «Сбор» names the collection and its
year, so the import knows a template of another collection or year.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessments import collected as col
from msoko.exports import XLSX_TYPE, xlsx_put
from roadmaps.importing_collections import DATA_SHEET, META_COLLECTION, META_SHEET, META_YEAR
from roadmaps.models import Collection, Submission
from roadmaps.services_collections import previous_values, submission_per, typed_indicators

HEADER = (
    ("Логин ОО", 14),
    ("ОО", 36),
    ("Код показателя", 30),
    ("Показатель", 70),
    ("Единица", 12),
    ("Значение", 16),
    ("Прошлый год", 14),
    ("Допустимо", 36),
)
VALUE_COLUMN = 6
FIRST_ROW = 5


class CollectionTemplateExport:
    """The template of `collection` for `submissions` (those the user may fill in)."""

    def __init__(self, collection: Collection, submissions: list[Submission]) -> None:
        self.collection = collection
        self.submissions = submissions

    def filename(self) -> str:
        return f"sbor-{self.collection.pk}-{self.collection.year}.xlsx"

    def render(self) -> tuple[str, str, bytes]:
        collection = self.collection
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = DATA_SHEET
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="DDEBF7")
        xlsx_put(sheet, 1, 1, f"Сбор данных: {collection.title}, {collection.year} год").font = bold
        xlsx_put(
            sheet,
            2,
            1,
            f"Срок сдачи — {collection.deadline:%d.%m.%Y}. Заполните столбец «Значение»; "
            "доли не вводятся — они считаются из числителя и знаменателя. Загрузите файл на "
            "странице сбора: он принимается целиком или не принимается совсем.",
        )
        for index, (title, width) in enumerate(HEADER, start=1):
            cell = xlsx_put(sheet, 4, index, title)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{FIRST_ROW}"
        validations: dict[tuple[object, ...], DataValidation] = {}
        row = FIRST_ROW
        for submission in self.submissions:
            previous = previous_values(submission)
            login = submission.school.login if submission.school else "МО"
            name = submission.school.short_name if submission.school else "Муниципалитет"
            values = {v.code: v for v in submission.values.all()}
            for indicator in typed_indicators(collection, submission_per(submission)):
                collect = indicator.collect
                assert collect is not None
                xlsx_put(sheet, row, 1, login)
                xlsx_put(sheet, row, 2, name)
                xlsx_put(sheet, row, 3, indicator.code)
                xlsx_put(sheet, row, 4, indicator.name)
                xlsx_put(sheet, row, 5, col.KINDS[collect.kind])
                current = values.get(indicator.code)
                if current is not None:
                    xlsx_put(
                        sheet, row, VALUE_COLUMN, _cell_value(collect, current.value, current.text)
                    )
                if indicator.code in previous:
                    xlsx_put(sheet, row, 7, _cell_value(collect, previous[indicator.code], ""))
                xlsx_put(sheet, row, 8, collect.limits_text)
                validation = _validation(collect, validations)
                if validation is not None:
                    validation.add(f"{get_column_letter(VALUE_COLUMN)}{row}")
                row += 1
        for validation in validations.values():
            sheet.add_data_validation(validation)
        meta = workbook.create_sheet(META_SHEET)
        xlsx_put(meta, 1, 1, META_COLLECTION)
        xlsx_put(meta, 1, 2, collection.pk)
        xlsx_put(meta, 2, 1, META_YEAR)
        xlsx_put(meta, 2, 2, collection.year)
        xlsx_put(meta, 3, 1, "Сбор")
        xlsx_put(meta, 3, 2, collection.title)
        meta.sheet_state = "hidden"
        out = io.BytesIO()
        workbook.save(out)
        return self.filename(), XLSX_TYPE, out.getvalue()


def _cell_value(collect: col.Collect, value: object, text: str) -> object:
    if collect.kind == col.BOOL:
        return "да" if value else "нет"
    if collect.kind in (col.TEXT, col.DOCUMENT):
        return text or ("нет" if value == 0 else "")
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if collect.integer else float(number)


def _validation(
    collect: col.Collect, made: dict[tuple[object, ...], DataValidation]
) -> DataValidation | None:
    if collect.kind == col.BOOL:
        key: tuple[object, ...] = ("bool",)
        if key not in made:
            made[key] = DataValidation(type="list", formula1='"да,нет"', allow_blank=True)
            made[key].error = "Выберите «да» или «нет»."
        return made[key]
    if collect.kind != col.COUNT:
        return None
    key = ("count", collect.integer, collect.minimum, collect.maximum)
    if key not in made:
        kind = "whole" if collect.integer else "decimal"
        low = collect.minimum if collect.minimum is not None else -999_999_999
        if collect.maximum is not None:
            made[key] = DataValidation(
                type=kind, operator="between", formula1=str(low), formula2=str(collect.maximum)
            )
        else:
            made[key] = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
        made[key].error = f"Допустимо: {collect.limits_text}."
        made[key].showErrorMessage = True
        made[key].allow_blank = True
    return made[key]
