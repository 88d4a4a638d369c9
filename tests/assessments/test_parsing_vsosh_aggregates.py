"""ВсОШ results and ФИС ОКО aggregate forms (Ф3 and the comparison with journal marks)."""

from assessments.parsing import FORMAT_F3_JOURNAL, FORMAT_F3_MARKS, FORMAT_VSOSH
from tests.assessments.builders import (
    csv_bytes,
    f3_marks_rows,
    journal_rows,
    messages,
    parse_bytes,
    vsosh_rows,
    xlsx_bytes,
)


def test_vsosh_results_with_status_normalised():
    rows = vsosh_rows(
        [
            ("Школьный", 1, "edu203389", 7, "Математика", 35, "призер"),
            ("муниципальный этап", 2, "МБОУ СОШ №2", "8 класс", "Физика", "12,5", "Победитель"),
            ("региональный", 3, "edu203390", 9, "Химия", 10, "участник"),
        ]
    )
    parsed = parse_bytes("vsosh.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_VSOSH and parsed.procedure == "ВсОШ"
    assert parsed.ok, messages(parsed)
    first, second, third = parsed.olympiad_rows
    assert (first.stage, first.status, first.school_login, first.grade, first.score) == (
        "школьный",
        "призёр",
        "edu203389",
        7,
        35,
    )
    assert (second.stage, second.status, second.school_name, second.grade, second.score) == (
        "муниципальный",
        "победитель",
        "МБОУ СОШ №2",
        8,
        12.5,
    )
    assert third.stage == "региональный" and third.row == 6


def test_vsosh_errors():
    rows = vsosh_rows(
        [
            ("школьный", 1, "edu203389", 7, "Математика", "много", "призёр"),
            ("школьный", 2, "edu203389", 7, "Математика", 5, "лауреат"),
            ("школьный", 1, "edu203389", 7, "Математика", 5, "участник"),
        ]
    )
    parsed = parse_bytes("vsosh.xlsx", xlsx_bytes({"В": rows}))
    errors = messages(parsed, "error")
    assert "Лист «В», строка 4, столбец F: балл «много» — не число." in errors
    assert any(
        m.startswith("Лист «В», строка 5, столбец G: статус «лауреат» не распознан") for m in errors
    )
    assert any(
        m.startswith("Лист «В», строка 6, столбец B: код участника 1 повторяется") for m in errors
    )


def test_vsosh_stage_from_title_and_csv():
    rows = [["Результаты школьного этапа всероссийской олимпиады школьников 2025"], []]
    rows += [["Код участника", "ОО", "Класс", "Предмет", "Балл", "Статус"]]
    rows += [[11, "edu203389", 5, "Русский язык", 20, "Призёр"]]
    parsed = parse_bytes("v.csv", csv_bytes(rows, delimiter=";"))
    assert parsed.format == FORMAT_VSOSH and parsed.ok, messages(parsed)
    assert parsed.olympiad_rows[0].stage == "школьный"


def test_f3_marks_with_merged_two_row_header():
    rows, merged = f3_marks_rows(
        [
            ("Вся выборка", 40000, 1500000, 3.5, 30, 45, 21.5),
            ("Республика Тест", 500, 20000, 4, 31, 44, 21),
            ("Город (reg20_m012)", 30, 1500, 5, 30, 45, 20),
            ("МБОУ СОШ №1 (edu203389)", 1, 80, "2,5", 30, 47.5, 20),
        ]
    )
    parsed = parse_bytes("f3.xlsx", xlsx_bytes({"Лист1": rows}, merged={"Лист1": merged}))
    assert parsed.format == FORMAT_F3_MARKS and parsed.ok, messages(parsed)
    levels = [(r.level, r.code) for r in parsed.reference_rows]
    assert levels == [
        ("russia", None),
        ("region", None),
        ("municipality", "reg20_m012"),
        ("school", "edu203389"),
    ]
    school = parsed.reference_rows[3]
    assert school.name == "МБОУ СОШ №1" and school.participants == 80
    assert school.percents == {"2": 2.5, "3": 30, "4": 47.5, "5": 20}
    assert school.counts == {"2": 2, "3": 24, "4": 38, "5": 16}


def test_journal_comparison_tall_layout():
    rows = journal_rows([("Вся выборка", 100, 800, 100), ("Город (reg20_m012)", 3, 20, 2)])
    parsed = parse_bytes("j.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_F3_JOURNAL and parsed.ok
    russia, town = parsed.reference_rows
    assert russia.counts == {"lowered": 100, "confirmed": 800, "raised": 100}
    assert russia.percents["confirmed"] == 80
    assert (town.level, town.code, town.participants) == ("municipality", "reg20_m012", 25)


def test_journal_comparison_wide_layout():
    rows = [
        [
            "Группы участников",
            "Понизили",
            "Понизили %",
            "Подтвердили",
            "Подтвердили %",
            "Повысили",
            "Повысили %",
        ],
        ["Вся выборка", 10, 10, 80, 80, 10, 10],
        ["СОШ (edu203389)", 1, 5, 18, 90, 1, 5],
    ]
    parsed = parse_bytes("j.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_F3_JOURNAL
    school = parsed.reference_rows[1]
    assert school.counts == {"lowered": 1, "confirmed": 18, "raised": 1}
    assert school.percents == {"lowered": 5, "confirmed": 90, "raised": 5}
