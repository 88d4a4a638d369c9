"""msoko/spreadsheets.py: the safe reader every upload passes through."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bench import hostile_files as hostile
from msoko.spreadsheets import FileRejected, Limits, read_table_file


def _xlsx(rows=(("Код участника", "Балл"), (1, 2))) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Протокол"
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace=None, add=None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Copy an xlsx package, replacing or adding parts."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            content = replace.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def test_plain_xlsx_is_read_with_floats_and_empty_strings():
    (sheet,) = read_table_file("a.xlsx", _xlsx())
    assert sheet.name == "Протокол"
    assert sheet.rows == [["Код участника", "Балл"], [1.0, 2.0]]


def test_non_xlsx_upload_is_refused():
    with pytest.raises(FileRejected, match="не является книгой Excel"):
        read_table_file("отчёт.pdf", b"%PDF-1.7 some text")
    with pytest.raises(FileRejected, match="старом формате"):
        read_table_file("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(FileRejected, match="не является таблицей"):
        read_table_file("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_docx_is_not_a_table():
    data = _rezip(_xlsx(), add={"word/document.xml": "<w/>"})
    with pytest.raises(FileRejected, match="документ Word"):
        read_table_file("a.xlsx", data)


def test_corrupt_zip_is_refused():
    with pytest.raises(FileRejected, match="повреждён"):
        read_table_file("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50)
    truncated = _xlsx()[:-200]
    with pytest.raises(FileRejected, match="повреждён"):
        read_table_file("truncated.xlsx", truncated)


def test_xlsm_with_vba_project_is_refused():
    data = _rezip(_xlsx(), add={"xl/vbaProject.bin": b"\x00" * 64})
    with pytest.raises(FileRejected, match="макрос"):
        read_table_file("book.xlsm", data)


def test_macro_content_type_is_refused():
    data = _xlsx()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    with pytest.raises(FileRejected, match="макрос"):
        read_table_file("book.xlsx", _rezip(data, replace={"[Content_Types].xml": types}))


def test_zip_bomb_is_refused_by_compression_ratio():
    bomb = b"\x00" * (40 * 1024 * 1024)  # 40 MB of zeros packs into ~40 KB
    data = _rezip(_xlsx(), add={"xl/media/bomb.bin": bomb})
    assert len(data) < 200 * 1024
    with pytest.raises(FileRejected, match="zip-бомбу"):
        read_table_file("bomb.xlsx", data)


def test_zip_bomb_is_refused_by_total_unpacked_size():
    parts = {f"xl/media/p{i}.bin": bytes(range(256)) * 4096 for i in range(4)}  # 4 MB, ratio low
    data = _rezip(_xlsx(), add=parts)
    with pytest.raises(FileRejected, match="в распакованном виде"):
        read_table_file("big.xlsx", data, Limits(max_unpacked_bytes=2 * 1024 * 1024))


def test_oversize_file_is_refused():
    with pytest.raises(FileRejected, match="слишком большой"):
        read_table_file("a.xlsx", _xlsx(), Limits(max_bytes=1000))


def test_xml_entity_bomb_is_refused():
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    data = _xlsx()
    shared = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    shared = shared.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "")
    shared = shared.replace("<?xml version='1.0' encoding='UTF-8'?>", "")
    bomb = lol + shared.replace("Балл", "&lol3;")
    with pytest.raises(FileRejected, match="DOCTYPE"):
        read_table_file("bomb.xlsx", _rezip(data, replace={"xl/worksheets/sheet1.xml": bomb}))


def test_million_row_sheet_is_refused_before_loading():
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    rows = "".join(
        f'<row r="{i}"><c r="A{i}"><v>{i % 10}</v></c></row>' for i in range(1, 1_000_001)
    )
    sheet_xml = head + rows + "</sheetData></worksheet>"
    data = _rezip(_xlsx(), replace={"xl/worksheets/sheet1.xml": sheet_xml})
    with pytest.raises(FileRejected, match="строк"):
        read_table_file("million.xlsx", data)


def test_formula_cells_are_located():
    data = _xlsx(rows=(("Код", "1 (2б)", "Итого"), (1, 2, "=B2"), (2, "=1+1", "=B3")))
    (sheet,) = read_table_file("f.xlsx", data)
    assert sheet.formula_cells == {(1, 2), (2, 1), (2, 2)}
    assert sheet.has_formula(2, 1) and not sheet.has_formula(1, 1)


def test_merged_ranges_are_reported():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Группы участников"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:E1")
    out = io.BytesIO()
    wb.save(out)
    (sheet,) = read_table_file("m.xlsx", out.getvalue())
    assert sorted(sheet.merged) == [((0, 0), (1, 0)), ((0, 1), (0, 4))]


def test_csv_in_cp1251_with_semicolons_and_utf8_with_commas():
    data = "Код участника;Балл\r\n1;5,0\r\n".encode("cp1251")
    (sheet,) = read_table_file("r.csv", data)
    assert sheet.rows == [["Код участника", "Балл"], ["1", "5,0"]]
    data = "\ufeffКод участника,Балл\n1,5\n".encode()
    (sheet,) = read_table_file("r.csv", data)
    assert sheet.rows == [["Код участника", "Балл"], ["1", "5"]]


def test_csv_with_too_many_rows_is_refused():
    data = ("a;b\n" * 50).encode()
    with pytest.raises(FileRejected, match="больше 10 строк"):
        read_table_file("r.csv", data, Limits(max_rows=10))


# --- hostile workbooks (crafted with zipfile by bench/hostile_files.py) ----------------------


def _peak_mb_reading(tmp_path: Path, name: str, data: bytes) -> dict:
    """Read in a fresh process (a calamine allocation failure aborts the process)."""
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, hostile.__file__, "--read", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(hostile.__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr[-500:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_far_cells_are_refused_by_area_before_calamine_allocates(tmp_path: Path) -> None:
    data = hostile.far_cell()
    assert len(data) < 5000
    with pytest.raises(FileRejected, match="ZZ200000: 200 000 строк × 702 столбцов"):
        read_table_file("far.xlsx", data)
    result = _peak_mb_reading(tmp_path, "far.xlsx", data)  # calamine would need 4.5 GB
    assert result["verdict"] == "отклонён" and result["peak_mb"] < 200


def test_a_far_column_is_refused_by_area() -> None:
    with pytest.raises(FileRejected, match="XFD1000"):
        read_table_file("wide.xlsx", hostile.far_column())


def test_rows_out_of_order_are_counted_wherever_they_are() -> None:
    with pytest.raises(FileRejected, match="строк больше допустимых 200 000"):
        read_table_file("shuffled.xlsx", hostile.rows_out_of_order())


@pytest.mark.parametrize(
    "build",
    [hostile.cells_without_references, hostile.duplicate_reference, hostile.prefixed_far_cell],
    ids=["cells-without-r", "two-r-on-a-cell", "prefix-and-single-quotes"],
)
def test_cells_placed_as_calamine_places_them_are_bounded(build: Any) -> None:
    with pytest.raises(FileRejected, match="столбцов — больше допустимых"):
        read_table_file("odd.xlsx", build())


def test_area_limit_is_rows_times_columns() -> None:
    limits = Limits(max_cells=26 * 1000)
    (sheet,) = read_table_file("ok.xlsx", hostile.accepted(999, 26), limits)  # + header row
    assert len(sheet.rows) == 1000 and len(sheet.rows[0]) == 26
    with pytest.raises(FileRejected, match="Z1001: 1 001 строк × 26 столбцов"):
        read_table_file("big.xlsx", hostile.accepted(1000, 26), limits)


def test_a_huge_dimension_claim_is_read_cheaply(tmp_path: Path) -> None:
    (sheet,) = read_table_file("dim.xlsx", hostile.huge_dimension())
    assert sheet.rows == [[1.0, 2.0]]
    result = _peak_mb_reading(tmp_path, "dim.xlsx", hostile.huge_dimension())
    assert result["verdict"] == "принят" and result["peak_mb"] < 200  # calamine ignores it


@pytest.mark.parametrize(
    "build", [hostile.lying_crc, hostile.lying_size], ids=["crc", "declared-size"]
)
def test_a_part_that_lies_about_itself_is_refused_with_a_message(build: Any) -> None:
    with pytest.raises(FileRejected, match="не совпадает с описанием в архиве"):
        read_table_file("lie.xlsx", build())


def test_calamine_errors_become_a_message() -> None:
    data = hostile.xlsx(
        hostile.sheet('<row r="1"><c r="A1"><v>1</v></c><c r="$C$3"><v>1</v></c></row>')
    )
    with pytest.raises(FileRejected, match="не читается"):
        read_table_file("dollar.xlsx", data)


def test_binary_workbook_is_refused() -> None:
    data = hostile.xlsx(hostile.sheet(""), {"xl/workbook.bin": b"\x00" * 16})
    with pytest.raises(FileRejected, match="xlsb"):
        read_table_file("book.xlsx", data)


def test_the_area_scan_of_100k_rows_stays_cheap() -> None:
    from msoko.spreadsheets import check_zip

    data = hostile.accepted(100_000, 26)
    check_zip("big.xlsx", data, Limits())  # its time is measured by bench/hostile_files.py


def test_word_tables_are_bounded_like_sheets() -> None:
    from msoko.spreadsheets import check_zip

    with pytest.raises(FileRejected, match="больше 20 000 строк"):
        check_zip("karta.docx", hostile.docx_table(50_000), Limits(max_rows=20_000))
