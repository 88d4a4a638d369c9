"""Benchmark: hostile workbooks and documents against the safe reader (msoko/spreadsheets.py).

    .venv/bin/python bench/hostile_files.py

One run crafts each file in memory (zipfile only: the files are what an attacker writes,
not what Excel writes), then reads each one in a fresh subprocess through the reader an
upload uses (`read_table_file` for workbooks, `roadmaps.importing.read_grids` for a road
map in Word) and prints, per file, the verdict, the time and the peak resident memory of
that subprocess (VmHWM: Rust allocations of calamine and lxml included). A refused file
must be refused with a message (never a crash: a calamine allocation failure aborts the
whole process). Targets: every refused file ≤ 200 MB, the accepted 100,000-row file
≤ 600 MB. The last line reads `peak refused N MB, peak accepted M MB`.

The builders are plain functions; tests/test_spreadsheets.py and tests/test_hostile_uploads.py
use the same ones.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN}">'
)


def package(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def xlsx(sheet_xml: str | bytes, extra: dict[str, bytes | str] | None = None) -> bytes:
    """A minimal workbook whose only sheet is `sheet_xml`."""
    return package(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet_xml,
            **(extra or {}),
        }
    )


def sheet(rows: str, head: str = "") -> str:
    return f"{SHEET_HEAD}{head}<sheetData>{rows}</sheetData></worksheet>"


def cell(ref: str, value: int) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def far_cell() -> bytes:
    """Cells A1 and ZZ200000: a few KB that make calamine allocate 4.5 GB and abort."""
    return xlsx(
        sheet(f'<row r="1">{cell("A1", 1)}</row><row r="200000">{cell("ZZ200000", 2)}</row>')
    )


def far_column() -> bytes:
    """A1 and XFD1000: 1,000 rows × 16,384 columns."""
    return xlsx(sheet(f'<row r="1">{cell("A1", 1)}</row><row r="1000">{cell("XFD1000", 2)}</row>'))


def rows_out_of_order(count: int = 300_000) -> bytes:
    """300,000 rows whose last one is row 1: the last `<row r=…>` says nothing."""
    order = [*range(2, count + 1), 1]
    return xlsx(sheet("".join(f'<row r="{r}">{cell(f"A{r}", r % 10)}</row>' for r in order)))


def huge_dimension() -> bytes:
    """A `<dimension>` that claims the whole Excel grid over two cells: read, and cheaply."""
    return xlsx(
        sheet(
            f'<row r="1">{cell("A1", 1)}{cell("B1", 2)}</row>',
            head='<dimension ref="A1:XFD1048576"/>',
        )
    )


def cells_without_references() -> bytes:
    """A row of 1,000 cells without `r` (each right of the previous), then row 10,000."""
    wide = "<c><v>1</v></c>" * 1000
    return xlsx(sheet(f'<row r="1">{wide}</row><row r="10000">{cell("A10000", 1)}</row>'))


def duplicate_reference() -> bytes:
    """`<c r="A1"r="ZZ200000">`: calamine takes the last reference."""
    return xlsx(sheet('<row r="1"><c r="A1"r="ZZ200000"><v>1</v></c></row>'))


def prefixed_far_cell() -> bytes:
    """The far cell written with a namespace prefix and single quotes."""
    body = (
        f"<x:worksheet xmlns:x='{MAIN}'><x:sheetData><x:row r='1'><x:c r='A1'><x:v>1</x:v></x:c>"
        "</x:row><x:row r='200000'><x:c r='ZZ200000'><x:v>2</x:v></x:c></x:row></x:sheetData>"
        "</x:worksheet>"
    )
    return xlsx(body)


def accepted(rows: int = 100_000, columns: int = 26) -> bytes:
    """A plain sheet of `rows` × `columns` numbers with a header: it must be read."""
    letters = [chr(ord("A") + i) for i in range(columns)]
    head = "".join(f'<c r="{c}1" t="inlineStr"><is><t>Задание {c}</t></is></c>' for c in letters)
    body = [f'<row r="1">{head}</row>']
    for r in range(2, rows + 2):
        body.append(
            f'<row r="{r}">'
            + "".join(f'<c r="{c}{r}"><v>{r % 7}</v></c>' for c in letters)
            + "</row>"
        )
    return xlsx(sheet("".join(body)))


def zip_bomb() -> bytes:
    """40 MB of zeros packed into ~40 KB."""
    return package(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet(f'<row r="1">{cell("A1", 1)}</row>'),
            "xl/media/bomb.bin": b"\x00" * (40 * 1024 * 1024),
        }
    )


def _patch_member(
    data: bytes, name: str, *, crc: int | None = None, size: int | None = None
) -> bytes:
    """Rewrite what the local header and the central directory declare for one part."""
    raw = bytearray(data)
    encoded = name.encode()
    local = raw.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack("<H", raw[local + 26 : local + 28])[0]
        if raw[local + 30 : local + 30 + name_length] == encoded:
            if crc is not None:
                raw[local + 14 : local + 18] = struct.pack("<I", crc)
            if size is not None:
                raw[local + 22 : local + 26] = struct.pack("<I", size)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack("<H", raw[central + 28 : central + 30])[0]
        if raw[central + 46 : central + 46 + name_length] == encoded:
            if crc is not None:
                raw[central + 16 : central + 20] = struct.pack("<I", crc)
            if size is not None:
                raw[central + 24 : central + 28] = struct.pack("<I", size)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def lying_crc() -> bytes:
    """A correct workbook whose sheet declares a wrong checksum."""
    return _patch_member(accepted(50, 5), "xl/worksheets/sheet1.xml", crc=0x12345678)


def lying_size() -> bytes:
    """A 30 MB sheet that declares 2 KB: past the ratio check, inflated by trusting readers."""
    rows = "".join(f'<row r="{r}">{cell(f"A{r}", 1)}</row>' for r in range(1, 600_001))
    return _patch_member(xlsx(sheet(rows)), "xl/worksheets/sheet1.xml", size=2048)


def entity_bomb() -> bytes:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    body = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    return xlsx(lol + body)


def xlsm() -> bytes:
    return xlsx(sheet(f'<row r="1">{cell("A1", 1)}</row>'), {"xl/vbaProject.bin": b"\x00" * 64})


def random_bytes() -> bytes:
    return bytes((i * 7919 + 13) % 256 for i in range(4096))


DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_table(rows: int, *, merged_deadline: bool = True, merge_every: int = 5) -> bytes:
    """A road map in Word: header, then `rows` numbered tasks, «Сроки» merged down over
    blocks of `merge_every` rows (python-docx walks a merged block back to its top for
    every row: quadratic in the block's height)."""

    def tc(text: str, merge: str = "") -> str:
        pr = f'<w:tcPr><w:vMerge w:val="{merge}"/></w:tcPr>' if merge == "restart" else ""
        pr = "<w:tcPr><w:vMerge/></w:tcPr>" if merge == "continue" else pr
        return f"<w:tc>{pr}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    header = "".join(
        tc(t) for t in ("№ п/п", "Мероприятие", "Сроки", "Ответственные", "Индикативные показатели")
    )
    body = [f"<w:tr>{header}</w:tr>"]
    for i in range(1, rows + 1):
        first = (i - 1) % merge_every == 0
        merge = ("restart" if first else "continue") if merged_deadline else ""
        deadline = "ежегодно, декабрь" if merge != "continue" else ""
        body.append(
            "<w:tr>"
            + tc(str(i))
            + tc(f"Мероприятие {i}")
            + tc(deadline, merge)
            + tc("Отдел образования")
            + tc("Отчёт")
            + "</w:tr>"
        )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
        f"<w:body><w:tbl>{''.join(body)}</w:tbl></w:body></w:document>"
    )
    return package(
        {"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": DOCX_RELS, "word/document.xml": document}
    )


