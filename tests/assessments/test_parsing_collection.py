"""The school's collection form «Форма сбора результатов … ВПР 2026» (sheet «Протокол»)."""

from assessments.parsing import FORMAT_COLLECTION
from tests.assessments.builders import (
    Pupil,
    collection_rows,
    collection_xlsx,
    csv_bytes,
    messages,
    parse_bytes,
    with_cached_values,
    xlsx_bytes,
)

# Layout: title row 1, blank row 2, header row 3, pupils from row 4.
# Columns: A code, B variant, C..G tasks 1, 2, 3, 4К1, 4К2, H class, I journal, J Итого.


def test_collection_form_detected_with_hints_and_criteria_tasks():
    pupils = [Pupil(10001, [2, 1, "X", 3, 2], journal="нет отметки"), Pupil(10002, [0, 0, 1, 1, 1])]
    parsed = parse_bytes("form.xlsx", collection_xlsx(pupils))
    assert parsed.format == FORMAT_COLLECTION
    assert (parsed.procedure, parsed.year, parsed.subject, parsed.grade) == (
        "ВПР",
        2026,
        "Математика",
        5,
    )
    assert [t.number for t in parsed.tasks] == ["1", "2", "3", "4К1", "4К2"]
    assert parsed.tasks[3].max_score == 3
    assert parsed.problems == [], messages(parsed)
    first, second = parsed.rows
    assert first.scores == [2, 1, None, 3, 2] and first.primary_score == 8
    assert first.journal_mark is None
    assert second.primary_score == 3 and second.journal_mark == 4


def test_total_formula_without_cached_value_is_recomputed():
    parsed = parse_bytes("form.xlsx", collection_xlsx([Pupil(1, [2, 1, 3, 3, 2])]))
    assert parsed.ok and parsed.problems == []
    assert parsed.rows[0].primary_score == 11


def test_total_formula_with_wrong_cached_value_is_a_warning():
    data = collection_xlsx([Pupil(1, [2, 1, 3, 3, 2]), Pupil(2, [1, 1, 1, 1, 1])])
    data = with_cached_values(data, 1, {"J4": 11, "J5": 7})
    parsed = parse_bytes("form.xlsx", data)
    assert parsed.ok
    (warning,) = parsed.warnings
    assert str(warning).startswith(
        "Лист «Протокол», строка 5, столбец J: «Итого баллов» 7 не равно сумме баллов за задания 5"
    )
    assert parsed.rows[1].primary_score == 5


def test_typed_total_that_differs_from_the_sum_is_an_error():
    data = collection_xlsx([Pupil(1, [2, 1, 3, 3, 2], primary=10)])
    parsed = parse_bytes("form.xlsx", data)
    assert [str(e) for e in parsed.errors] == [
        "Лист «Протокол», строка 4, столбец J: «Итого баллов» 10 не равно сумме баллов за "
        "задания 11."
    ]


def test_formula_in_score_or_mark_cell_is_an_error():
    rows = collection_rows([Pupil(1, ["=1+1", 1, 3, 3, 2], journal="=2+2")])
    parsed = parse_bytes("form.xlsx", xlsx_bytes({"Протокол": rows}))
    found = messages(parsed, "error")
    assert any(
        m.startswith("Лист «Протокол», строка 4, столбец C: формула вместо значения") for m in found
    )
    assert any(
        m.startswith("Лист «Протокол», строка 4, столбец I: формула вместо значения") for m in found
    )


def test_absent_and_unfilled_slots():
    pupils = [Pupil(1, [1, 1, 1, 1, 1]), Pupil(2, ["", "", "", "", ""], variant="отсутствовал")]
    parsed = parse_bytes("form.xlsx", collection_xlsx(pupils, empty_slots=4))
    assert parsed.ok
    assert [r.absent for r in parsed.rows] == [False, True]
    assert parsed.rows[1].scores == []
    assert any("без варианта и баллов: 4" in m for m in messages(parsed, "notice"))


