"""Safe reading of uploaded spreadsheets and documents.

Every file a user uploads (registry, results, road maps, evidence) passes through here
before any parser sees it. The checks are cheap and run on the raw bytes:

* size limit, and the file must really be what its kind says (a zip for xlsx / docx);
* zip bombs: the declared unpacked size, the number of parts and the per-member
  compression ratio are bounded, and every part is unpacked by our own streaming inflate,
  which stops at the declared size and checks the CRC: a part whose declared size or
  checksum lies is refused before any other reader (python-calamine's zip, python-docx)
  trusts the declaration;
* macros (.xlsm / vbaProject.bin) and binary or mixed packages (.xlsb, .ods inside) are refused;
* XML entity bombs: no XML part may carry a DOCTYPE (Office never writes one), and the
  small package parts are parsed with defusedxml;
* the cell area of each sheet (rows × columns up to the farthest cell, wherever in the
  XML it is and in whatever order rows come) is bounded before calamine allocates its
  dense grid, and so is the number of rows of a Word document's tables;
* formula cells are located, so a parser can refuse a formula where a value must be typed.

Cells are read by python-calamine (about 9x faster than openpyxl on large sheets). This
module has no Django imports: limits are passed in by the caller.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from xml.parsers import expat

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from python_calamine import CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls / .doc, and encrypted xlsx

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MACRO_CONTENT_TYPES = ("macroEnabled", "vbaProject")

# Errors a zip reader raises for a part whose bytes do not match its declaration.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, struct.error, ValueError)

_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]{1,3})(\d+)"[^>]*?>\s*<(?:\w+:)?f[\s>/]')
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z]")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SMALL_PART = 8 * 1024 * 1024  # package descriptions parsed into a tree: far above real ones

# The area gate (see _AreaScan). Fast path: a cell start tag that is not `<c r="…` (a cell
# without a reference, or written oddly), a cell of an element with a namespace prefix.
_CELL_WITHOUT_REF = re.compile(rb'<c(?! r=")[ >/]')
_PREFIXED_CELL = re.compile(rb":c[ >/]")
_ODD_BYTES = (b"'", b"\t", b"\n", b"\r")  # single-quoted or tab/newline-separated attributes
_REF_VALUE = re.compile(rb'(?<=[ "])r *= *"([^"]*)"')
_REF_PARTS = re.compile(r"([A-Za-z]*)(\d+)")
_TABLE_ROW = re.compile(rb"<(?:[\w.-]+:)?tr[\s>/]")
_TABLE_CELL = re.compile(rb"<(?:[\w.-]+:)?tc[\s>/]")


class FileRejected(Exception):
    """An uploaded file that cannot be read safely; the message is for the user, in Russian."""


@dataclass(frozen=True)
class Limits:
    """Bounds for one upload. The defaults suit a year of ВПР for a large municipality.

    `max_cells` bounds a sheet's area: rows × columns from A1 to its farthest cell, which is
    what calamine allocates (32 bytes a cell) whatever the number of filled cells; 4,000,000
    is 100,000 rows × 40 columns, about 130 MB of grid. `max_rows` bounds the rows of a
    sheet, of a CSV and of all tables of a Word document.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_unpacked_bytes: int = 600 * 1024 * 1024
    max_ratio: int = 200
    max_rows: int = 200_000
    max_cells: int = 4_000_000
    max_parts: int = 10_000


