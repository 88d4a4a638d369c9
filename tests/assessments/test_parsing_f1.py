"""ФИС ОКО Ф1 «Индивидуальные результаты»: detection, messy cells, validation."""

from assessments.parsing import FORMAT_F1, TaskSpec
from tests.assessments.builders import (
    DEFAULT_TASKS,
    Pupil,
    School,
    csv_bytes,
    f1_rows,
    f1_xlsx,
    messages,
    parse_bytes,
    sample_schools,
    xlsx_bytes,
)

# Layout of f1_rows: 7 title rows, header at Excel row 8, group row 9, pupils from row 10;
# columns A ОО … F Вариант, G.. tasks (5 default tasks: G..K), L Первичный, M Отметка, N журнал.


def test_f1_is_detected_with_title_hints_tasks_and_levels():
    parsed = parse_bytes("любое имя.xlsx", f1_xlsx(sample_schools()))
    assert parsed.format == FORMAT_F1
    assert (parsed.procedure, parsed.year, parsed.subject, parsed.grade) == (
        "ВПР",
        2026,
        "Русский язык",
        4,
    )
    assert parsed.max_primary == 11
    assert parsed.tasks[3] == TaskSpec("4К1", 3.0, "Б")
    assert [t.level for t in parsed.tasks] == ["Б", "Б", "П", "Б", "В"]
    assert parsed.problems == []
    assert len(parsed.rows) == 6


def test_f1_rows_carry_school_from_group_row_when_oo_column_is_empty():
    data = f1_xlsx(sample_schools(("edu203389", "edu111111")), login_in_rows=False)
    parsed = parse_bytes("f1.xlsx", data)
    assert parsed.ok
    assert [r.school_login for r in parsed.rows] == ["edu203389"] * 3 + ["edu111111"] * 3
    first = parsed.rows[0]
    assert first.school_name == "МБОУ СОШ №1"
    assert (first.sheet, first.row, first.participant_code) == (
        "Индивидуальные результаты",
        10,
        "10001",
    )
    assert first.scores == [0, 1, 2, 3, 1] and first.primary_score == 7
    assert (first.mark, first.journal_mark, first.class_name, first.variant) == (3, 4, "4А", "1")


def test_f1_many_schools_in_one_file():
    logins = [f"edu2000{i:02d}" for i in range(12)]
    parsed = parse_bytes("f1.xlsx", f1_xlsx(sample_schools(logins, 4)))
    assert parsed.ok
    assert {r.school_login for r in parsed.rows} == set(logins)
    assert len(parsed.rows) == 48


def test_f1_messy_cells_text_numbers_decimal_comma_x_and_spaces():
    tasks = DEFAULT_TASKS
    pupil = Pupil(" 10001 ", ["2", "1,0", "х", "X", " 2\xa0"], mark="5", journal=" 4 ", primary=5)
    pupil2 = Pupil(10002, [1, "x", "Х", 0, 0], mark=3, journal="нет отметки", primary="1,0")
    parsed = parse_bytes("f1.xlsx", f1_xlsx([School("edu203389", "Школа", [pupil, pupil2])], tasks))
    assert parsed.problems == [], messages(parsed)
    first, second = parsed.rows
    assert first.participant_code == "10001"
    assert first.scores == [2.0, 1.0, None, None, 2.0]  # X is None, not 0
    assert (first.mark, first.journal_mark, first.primary_score) == (5, 4, 5.0)
    assert second.scores == [1.0, None, None, 0.0, 0.0]
    assert second.journal_mark is None


def test_f1_blank_trailing_rows_and_header_with_line_breaks_and_case():
    rows = f1_rows(sample_schools())
    header = rows[7]
    header[3] = "Код\nучастника"
    header[-3] = "ПЕРВИЧНЫЙ  БАЛЛ"
    header[6] = "1\n(2 б)"
    rows += [[], ["", "", ""], []]
    parsed = parse_bytes("f1.xlsx", xlsx_bytes({"Лист1": rows}))
    assert parsed.format == FORMAT_F1
    assert parsed.ok, messages(parsed)
    assert parsed.tasks[0] == TaskSpec("1", 2.0, "Б")
    assert len(parsed.rows) == 6


def test_f1_merged_title_and_group_cells():
    rows = f1_rows(sample_schools(("edu203389",)))
    data = xlsx_bytes({"Ф1": rows}, merged={"Ф1": ["A1:N1", "A2:N2", "A9:C9"]})
    parsed = parse_bytes("f1.xlsx", data)
    assert parsed.ok, messages(parsed)
    assert parsed.rows[0].school_login == "edu203389"