# name → (builder, upload name, refused?)
FILES: dict[str, tuple[Callable[[], bytes], str, bool]] = {
    "A1 + ZZ200000": (far_cell, "far-cell.xlsx", True),
    "A1 + XFD1000": (far_column, "far-column.xlsx", True),
    "300 000 строк не по порядку": (rows_out_of_order, "out-of-order.xlsx", True),
    "ячейки без r": (cells_without_references, "no-refs.xlsx", True),
    "два r у ячейки": (duplicate_reference, "dup-ref.xlsx", True),
    "префикс x: и апострофы": (prefixed_far_cell, "prefixed.xlsx", True),
    "zip-бомба 40 МБ": (zip_bomb, "bomb.xlsx", True),
    "ложная CRC": (lying_crc, "crc.xlsx", True),
    "ложный размер (30 МБ как 2 КБ)": (lying_size, "size.xlsx", True),
    "DOCTYPE-бомба": (entity_bomb, "lol.xlsx", True),
    ".xlsm с vbaProject.bin": (xlsm, "macro.xlsm", True),
    "случайные байты .xlsx": (random_bytes, "random.xlsx", True),
    "docx 50 000 строк": (lambda: docx_table(50_000, merged_deadline=False), "karta.docx", True),
    "dimension A1:XFD1048576": (huge_dimension, "dimension.xlsx", False),
    # «Сроки» merged over blocks of 500 rows: python-docx alone took 3 minutes on this.
    "docx 10 000 строк (принимается)": (
        lambda: docx_table(10_000, merge_every=500),
        "karta-10k.docx",
        False,
    ),
    "100 000 × 26 (принимается)": (accepted, "big.xlsx", False),
}


