"""A director's whole day in a real browser: template → filled form → dry run → import → figures."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from assessments.models import Result
from tests.assessments.matrix_campaigns import make_campaign
from tests.browser import sign_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# code, variant, scores of tasks 1, 2, 3К1, 3К2 (max 2, 1, 3, 2), class, journal mark
PUPILS = [
    ("10001", 1, [2, 1, 3, 2], 1, 5),
    ("10002", 2, [1, 0, "X", 1], 1, 3),
    ("10003", 1, [2, 1, 1, 0], 1, "нет отметки"),
    ("10004", "отсутствовал", [None] * 4, 1, None),
]


def fill_template(content: bytes) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Протокол"]
    header = [cell.value for cell in sheet[3]]
    assert header[:2] == ["Код участника", "Вариант"]
    for offset, (code, variant, scores, class_number, journal) in enumerate(PUPILS):
        row = 4 + offset
        sheet.cell(row, 1, code)
        sheet.cell(row, 2, variant)
        for index, score in enumerate(scores):
            sheet.cell(row, 3 + index, score)
        sheet.cell(row, 7, class_number)
        sheet.cell(row, 8, journal)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_director_uploads_his_collection_form_and_sees_his_figures(
    page: Any,
    school_a: Any,
    school_b: Any,
    tmp_path: Any,
) -> None:
    campaign = make_campaign()
    UserFactory(username="dir", role="director", school=school_a)
    sign_in(page, "dir")
    page.goto(f"/assessments/{campaign.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Шаблон формы сбора").click()
    filled = tmp_path / "forma.xlsx"
    filled.write_bytes(fill_template(download.value.path().read_bytes()))

    page.goto("/assessments/uploads/new/")
    page.get_by_label("Файл результатов (.xlsx или .csv)").set_input_files(str(filled))
    page.get_by_role("button", name="Проверить файл").click()
    assert page.get_by_role("button", name="Подтвердить загрузку").is_visible()
    assert Result.objects.count() == 0  # the dry run writes nothing

    page.get_by_role("button", name="Подтвердить загрузку").click()
    page.get_by_text("Загружен", exact=False).first.wait_for()
    stored = Result.objects.filter(campaign=campaign, school=school_a)
    assert stored.filter(absent=False).count() == 3 and stored.filter(absent=True).count() == 1
    assert stored.get(participant_code="10002").scores == [1, 0, None, 1]

    page.goto(f"/assessments/{campaign.pk}/")
    assert page.get_by_role("link", name=school_a.short_name).first.is_visible()
    assert page.get_by_text(school_b.short_name).count() == 0
