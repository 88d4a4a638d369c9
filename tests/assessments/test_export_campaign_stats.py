"""`manage.py export_campaign_stats --format csv`: the figures of the results page as CSV,
with decimal commas for Russian Excel (msoko.formatting.csv_number)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.assessments.matrix_campaigns import hand_campaign, make_campaign

pytestmark = pytest.mark.django_db


def _export(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("export_campaign_stats", "--format", "csv", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))


def test_per_school_and_municipal_rows(school_a, school_b):
    hand_campaign(school_a, school_b)
    make_campaign(subject="math", year=2025)  # no results: only a municipal row
    rows = _export("--year", "2026", "--procedure", "ВПР")
    assert [(r["Уровень"], r["ОО"]) for r in rows] == [
        ("ОО", "МБОУ Каменская СОШ"),
        ("ОО", "МБОУ СОШ № 1"),
        ("Муниципалитет", ""),
    ]
    b, a, total = rows
    assert (a["Логин ОО"], a["Участников"], a["Отсутствовали"]) == (school_a.login, "5", "1")
    assert (a["«2», %"], a["Успеваемость, %"], a["Качество, %"], a["Средняя отметка"]) == (
        "40,0", "60,0", "60,0", "3,40"
    )  # fmt: skip
    assert (b["«3», %"], b["Успеваемость, %"], b["Средняя отметка"]) == ("33,3", "66,7", "3,33")
    assert (total["Участников"], total["Средняя отметка"], total["Понизили, %"]) == (
        "8", "3,38", "42,9"
    )  # fmt: skip
    assert total["Средний первичный балл, % от макс."] == "54,7"
    assert total["Мало данных"] == "да"
    assert {r["Год"] for r in rows} == {"2026"}


def test_filters_and_unknown_procedure(school_a, school_b):
    hand_campaign(school_a, school_b)
    assert _export("--procedure", "oge") == []
    assert len(_export("--procedure", "vpr")) == 3
    assert len(_export()) == 3
    with pytest.raises(CommandError, match="Неизвестная процедура"):
        _export("--procedure", "ГИА-12")