def read_one(path: Path) -> dict[str, object]:
    """Runs in the subprocess: read the file as an upload would, report verdict and memory."""
    sys.path.insert(0, str(ROOT))
    from msoko.spreadsheets import FileRejected, read_table_file

    data = path.read_bytes()
    started = time.perf_counter()
    try:
        if path.suffix == ".docx":
            from roadmaps.importing import read_grids

            cells = sum(len(row) for grid in read_grids(path.name, data) for row in grid.rows)
        else:
            cells = sum(len(row) for s in read_table_file(path.name, data) for row in s.rows)
        verdict, message = "принят", f"{cells:,} ячеек".replace(",", " ")
    except FileRejected as exc:
        verdict, message = "отклонён", str(exc)
    seconds = time.perf_counter() - started
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
    return {"verdict": verdict, "message": message, "seconds": seconds, "peak_mb": peak_kb / 1024}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--read":
        print(json.dumps(read_one(Path(sys.argv[2])), ensure_ascii=False))
        return
    peaks = {True: 0.0, False: 0.0}
    with tempfile.TemporaryDirectory(prefix="msoko-hostile-") as tmp:
        for title, (build, name, refused) in FILES.items():
            path = Path(tmp) / name
            path.write_bytes(build())
            done = subprocess.run(
                [sys.executable, __file__, "--read", str(path)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if done.returncode != 0:
                print(f"{title:32} ПРОЦЕСС УПАЛ (код {done.returncode}): {done.stderr[-300:]}")
                peaks[refused] = float("inf")
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            expected = "отклонён" if refused else "принят"
            mark = "" if result["verdict"] == expected else f"  ← ожидалось: {expected}"
            peaks[refused] = max(peaks[refused], result["peak_mb"])
            print(
                f"{title:32} {path.stat().st_size / 1024:9.1f} КБ  {result['verdict']:8} "
                f"{result['seconds']:6.2f} с  {result['peak_mb']:6.0f} МБ  "
                f"{str(result['message'])[:90]}{mark}"
            )
    print(f"peak refused {peaks[True]:.0f} MB, peak accepted {peaks[False]:.0f} MB")


if __name__ == "__main__":
    main()
