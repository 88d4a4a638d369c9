"""РЦОИ ЕГЭ / ОГЭ protocols through column-mapping profiles; names are dropped."""

from assessments.parsing import DEFAULT_PROFILES, FORMAT_EGE, FORMAT_OGE, MappingProfile
from tests.assessments.builders import (
    ExamRow,
    csv_bytes,
    messages,
    parse_bytes,
    rcoi_rows,
    rcoi_xlsx,
)

# Layout with names: A Код ОО, B Класс, C-F names/document, G Код участника, H Код предмета,
# I Вариант, J краткие, K развернутые, L Первичный, M Тестовый / Оценка. Header at row 1.


def test_ege_protocol_parsed_and_names_never_reach_the_output():
    rows = [
        ExamRow(5001, short="++-+", long="1(1)2(3)"),
        ExamRow(5002, short="+X-+", long="0(1)X(3)"),
    ]
    parsed = parse_bytes("протокол.xlsx", rcoi_xlsx(rows))
    assert parsed.format == FORMAT_EGE
    assert parsed.procedure == "ЕГЭ" and parsed.subject == "Русский язык"
    assert parsed.ok, messages(parsed)
    assert [(t.number, t.max_score) for t in parsed.tasks] == [
        ("1", 1),
        ("2", 1),
        ("3", 1),
        ("4", 1),
        ("5", 1),
        ("6", 3),
    ]
    first, second = parsed.rows
    assert first.scores == [1, 1, 0, 1, 1, 2] and first.primary_score == 6
    assert first.test_score == 70 and first.school_code == "100001" and first.subject_code == "01"
    assert second.scores == [1, None, 0, 1, 0, None]
    (notice,) = parsed.notices
    assert str(notice) == (
        "Лист «Протокол ЕГЭ»: столбцы с персональными данными не импортированы: "
        "Фамилия, Имя, Отчество, Документ."
    )
    dumped = repr(parsed)
    for personal in ("Иванов", "Иван", "Иванович", "4510 123456"):
        assert personal not in dumped


def test_oge_protocol_with_marks():
    rows = [ExamRow(1, mark=5), ExamRow(2, mark="2"), ExamRow(3, mark=7)]
    parsed = parse_bytes("oge.xlsx", rcoi_xlsx(rows, kind="oge", sheet="ОГЭ"))
    assert parsed.format == FORMAT_OGE and parsed.procedure == "ОГЭ"
    assert [r.mark for r in parsed.rows] == [5, 2, None]
    assert messages(parsed, "error") == [
        "Лист «ОГЭ», строка 4, столбец M: оценка «7» вне диапазона 2–5."
    ]


def test_synonym_headers_pick_the_profile():
    rows = rcoi_rows(
        [ExamRow(1)],
        headers={"code": "Номер участника", "school_code": "Код школы", "last": "Тестовый балл"},
        with_names=False,
    )
    parsed = parse_bytes("p.xlsx", rcoi_rows_xlsx(rows))
    assert parsed.format == FORMAT_EGE and parsed.ok
    assert parsed.rows[0].participant_code == "1" and parsed.rows[0].school_code == "100001"


def rcoi_rows_xlsx(rows):
    from tests.assessments.builders import xlsx_bytes

    return xlsx_bytes({"Лист1": rows})


def test_custom_region_profile():
    profile = MappingProfile(
        name="Республика N, ЕГЭ",
        region="Республика N",
        kind="ege",
        columns={
            "participant_code": ["ID"],
            "short_answers": ["Часть А"],
            "primary_score": ["ПБ"],
            "test_score": ["ТБ"],
        },
        required=("participant_code", "test_score"),
    )
    rows = [["ID", "ФИО", "Часть А", "ПБ", "ТБ"], ["77", "Петров П.П.", "+-+", 2, 40]]
    parsed = parse_bytes("p.xlsx", rcoi_rows_xlsx(rows), profiles=[*DEFAULT_PROFILES, profile])
    assert parsed.profile == "Республика N, ЕГЭ"
    assert parsed.rows[0].scores == [1, 0, 1] and parsed.rows[0].test_score == 40
    assert "Петров" not in repr(parsed)
    assert any("ФИО" in m for m in messages(parsed, "notice"))


def test_rcoi_validation_errors():
    rows = [
        ExamRow(1, short="+a-", primary=1),  # J2 bad symbol
        ExamRow(2, long="1(1)5(3)"),  # K3 above max
        ExamRow(3, test_score=120),  # M4
        ExamRow(1),  # G5 duplicate
        ExamRow(5, primary=99),  # L6 warning: sum differs
    ]
    parsed = parse_bytes("p.xlsx", rcoi_xlsx(rows, sheet="П"))
    errors = messages(parsed, "error")
    assert any(
        m.startswith("Лист «П», строка 2, столбец J: недопустимый символ «a»") for m in errors
    )
    assert any(
        m.startswith("Лист «П», строка 3, столбец K: балл 5 больше максимума 3") for m in errors
    )
    assert "Лист «П», строка 4, столбец M: тестовый балл 120 вне диапазона 0–100." in errors
    assert any(
        m.startswith("Лист «П», строка 5, столбец G: код участника 1 повторяется") for m in errors
    )
    assert any(
        m.startswith("Лист «П», строка 6, столбец L: первичный балл 99")
        for m in messages(parsed, "warning")
    )


def test_rcoi_csv_cp1251_with_names_dropped():
    data = csv_bytes(rcoi_rows([ExamRow(1), ExamRow(2)], title="Протокол ЕГЭ 2026"))
    parsed = parse_bytes("ege.csv", data)
    assert parsed.format == FORMAT_EGE and parsed.year == 2026
    assert parsed.ok and len(parsed.rows) == 2
    assert "Иванов" not in repr(parsed)