@dataclass
class Sheet:
    """One sheet as a grid of plain values; row 0 is the sheet's first row (Excel row 1)."""

    name: str
    rows: list[list[Any]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def cell(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""

    def has_formula(self, row: int, col: int) -> bool:
        return (row, col) in self.formula_cells


def column_letter(col: int) -> str:
    """0-based column index to Excel letters: 0 → A, 27 → AB."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters to a 0-based index: A → 0, AB → 27."""
    value = 0
    for ch in letters:
        value = value * 26 + (ord(ch) - ord("A") + 1)
    return value - 1


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) to the name a user sees: (4, 1) → B5."""
    return f"{column_letter(col)}{row + 1}"


def refuse_size(filename: str, size: int | None, max_bytes: int) -> None:
    """Refuse a file by its declared size, before anything reads or stores it (upload forms)."""
    if size is not None and size > max_bytes:
        raise FileRejected(
            f"Файл «{filename}» слишком большой: {size / (1024 * 1024):.1f} МБ "
            f"при допустимых {max_bytes // (1024 * 1024)} МБ. Разделите его на части."
        )


def sniff_kind(filename: str, data: bytes) -> str:
    """Tell xlsx / docx / csv apart by content, using the name only to pick among text kinds."""
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise FileRejected(f"Файл «{filename}» повреждён: это не читаемый архив xlsx.") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        raise FileRejected(f"Файл «{filename}» — архив, но не книга Excel и не документ Word.")
    if data.startswith(OLE_MAGIC):
        raise FileRejected(
            f"Файл «{filename}» в старом формате .xls/.doc или защищён паролем. "
            "Сохраните его как .xlsx (или .docx) без пароля и загрузите снова."
        )
    if b"\x00" in data[:4096]:
        raise FileRejected(f"Файл «{filename}» не является таблицей: ожидается .xlsx или .csv.")
    return "csv"


# ----------------------------------------------------------------------- the package


def _corrupt(filename: str, part: str = "") -> FileRejected:
    where = (
        f": часть «{part}» не совпадает с описанием в архиве (размер или контрольная сумма)"
        if part
        else ""
    )
    return FileRejected(
        f"Файл «{filename}» повреждён{where}. Откройте его в Excel или Word, сохраните заново "
        "и загрузите снова."
    )


def _directory_size(data: bytes) -> int | None:
    """The size of the zip's central directory, read the way zipfile finds it (or None)."""
    tail = data[-(65535 + 22) :]
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return None
    size: int = struct.unpack("<I", tail[end + 12 : end + 16])[0]
    locator = end - 20
    if size == 0xFFFFFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        offset = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
        record = data[offset : offset + 56]
        if record[:4] == b"PK\x06\x06":
            size = struct.unpack("<Q", record[40:48])[0]
    return size


def _member_chunks(filename: str, data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The unpacked bytes of one part, in 1 MB chunks, trusting nothing the archive declares.

    Our own inflate reads the part's compressed bytes and stops as soon as the output
    passes the declared size; the stream must end exactly there, with the declared CRC.
    A part that lies about its size (a zip bomb that passed the ratio check) is refused
    after at most its declared size plus one chunk, before any other reader opens it.
    """
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise _corrupt(filename, info.filename)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    packed = memoryview(data)[start : start + info.compress_size]
    if len(packed) < info.compress_size:
        raise _corrupt(filename, info.filename)
    produced = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _corrupt(filename, info.filename)
        for offset in range(0, len(packed), 1 << 20):
            chunk = bytes(packed[offset : offset + (1 << 20)])
            crc = zlib.crc32(chunk, crc)
            yield chunk
    else:
        inflate = zlib.decompressobj(-15)
        offset = 0
        pending: bytes | memoryview = b""
        while not inflate.eof:
            if not pending:
                if offset >= len(packed):
                    raise _corrupt(filename, info.filename)  # the stream ends early
                pending = packed[offset : offset + (1 << 18)]
                offset += 1 << 18
            try:
                chunk = inflate.decompress(pending, 1 << 20)
            except zlib.error as exc:
                raise _corrupt(filename, info.filename) from exc
            pending = inflate.unconsumed_tail
            produced += len(chunk)
            if produced > info.file_size:
                raise _corrupt(filename, info.filename)
            if chunk:
                crc = zlib.crc32(chunk, crc)
                yield chunk
        if produced != info.file_size:
            raise _corrupt(filename, info.filename)
    if crc != info.CRC:
        raise _corrupt(filename, info.filename)


def _read_part(filename: str, data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A small package part (content types, workbook, relationships), verified."""
    if info.file_size > _SMALL_PART:
        raise FileRejected(
            f"Файл «{filename}» отклонён: служебная часть «{info.filename}» занимает "
            f"{info.file_size // (1024 * 1024)} МБ, в файлах Excel и Word она во много раз меньше."
        )
    return b"".join(_member_chunks(filename, data, info))


def _refuse_doctype(filename: str, info: zipfile.ZipInfo, head: bytes) -> None:
    first_element = _FIRST_ELEMENT.search(head)
    prolog = head[: first_element.start()] if first_element else head
    if _DOCTYPE.search(prolog) or (first_element is None and len(head) == 1 << 16):
        raise FileRejected(
            f"Файл «{filename}» отклонён: часть «{info.filename}» содержит объявление "
            "DOCTYPE/ENTITY, которого нет в файлах Excel и Word (защита от XML-бомб)."
        )


@dataclass
class _Package:
    """What the checks learnt of a package: its kind and, for a workbook, its sheets' parts."""

    kind: str  # "xlsx", "docx" or "" for any other zip (evidence: odt, ods)
    sheets: dict[str, str] = field(default_factory=dict)


def check_zip(filename: str, data: bytes, limits: Limits) -> None:
    """Refuse oversize files, zip bombs, lying parts, macros, XML with DOCTYPE declarations,
    sheets whose area and Word tables whose rows exceed the limits."""
    _check_package(filename, data, limits)


def _check_package(filename: str, data: bytes, limits: Limits) -> _Package:
    if len(data) > limits.max_bytes:
        raise FileRejected(
            f"Файл «{filename}» слишком большой: {len(data) // (1024 * 1024)} МБ "
            f"при допустимых {limits.max_bytes // (1024 * 1024)} МБ."
        )
    directory = _directory_size(data)
    if directory is not None and directory > limits.max_parts * 400:
        raise FileRejected(
            f"Файл «{filename}» отклонён: оглавление архива занимает {directory // 1024} КБ — "
            f"так много частей (больше {limits.max_parts}) в файлах Excel и Word не бывает."
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        raise FileRejected(f"Файл «{filename}» повреждён: архив не читается.") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_parts:
            raise FileRejected(
                f"Файл «{filename}» отклонён: в архиве {len(infos)} частей "
                f"(допустимо {limits.max_parts})."
            )
        _check_declarations(filename, infos, limits)
        by_name = {info.filename: info for info in infos}
        types = by_name.get("[Content_Types].xml")
        if types is None:
            raise FileRejected(f"Файл «{filename}» повреждён: нет описания содержимого.")
        content_types = _read_part(filename, data, types)
        if any(marker.encode() in content_types for marker in MACRO_CONTENT_TYPES):
            raise FileRejected(
                f"Файл «{filename}» — книга с макросами (.xlsm). Сохраните её как .xlsx."
            )
        package = _Package("docx" if "word/document.xml" in by_name else "")
        if "xl/workbook.xml" in by_name or "xl/workbook.bin" in by_name:
            package.kind = "xlsx"
            _refuse_foreign_parts(filename, by_name)
        _scan_parts(filename, data, infos, package, limits)
        try:
            DET.fromstring(content_types)
        except (DefusedXmlException, DET.ParseError) as exc:
            raise FileRejected(f"Файл «{filename}» повреждён: {exc}.") from exc
        if package.kind == "xlsx":
            package.sheets = _sheet_paths(filename, data, by_name)
            _scan_sheets(filename, data, infos, package, limits)
    return package


def _check_declarations(filename: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise FileRejected(
                f"Файл «{filename}» отклонён: часть «{info.filename}» сжата в {ratio:.0f} раз "
                f"(допустимо не более {limits.max_ratio}). Похоже на «zip-бомбу»."
            )
        if info.filename.lower().endswith("vbaproject.bin"):
            raise FileRejected(
                f"Файл «{filename}» содержит макросы. Сохраните книгу как .xlsx без макросов."
            )
        if info.flag_bits & 0x1:
            raise FileRejected(
                f"Файл «{filename}» защищён паролем. Снимите пароль, сохраните файл и загрузите снова."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRejected(
                f"Файл «{filename}» отклонён: часть «{info.filename}» сжата способом, которого "
                "Excel и Word не используют. Сохраните файл заново в Excel или Word."
            )
    if total > limits.max_unpacked_bytes:
        raise FileRejected(
            f"Файл «{filename}» отклонён: в распакованном виде он занимает "
            f"{total // (1024 * 1024)} МБ (допустимо {limits.max_unpacked_bytes // (1024 * 1024)} МБ)."
        )


def _refuse_foreign_parts(filename: str, by_name: dict[str, zipfile.ZipInfo]) -> None:
    """calamine picks a reader by what it finds: only plain xlsx parts are checked here."""
    if "xl/workbook.bin" in by_name or any(
        name.lower().endswith(".bin") and name.lower().startswith("xl/worksheets/")
        for name in by_name
    ):
        raise FileRejected(
            f"Файл «{filename}» — двоичная книга Excel (.xlsb). Сохраните её как .xlsx "
            "(«Книга Excel») и загрузите снова."
        )
    if "content.xml" in by_name or "mimetype" in by_name:
        raise FileRejected(
            f"Файл «{filename}» содержит части книги OpenDocument (.ods) внутри книги Excel. "
            "Сохраните его как .xlsx и загрузите снова."
        )


def _sheet_paths(filename: str, data: bytes, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Map sheet names to their XML part inside the package."""
    try:
        workbook = DET.fromstring(_read_part(filename, data, by_name["xl/workbook.xml"]))
        rels = DET.fromstring(_read_part(filename, data, by_name["xl/_rels/workbook.xml.rels"]))
    except (KeyError, DefusedXmlException, DET.ParseError) as exc:
        raise FileRejected(f"Файл «{filename}» повреждён: не читается список листов.") from exc
    targets = {}
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = target
    paths = {}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        rid = sheet.get(f"{{{REL_NS}}}id")
        if rid not in targets:
            continue
        target = targets[rid]
        normal = posixpath.normpath(target)
        if target in by_name or normal in by_name:
            paths[sheet.get("name", "")] = target if target in by_name else normal
    return paths


_NOT_CELL_PARTS = (
    "[content_types].xml",
    "docprops/",
    "customxml/",
    "xl/workbook.xml",
    "xl/sharedstrings",
    "xl/styles",
    "xl/theme/",
    "xl/drawings/",
    "xl/charts/",
    "xl/media/",
    "xl/comments",
    "xl/threadedcomments/",
    "xl/persons/",
)


def _scan_parts(
    filename: str, data: bytes, infos: list[zipfile.ZipInfo], package: _Package, limits: Limits
) -> None:
    """Unpack and verify every part except a workbook's cell parts (`_scan_sheets` does those);
    refuse DOCTYPE declarations; count the rows of a document's tables."""
    for info in infos:
        if package.kind == "xlsx" and _holds_cells(info.filename):
            continue
        chunks = _member_chunks(filename, data, info)
        if info.filename.endswith((".xml", ".rels", ".vml")):
            chunks = _with_head_check(filename, info, chunks)
        if package.kind == "docx" and info.filename == "word/document.xml":
            _count_table_rows(filename, chunks, limits)
            continue
        for _chunk in chunks:
            pass


def _holds_cells(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(".xml") and not lowered.startswith(_NOT_CELL_PARTS)


def _with_head_check(
    filename: str, info: zipfile.ZipInfo, chunks: Iterator[bytes]
) -> Iterator[bytes]:
    first = True
    for chunk in chunks:
        if first:
            _refuse_doctype(filename, info, chunk[: 1 << 16])
            first = False
        yield chunk


def _scan_sheets(
    filename: str, data: bytes, infos: list[zipfile.ZipInfo], package: _Package, limits: Limits
) -> None:
    """The area gate for every part of a workbook that may hold cells (every sheet, and any
    other XML part calamine could be pointed to), before calamine allocates anything."""
    names = {path: name for name, path in package.sheets.items()}
    for info in infos:
        if not _holds_cells(info.filename):
            continue
        sheet = names.get(info.filename, info.filename)
        scan = _AreaScan(filename, sheet, limits)

        def chunks(info: zipfile.ZipInfo = info) -> Iterator[bytes]:
            return _with_head_check(filename, info, _member_chunks(filename, data, info))

        if not scan.fast(chunks()):
            scan.exact(chunks())


def _count_table_rows(filename: str, chunks: Iterable[bytes], limits: Limits) -> None:
    """Refuse a Word document whose tables hold more rows (or cells) than a sheet may,
    counting `<w:tr>` / `<w:tc>` in the stream, before python-docx builds its tree."""
    rows = cells = 0
    for segment in _tag_segments(chunks):
        rows += len(_TABLE_ROW.findall(segment))
        cells += len(_TABLE_CELL.findall(segment))
        if rows > limits.max_rows:
            raise FileRejected(
                f"Таблицы документа «{filename}» содержат больше {limits.max_rows:,} строк. "
                "Разделите документ на части и загрузите их по очереди.".replace(",", " ")
            )
        if cells > limits.max_cells:
            raise FileRejected(
                f"Таблицы документа «{filename}» содержат больше {limits.max_cells:,} ячеек. "
                "Разделите документ на части и загрузите их по очереди.".replace(",", " ")
            )


def _tag_segments(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Chunks cut before their last `<`, so that no start tag is split between two."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk if carry else chunk
        cut = buffer.rfind(b"<")
        if cut <= 0 or len(buffer) - cut > 1 << 20:
            carry = b""
            yield buffer
        else:
            carry = buffer[cut:]
            yield buffer[:cut]
    if carry:
        yield carry


# ----------------------------------------------------------------------- the area gate


@lru_cache(maxsize=256)
def _beyond(columns: int, rows: int) -> re.Pattern[bytes]:
    """A reference (`r="…"`) to a column after `columns` or a row after `rows`, or one
    written in a way the fast scan does not read (lower case, leading zero, `$`, empty).

    Every cell is a hit of the literal `r`, so what follows is built to fail in a few steps
    on an ordinary reference: the digit count first, then the digits only when it is equal.
    """
    if columns == 0:
        wider = "[A-Za-z]"
    else:
        letters = column_letter(columns - 1)
        options = [f"[A-Z]{{{len(letters) + 1}}}"]
        for i, ch in enumerate(letters):
            if ch != "Z":
                rest = f"[A-Z]{{{len(letters) - i - 1}}}" if len(letters) - i - 1 else ""
                options.append(f"{letters[:i]}[{chr(ord(ch) + 1)}-Z]{rest}")
        wider = "(?:" + "|".join(options) + ")"
    digits = str(rows)
    # At least as many digits (the lookahead), then more digits, or as many and greater.
    options = [rf"\d{{{len(digits) + 1}}}"]
    options += [f"{digits[:i]}[{int(ch) + 1}-9]" for i, ch in enumerate(digits) if ch != "9"]
    lower = rf"(?=\d{{{len(digits)}}})(?:" + "|".join(options) + ")"
    pattern = rf'r(?<=[ "]r) {{0,8}}= {{0,8}}"(?:{wider}|[A-Z]*+(?:[^A-Z1-9]|{lower}))'
    return re.compile(pattern.encode())


class _AreaScan:
    """Where calamine will put the farthest cell of one sheet part, and the gate on it.

    calamine places a cell at its `r` reference (the last one, if an element carries two)
    or, without one, right of the previous cell of the row; a row without `r` follows the
    previous row. It then allocates rows × columns from A1 to the farthest cell, 32 bytes
    each, however few cells are filled: cells A1 and ZZ200000 make 4.5 GB. Rows may come in
    any order, so the last row says nothing.

    The fast scan reads the XML as Excel, LibreOffice and openpyxl write it: every cell
    starts `<c r="…"`, attributes in double quotes, no namespace prefix. There, positions
    are exactly the references, and one search per chunk looks only for a reference beyond
    the area seen so far (hits are rare: the first chunk, a wider row); the chunk is then
    read exactly and the pattern moves on. Anything else (a cell without reference, a
    prefix, single quotes, tabs or newlines inside tags) sends the part to `exact`, an expat
    pass that follows calamine's placement rules: slower, but as safe.
    """

    def __init__(self, filename: str, sheet: str, limits: Limits) -> None:
        self.filename = filename
        self.sheet = sheet
        self.limits = limits
        self.rows = 0  # the farthest row seen, counted from 1
        self.columns = 0  # the farthest column seen, counted from 1

    def _pattern(self) -> re.Pattern[bytes]:
        allowed = min(self.limits.max_rows, self.limits.max_cells // max(self.columns, 1))
        return _beyond(self.columns, max(allowed, self.rows, 1))

    def fast(self, chunks: Iterator[bytes]) -> bool:
        """One pass; False when the part is written in a way only `exact` reads right."""
        pattern = self._pattern()
        tail = b""
        first = True
        for chunk in chunks:
            if first:
                chunk = _without_prolog(chunk)
                first = False
            if any(odd in chunk for odd in _ODD_BYTES):
                return False
            buffer = tail + chunk
            # A tag cut at the end of the chunk is seen whole in the next (tail of 64 bytes).
            if not self._fast_chunk(buffer, len(buffer) - 16, pattern):
                return False
            pattern = self._pattern()
            tail = buffer[-64:]
        return self._fast_chunk(tail, len(tail), pattern)

    def _fast_chunk(self, buffer: bytes, end: int, pattern: re.Pattern[bytes]) -> bool:
        for odd in (_CELL_WITHOUT_REF, _PREFIXED_CELL):
            found = odd.search(buffer)
            if found is not None and found.start() < end:
                return False
        if b"         " in buffer:
            return False
        found = pattern.search(buffer)
        return found is None or self._read_references(buffer)

    def _read_references(self, buffer: bytes) -> bool:
        for match in _REF_VALUE.finditer(buffer):
            parts = _REF_PARTS.fullmatch(match.group(1).decode("latin-1"))
            if parts is None:
                return False
            self._place(*parts.groups())
        self._check()
        return True

    def _place(self, letters: str, digits: str) -> None:
        row = int(digits) if len(digits) <= 9 else 10**9
        self.rows = max(self.rows, row)
        if letters:
            column = column_index(letters.upper()) + 1 if len(letters) <= 6 else 10**9
            self.columns = max(self.columns, column)

    def exact(self, chunks: Iterator[bytes]) -> None:
        """Follow calamine's placement over the whole part with expat (no tree is built)."""
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        position = [0, 0]  # the next cell's row (from 0) and column (from 0)

        def start(name: str, attributes: dict[str, str]) -> None:
            local = name.rpartition(":")[2]
            reference = attributes.get("r")
            if local == "row" and reference is not None:
                if not reference.isdigit():
                    raise self._unreadable(reference)
                position[0] = int(reference) - 1 if len(reference) <= 9 else 10**9
                self.rows = max(self.rows, position[0] + 1)
            elif local == "c":
                if reference is not None:
                    parts = _REF_PARTS.fullmatch(reference)
                    if parts is None:
                        raise self._unreadable(reference)
                    self._place(*parts.groups())
                    position[1] = column_index(parts.group(1).upper()) if parts.group(1) else 0
                else:
                    self.rows = max(self.rows, position[0] + 1)
                    self.columns = max(self.columns, position[1] + 1)
                position[1] += 1

        def end(name: str) -> None:
            if name.rpartition(":")[2] == "row":
                position[0] += 1
                position[1] = 0

        def no_entities(*_args: Any) -> None:
            raise self._unreadable("<!ENTITY>")

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.EntityDeclHandler = no_entities
        try:
            for chunk in chunks:
                parser.Parse(chunk, False)
                self._check()
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise FileRejected(
                f"Лист «{self.sheet}» файла «{self.filename}» повреждён: {exc}."
            ) from exc
        self._check()

    def _unreadable(self, reference: str) -> FileRejected:
        return FileRejected(
            f"Лист «{self.sheet}» файла «{self.filename}» повреждён: ссылка на ячейку "
            f"«{reference[:20]}» не читается."
        )

    def _check(self) -> None:
        limits = self.limits
        if self.rows > limits.max_rows:
            raise FileRejected(
                f"Лист «{self.sheet}» файла «{self.filename}»: строк больше допустимых "
                f"{limits.max_rows:,} (встречена строка {self.rows:,}). Разделите файл "
                "на части.".replace(",", " ")
            )
        if self.rows * self.columns > limits.max_cells:
            corner = cell_name(self.rows - 1, self.columns - 1) if self.columns < 10**6 else "…"
            raise FileRejected(
                f"Лист «{self.sheet}» файла «{self.filename}» занят до ячейки {corner}: "
                f"{self.rows:,} строк × {self.columns:,} столбцов — больше допустимых "
                f"{limits.max_cells:,} ячеек. Удалите лишние строки и столбцы (они могут быть "
                "пустыми, но отформатированными) или разделите файл.".replace(",", " ")
            )


def _without_prolog(chunk: bytes) -> bytes:
    """The first chunk without its `<?xml …?>` declaration and the line breaks after it."""
    start = chunk.find(b"<?xml")
    if 0 <= start <= 3:
        end = chunk.find(b"?>", start)
        if end > 0:
            return chunk[end + 2 :].lstrip(b" \t\r\n")
    return chunk


# ----------------------------------------------------------------------- reading


def _formula_cells(zf: zipfile.ZipFile, path: str) -> set[tuple[int, int]]:
    """(row, col) of every cell holding a formula; the pattern runs only on chunks with <f>."""
    formulas: set[tuple[int, int]] = set()
    tail = b""
    with zf.open(path) as member:
        while chunk := member.read(1 << 20):
            window = tail + chunk
            if b"<f" in window or b":f" in window:
                for match in _FORMULA_CELL.finditer(window):
                    formulas.add((int(match.group(2)) - 1, column_index(match.group(1).decode())))
            tail = chunk[-512:]
    return formulas


def _merged(filename: str, name: str, ranges: Any, limits: Limits) -> list[Any]:
    merged = list(ranges or [])
    area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for (r0, c0), (r1, c1) in merged)
    if len(merged) > 10_000 or area > limits.max_cells:
        raise FileRejected(
            f"Лист «{name}» файла «{filename}» содержит {len(merged)} объединённых областей "
            f"на {area:,} ячеек — больше, чем бывает в таблице. Снимите лишние объединения.".replace(
                ",", " "
            )
        )
    return merged


def read_xlsx(filename: str, data: bytes, limits: Limits | None = None) -> list[Sheet]:
    """Check and read every worksheet of an xlsx file into grids of plain values.

    Every gate runs first (one streaming pass over each part); the formula scan then runs
    in a thread while calamine loads the sheets (calamine releases the GIL), so it costs no
    wall time.
    """
    limits = limits or Limits()
    package = _check_package(filename, data, limits)
    paths = package.sheets
    with zipfile.ZipFile(io.BytesIO(data)) as archive, ThreadPoolExecutor(max_workers=1) as pool:
        formulas = pool.submit(
            lambda: {name: _formula_cells(archive, path) for name, path in paths.items()}
        )
        grids = []
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            for meta in workbook.sheets_metadata:
                if meta.name not in paths:
                    continue  # chart sheets and dialog sheets carry no data
                calamine_sheet = workbook.get_sheet_by_name(meta.name)
                merged = _merged(filename, meta.name, calamine_sheet.merged_cell_ranges, limits)
                rows = calamine_sheet.to_python(skip_empty_area=False)
                grids.append((meta.name, rows, merged))
            workbook.close()
        except FileRejected:
            raise
        except Exception as exc:  # calamine raises its own error kinds for broken parts
            raise FileRejected(f"Файл «{filename}» повреждён и не читается: {exc}") from exc
        try:
            found = formulas.result()
        except ZIP_ERRORS as exc:
            raise _corrupt(filename) from exc
    return [Sheet(name, rows, found[name], merged) for name, rows, merged in grids]


def decode_text(filename: str, data: bytes) -> str:
    """Decode a CSV in UTF-8 (with or without BOM) or, failing that, in cp1251."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(
        f"Файл «{filename}»: неизвестная кодировка (ожидается UTF-8 или Windows-1251)."
    )


def read_csv(filename: str, data: bytes, limits: Limits | None = None) -> list[Sheet]:
    """Read a CSV separated by `;` or `,` into one sheet named after the file."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise FileRejected(f"Файл «{filename}» слишком большой.")
    text = decode_text(filename, data)
    head = "\n".join(text.split("\n", 20)[:20])  # titles may precede the header
    delimiter = ";" if head.count(";") >= head.count(",") else ","
    rows: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(list(row))
        if len(rows) > limits.max_rows:
            raise FileRejected(
                f"Файл «{filename}» содержит больше {limits.max_rows} строк. Разделите файл."
            )
    return [Sheet(filename, rows)]


def read_table_file(filename: str, data: bytes, limits: Limits | None = None) -> list[Sheet]:
    """Read an uploaded xlsx or csv after all safety checks; refuse anything else."""
    kind = sniff_kind(filename, data)
    if kind == "xlsx":
        return read_xlsx(filename, data, limits)
    if kind == "csv":
        if not filename.lower().endswith((".csv", ".txt")):
            raise FileRejected(
                f"Файл «{filename}» не является книгой Excel (.xlsx). Загрузите файл .xlsx или .csv."
            )
        return read_csv(filename, data, limits)
    raise FileRejected(f"Файл «{filename}» — документ Word, а ожидается таблица .xlsx или .csv.")


def iter_nonblank_rows(sheet: Sheet, start: int = 0) -> Iterator[tuple[int, list[Any]]]:
    """Yield (row index, row) for rows that hold at least one non-empty cell."""
    for index in range(start, len(sheet.rows)):
        row = sheet.rows[index]
        if any(clean_text(value) for value in row):
            yield index, row


def clean_text(value: Any) -> str:
    """A cell as trimmed text with non-breaking spaces folded; floats like 5.0 become '5'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).replace("\xa0", " ").split())