def test_f1_validation_errors_are_all_reported_with_place():
    pupils = [
        Pupil(10001, [3, 1, 0, 0, 0], primary=4, mark=4),  # 3 > max 2 in task 1 (G10)
        Pupil(10002, [-1, 1, 0, 0, 0], primary=0, mark=4),  # negative (G11)
        Pupil(10003, [1, "abc", 0, 0, 0], primary=1, mark=4),  # text (H12)
        Pupil(10004, [1, 1, 0, 0, 0], primary=5, mark=6, journal=7),  # sum, mark, journal
        Pupil(10001, [0, 0, 0, 0, 0], mark=2),  # duplicate code (D14)
        Pupil(10006, [0, 0, "", 0, 0], mark=2),  # empty score (I15)
    ]
    parsed = parse_bytes("f1.xlsx", f1_xlsx([School("edu203389", "Школа", pupils)]))
    found = messages(parsed, "error")
    sheet = "Лист «Индивидуальные результаты»"
    assert f"{sheet}, строка 10, столбец G: балл 3 больше максимума 2 за задание 1." in found
    assert f"{sheet}, строка 11, столбец G: отрицательный балл -1 за задание 1." in found
    assert any(m.startswith(f"{sheet}, строка 12, столбец H: «abc» — не число") for m in found)
    assert (
        f"{sheet}, строка 13, столбец L: первичный балл 5 не равен сумме баллов за задания 2."
        in found
    )
    assert f"{sheet}, строка 13, столбец M: отметка «6» вне диапазона 2–5." in found
    assert any(
        m.startswith(f"{sheet}, строка 13, столбец N: отметка по журналу «7»") for m in found
    )
    assert (
        f"{sheet}, строка 14, столбец D: код участника 10001 повторяется (впервые в строке 10)."
        in found
    )
    assert any(m.startswith(f"{sheet}, строка 15, столбец I: не указан балл") for m in found)
    assert not parsed.ok


def test_f1_formula_in_score_cell_is_an_error():
    rows = f1_rows(sample_schools(("edu203389",), 1))
    rows[9][6] = "=1+1"
    parsed = parse_bytes("f1.xlsx", xlsx_bytes({"Ф1": rows}))
    assert any("строка 10, столбец G: формула вместо значения" in m for m in messages(parsed))


def test_f1_group_count_mismatch_is_a_warning():
    school = sample_schools(("edu203389",), 2)[0]
    school.declared_count = 5
    parsed = parse_bytes("f1.xlsx", f1_xlsx([school]))
    assert parsed.ok
    assert any("указано участников: 5" in m for m in messages(parsed, "warning"))


def test_f1_missing_required_columns_are_named():
    rows = f1_rows(sample_schools())
    rows[7][-3] = "Сумма"  # no «Первичный балл»
    rows[7][-2] = "Итог"  # no «Отметка»
    parsed = parse_bytes("f1.xlsx", xlsx_bytes({"Ф1": rows}))
    errors = messages(parsed, "error")
    assert any(
        "Файл похож на форму Ф1 ФИС ОКО «Индивидуальные результаты», но в нём нет столбцов: "
        "«Первичный балл», «Отметка»" in m
        for m in errors
    ), errors
    assert parsed.refused and parsed.rows == []


def test_f1_empty_file_has_no_participants():
    parsed = parse_bytes("f1.xlsx", f1_xlsx([School("edu203389", "Школа", [])]))
    assert any("нет ни одного участника" in m for m in messages(parsed, "error"))


def test_f1_csv_cp1251_semicolon_is_detected_like_xlsx():
    data = csv_bytes(f1_rows(sample_schools()), delimiter=";", encoding="cp1251")
    parsed = parse_bytes("results.csv", data)
    assert parsed.format == FORMAT_F1
    assert parsed.ok, messages(parsed)
    assert len(parsed.rows) == 6 and parsed.rows[0].scores == [0, 1, 2, 3, 1]


def test_f1_csv_utf8_comma():
    data = csv_bytes(f1_rows(sample_schools(), title=False), delimiter=",", encoding="utf-8")
    parsed = parse_bytes("results.csv", data)
    assert parsed.format == FORMAT_F1
    assert parsed.ok, messages(parsed)


def test_problem_str_matches_the_house_format():
    from assessments.parsing import Problem

    problem = Problem("Протокол", 12, "H", "балл 3 больше максимума 2 за задание 4К1")
    assert (
        str(problem)
        == "Лист «Протокол», строка 12, столбец H: балл 3 больше максимума 2 за задание 4К1."
    )


def test_unknown_layout_gives_a_clear_error():
    parsed = parse_bytes("x.xlsx", xlsx_bytes({"Лист1": [["Фамилия", "Имя"], ["Иванов", "Иван"]]}))
    assert parsed.format == "unknown"
    (error,) = parsed.errors
    assert str(error).startswith("Не удалось определить формат файла")
    assert "ожидались" in str(error)