def test_old_layout_two_variant_columns_and_sex_column_dropped():
    parsed = parse_bytes(
        "form.xlsx", collection_xlsx([Pupil(1, [2, 1, 0, 0, 0], variant=3)], old_layout=True)
    )
    assert parsed.ok
    row = parsed.rows[0]
    assert (row.variant, row.variant_part2) == ("3", "3")
    assert row.scores == [2, 1, 0, 0, 0]
    assert any("персональными данными" in m and "Пол" in m for m in messages(parsed, "notice"))


def test_validation_errors_with_places():
    pupils = [
        Pupil(1, [3, 1, 0, 0, 0], journal=4),  # C4: 3 > 2
        Pupil(2, ["-1", 1, 0, 0, 0], journal=1),  # C5 negative, I5 journal 1
        Pupil(3, ["пять", 1, 0, 0, 0]),  # C6 text
        Pupil(1, [0, 0, 0, 0, 0]),  # A7 duplicate
        Pupil(4, [0, 0, 0, 0, 0], variant=""),  # B8 variant missing
        Pupil("", [1, 1, 1, 1, 1]),  # A9 code missing
    ]
    parsed = parse_bytes("form.xlsx", collection_xlsx(pupils))
    found = messages(parsed, "error")
    expected_starts = [
        "Лист «Протокол», строка 4, столбец C: балл 3 больше максимума 2 за задание 1.",
        "Лист «Протокол», строка 5, столбец C: отрицательный балл -1 за задание 1.",
        "Лист «Протокол», строка 5, столбец I: отметка по журналу «1» вне диапазона",
        "Лист «Протокол», строка 6, столбец C: «пять» — не число",
        "Лист «Протокол», строка 7, столбец A: код участника 1 повторяется (впервые в строке 4).",
        "Лист «Протокол», строка 8, столбец B: не указан вариант.",
        "Лист «Протокол», строка 9, столбец A: не указан код участника.",
    ]
    for start in expected_starts:
        assert any(m.startswith(start) for m in found), (start, found)


def test_empty_form_is_an_error():
    parsed = parse_bytes("form.xlsx", collection_xlsx([], empty_slots=10))
    assert any("нет ни одного участника" in m for m in messages(parsed, "error"))


def test_missing_columns_are_named():
    rows = [["Код участника", "1 (2б)", "2 (1б)"], [1, 1, 1]]
    parsed = parse_bytes("form.xlsx", xlsx_bytes({"Протокол": rows}))
    assert any(
        "Файл похож на форму сбора результатов ВПР (лист «Протокол»), но в нём нет столбцов: "
        "«Вариант». Признаки формы: лист «Протокол»" in m
        for m in messages(parsed, "error")
    ), messages(parsed)


def test_merged_two_row_header_and_messy_header_text():
    rows = [
        ["Форма сбора результатов Русский язык 4 класс ВПР 2026"],
        [
            "КОД УЧАСТНИКА",
            "Вариант",
            "Баллы за задания",
            "",
            "",
            "Порядковый номер\nкласса",
            "Отметка за предыдущий триместр/четверть/полугодие",
            "Итого баллов",
        ],
        ["", "", "1 (2б)", "2 (1б)", "3 (3б)", "", "", ""],
        [101, 1, 2, "X", "3,0", 1, 5, 5],
        [],
        [],
    ]
    merged = ["A2:A3", "B2:B3", "C2:E2", "F2:F3", "G2:G3", "H2:H3"]
    parsed = parse_bytes("form.xlsx", xlsx_bytes({"Протокол": rows}, merged={"Протокол": merged}))
    assert parsed.format == FORMAT_COLLECTION
    assert parsed.ok, messages(parsed)
    (row,) = parsed.rows
    assert (row.row, row.scores, row.primary_score, row.class_name, row.journal_mark) == (
        4,
        [2, None, 3],
        5,
        "1",
        5,
    )


def test_collection_form_as_csv_cp1251():
    rows = collection_rows([Pupil(1, [2, 1, "Х", 3, 2])], total_formula=False)
    parsed = parse_bytes("form.csv", csv_bytes(rows))
    assert parsed.format == FORMAT_COLLECTION
    assert parsed.ok, messages(parsed)
    assert parsed.rows[0].scores == [2, 1, None, 3, 2]
