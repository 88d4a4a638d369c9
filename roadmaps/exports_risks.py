"""The workbook template of the risk-profile import (Логин ОО | Риск | Значение | Уровень).

Its first sheet is what the import reads; the second («Справочник») lists the risks valid
in the year (code and title) and the schools the user may load (login and name), and the
«Риск» and «Уровень» columns offer drop-down lists from them.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from msoko.exports import XLSX_TYPE, xlsx_put
from msoko.models import User
from roadmaps.importing_risks import COLUMNS
from roadmaps.services_risks import risks_valid_in
from schools.models import School

SHEET = "Риск-профили"
REFERENCE = "Справочник"
WIDTHS = {"login": 14, "risk": 60, "value": 12, "level": 12, "selected": 10, "evidence": 50}
ROWS = 2000  # rows the drop-down lists cover


class RiskTemplateExport:
    """The template for `year`, with the schools `user` sees in the reference sheet."""

    def __init__(self, user: User, year: int) -> None:
        self.user = user
        self.year = year

    def render(self) -> tuple[str, str, bytes]:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SHEET
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="DDEBF7")
        for col, (key, title) in enumerate(COLUMNS.items(), start=1):
            cell = xlsx_put(sheet, 1, col, title)
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[key]
        sheet.freeze_panes = "A2"
        risks = list(risks_valid_in(self.year).order_by("order", "code"))
        schools = list(
            School.objects.for_user(self.user)
            .filter(is_active=True)
            .order_by("login")
            .values_list("login", "short_name")
        )
        reference = workbook.create_sheet(REFERENCE)
        for col, title in enumerate(("Код риска", "Риск", "", "Логин ОО", "ОО"), start=1):
            xlsx_put(reference, 1, col, title).font = bold
        for row, risk in enumerate(risks, start=2):
            xlsx_put(reference, row, 1, risk.code)
            xlsx_put(reference, row, 2, risk.title)
        for row, (login, name) in enumerate(schools, start=2):
            xlsx_put(reference, row, 4, login)
            xlsx_put(reference, row, 5, name)
        notes = [
            f"Риски, действующие в {self.year} году. В столбце «Риск» — код или наименование.",
            "«Значение» — число (результат анкетирования), «Уровень» — низкий, средний или "
            "высокий; нужно хотя бы одно из двух.",
            "«Выбран» (да / нет) и «Обоснование» — необязательно: пустая ячейка оставляет то, "
            "что указано на портале.",
            "Повторная загрузка за тот же год заменяет загруженные ранее значения ОО из файла.",
        ]
        for offset, note in enumerate(notes):
            xlsx_put(reference, len(risks) + 3 + offset, 1, note)
        for letter, width in (("A", 22), ("B", 70), ("C", 2), ("D", 12), ("E", 40)):
            reference.column_dimensions[letter].width = width
        if risks:
            risk_list = DataValidation(
                type="list",
                formula1=f"='{REFERENCE}'!$B$2:$B${len(risks) + 1}",
                allow_blank=True,
            )
            risk_list.showErrorMessage = False  # a code is accepted too
            sheet.add_data_validation(risk_list)
            risk_list.add(f"B2:B{ROWS}")
        levels = DataValidation(type="list", formula1='"низкий,средний,высокий"', allow_blank=True)
        levels.error = "Уровень: низкий, средний или высокий."
        sheet.add_data_validation(levels)
        levels.add(f"D2:D{ROWS}")
        yes_no = DataValidation(type="list", formula1='"да,нет"', allow_blank=True)
        sheet.add_data_validation(yes_no)
        yes_no.add(f"E2:E{ROWS}")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return f"shablon-risk-profiley-{self.year}.xlsx", XLSX_TYPE, buffer.getvalue()
