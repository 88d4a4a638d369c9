"""A specialist keeps the РЦОИ column profile of his region; imports read protocols with it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from assessments.models import MappingProfile
from assessments.parsing import parse_sheets
from assessments.services.imports import mapping_profiles
from msoko.spreadsheets import read_table_file
from tests.assessments.builders import xlsx_bytes

pytestmark = pytest.mark.django_db

FORM = {
    "name": "ЕГЭ, Светлая область",
    "region": "Светлая область",
    "kind": "ege",
    "is_active": "on",
    "col_participant_code": "Идентификатор; Код",
    "col_school_code": "Шифр школы",
    "col_class_name": "",
    "col_variant": "",
    "col_short_answers": "",
    "col_long_answers": "",
    "col_primary_score": "Сумма первичных",
    "col_test_score": "Итог 100",
    "col_mark": "",
    "col_subject_code": "",
}


def test_specialist_creates_a_profile_and_the_parser_uses_it(
    client_for: Any, specialist: Any
) -> None:
    response = client_for(specialist).post(reverse("assessments:profile_create"), FORM)
    assert response.status_code == 302
    profile = MappingProfile.objects.get()
    assert profile.columns["participant_code"] == ["Идентификатор", "Код"]
    assert profile.updated_by == specialist
    assert mapping_profiles()[0].name == "ЕГЭ, Светлая область"

    data = xlsx_bytes(
        {
            "Протокол": [
                ["Протокол ЕГЭ 2026, русский язык"],
                ["Идентификатор", "Шифр школы", "Фамилия", "Сумма первичных", "Итог 100"],
                ["A-1", "203389", "Иванов", 40, 72],
                ["A-2", "203389", "Петрова", 25, 51],
            ]
        }
    )
    parsed = parse_sheets(read_table_file("egerus.xlsx", data), profiles=mapping_profiles())
    assert parsed.profile == "ЕГЭ, Светлая область", [str(p) for p in parsed.problems]
    assert [(r.participant_code, r.test_score) for r in parsed.rows] == [("A-1", 72), ("A-2", 51)]
    assert "Иванов" not in repr(parsed.rows)


def test_a_second_active_profile_for_the_same_region_is_refused(
    client_for: Any, specialist: Any
) -> None:
    client = client_for(specialist)
    client.post(reverse("assessments:profile_create"), FORM)
    response = client.post(reverse("assessments:profile_create"), FORM | {"name": "Другой"})
    assert response.status_code == 200
    assert "уже есть действующий профиль" in response.content.decode()
    assert MappingProfile.objects.count() == 1


def test_an_ege_profile_needs_the_test_score(client_for: Any, specialist: Any) -> None:
    response = client_for(specialist).post(
        reverse("assessments:profile_create"), FORM | {"col_test_score": ""}
    )
    assert "Для протокола ЕГЭ нужен тестовый балл" in response.content.decode()
