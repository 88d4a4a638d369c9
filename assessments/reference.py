"""Reference data shipped with the portal: procedures, subjects, ЕГЭ minimum scores.

Loaded by a data migration and kept as plain data here so a specialist can see where a
value came from. ЕГЭ minimums: Рособрнадзор, unchanged 2024–2026 (DOMAIN §3).
"""

from __future__ import annotations

# code, name, grades, has_marks, has_test_score
PROCEDURES: list[tuple[str, str, list[int], bool, bool]] = [
    ("vpr", "Всероссийские проверочные работы", [4, 5, 6, 7, 8, 10, 11], True, False),
    ("oge", "Основной государственный экзамен (ГИА-9)", [9], True, False),
    ("gve9", "Государственный выпускной экзамен, 9 класс", [9], True, False),
    ("ege", "Единый государственный экзамен (ГИА-11)", [11], False, True),
    ("gve11", "Государственный выпускной экзамен, 11 класс", [11], True, False),
    ("niko", "Национальные исследования качества образования", list(range(1, 12)), False, False),
    ("rkr", "Региональные контрольные работы", list(range(1, 12)), True, False),
    ("rdr", "Региональные диагностические работы", list(range(1, 12)), True, False),
    ("rop", "Региональные оценочные процедуры", list(range(1, 12)), True, False),
    ("mop", "Муниципальные оценочные процедуры", list(range(1, 12)), True, False),
    ("dr10", "Диагностическая работа в 10 классе", [10], False, False),
    ("vsosh", "Всероссийская олимпиада школьников", list(range(4, 12)), False, False),
]

# code, name, РЦОИ code, synonyms
SUBJECTS: list[tuple[str, str, str, list[str]]] = [
    ("russian", "Русский язык", "01", ["русский", "рус. яз.", "ру"]),
    ("math", "Математика", "", ["математика", "ма"]),
    (
        "math_profile",
        "Математика (профильный уровень)",
        "02",
        ["математика профиль", "математика п"],
    ),
    ("math_base", "Математика (базовый уровень)", "22", ["математика база", "математика б"]),
    ("physics", "Физика", "03", []),
    ("chemistry", "Химия", "04", []),
    ("informatics", "Информатика", "05", ["информатика и икт"]),
    ("biology", "Биология", "06", []),
    ("history", "История", "07", []),
    ("geography", "География", "08", []),
    ("social", "Обществознание", "09", []),
    ("literature", "Литература", "10", []),
    ("english", "Английский язык", "11", ["английский"]),
    ("german", "Немецкий язык", "12", ["немецкий"]),
    ("french", "Французский язык", "13", ["французский"]),
    ("spanish", "Испанский язык", "14", ["испанский"]),
    ("native", "Родной язык", "18", []),
    ("russian_gve", "Русский язык (ГВЭ)", "51", []),
    ("math_gve", "Математика (ГВЭ)", "52", []),
    ("environment", "Окружающий мир", "", ["окружающий мир"]),
    ("natural_science", "Естествознание", "", []),
]

# ЕГЭ minimums for the attestat / for university (Рособрнадзор, 2024–2026).
EGE_MINIMUMS: dict[str, dict[str, int]] = {
    "russian": {"attestat": 24, "university": 36},
    "math_profile": {"attestat": 27, "university": 27},
    "social": {"university": 42},
    "informatics": {"university": 40},
    "geography": {"university": 37},
    "physics": {"university": 36},
    "chemistry": {"university": 36},
    "biology": {"university": 36},
    "history": {"university": 32},
    "literature": {"university": 32},
    "english": {"university": 22},
    "german": {"university": 22},
    "french": {"university": 22},
    "spanish": {"university": 22},
}
EGE_THRESHOLD_YEARS = (2024, 2025, 2026)
