"""Registry workbooks built in tests, in the layout of the downloadable template."""

from __future__ import annotations

import copy
from typing import Any

from schools.registry import registry_template

MUNICIPALITY = [
    "Тестовый муниципальный район",
    "Тестовый МР",
    "12345000",
    "Тестовая область",
    "reg99_m001",
]


def school_row(login: str, short: str, kind: str = "СОШ", **overrides: Any) -> list[Any]:
    row = {
        "login": login,
        "full": f"Муниципальное общеобразовательное учреждение «{short}»",
        "short": short,
        "kind": kind,
        "inn": "3301000001",
        "address": "г. Тестовск, ул. Школьная, д. 1",
        "locality": "городская",
        "director": "Иванова Мария Петровна",
        "phone": "+7 (4922) 00-00-00",
        "email": "school@example.ru",
        "active": "да",
        "predecessors": "",
    } | overrides
    return list(row.values())


def passport_row(login: str, year: int, **overrides: Any) -> list[Any]:
    row = {
        "login": login,
        "year": year,
        "pupils": 400,
        "ovz": 12,
        "low_income": 15,
        "large": 10,
        "non_native": 1,
        "pdn": 0.5,
        "single": 18,
        "no_higher": 35,
        "teachers": 30,
        "vacancies": 1,
        "pension": 20,
        "category": 80,
        "distance": 0,
    } | overrides
    return list(row.values())


def registry_rows() -> dict[str, list[list[Any]]]:
    return {
        "Муниципалитет": [list(MUNICIPALITY)],
        "ОО": [
            school_row("edu100001", "СОШ № 1"),
            school_row("edu100002", "Лицей № 2", kind="Лицей"),
            school_row("edu100003", "Каменская ООШ", kind="ООШ", locality="сельская"),
        ],
        "Паспорта": [
            passport_row("edu100001", 2025),
            passport_row("edu100002", 2025, low_income=5, no_higher=15),
            passport_row("edu100003", 2025, low_income=48, no_higher=70, distance=45),
            passport_row("edu100001", 2024),
        ],
    }


def registry_file(mutate: Any = None) -> bytes:
    rows = copy.deepcopy(registry_rows())
    if mutate is not None:
        mutate(rows)
    return registry_template(rows)
