"""The content of an analytic document, independent of its format: plain Python, no Django.

A report builds a `Document` — a title page, numbered sections of blocks — from the stored
figures; the PDF (WeasyPrint) and DOCX (python-docx) renderers write the same content. The
blocks:

* `Paragraph` — text written by rules from the figures (`style="note"` for a sentence
  that says what the portal does not hold);
* `Table` — a header repeated on every page and rows of text as shown;
* `Figure` — a chart of msoko.charts (the same specification as on the pages) with its
  alternative text; the data-table alternative is written under it;
* `Commentary` — a specialist's block, edited in the portal and kept across regenerations
  (filled by the renderer from the stored comments by its key).

`Document.text()` is the whole content as plain text: the content hash is taken from it,
so that two generations from the same figures hash alike whatever the date of rendering.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Block = Any  # Paragraph | Table | Figure | Commentary


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "" | "note" (data the portal does not hold) | "lead"


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    numeric_from: int = 1  # the columns from this one on are numbers, aligned right
    widths: list[int] | None = None  # relative widths of the columns


@dataclass
class Figure:
    chart: Any  # a msoko.charts chart: .title, .svg(), .table
    alt: str = ""  # alternative text; the chart's description by default

    @property
    def alt_text(self) -> str:
        return self.alt or getattr(self.chart, "description", "") or self.chart.title


@dataclass
class Commentary:
    key: str  # stable within the report kind, e.g. "vpr.math.5"
    title: str = "Комментарий специалиста"
    text: str = ""  # filled from the stored comment when rendering


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def section(self, title: str) -> Section:
        child = Section(title)
        self.sections.append(child)
        return child


@dataclass
class Document:
    kind: str
    title: str
    year: int
    municipality: str
    department: str
    subtitle: str = ""
    approval: list[str] = field(default_factory=list)  # «УТВЕРЖДАЮ» block lines
    sections: list[Section] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)  # the FiguresRun ids the figures came from
    school: str = ""

    def section(self, title: str) -> Section:
        child = Section(title)
        self.sections.append(child)
        return child

    def numbered(self) -> Iterator[tuple[str, int, Section]]:
        """(number «2.1», depth, section) in reading order."""

        def walk(sections: list[Section], prefix: str, depth: int) -> Iterator[Any]:
            for index, section in enumerate(sections, start=1):
                number = f"{prefix}{index}"
                yield number, depth, section
                yield from walk(section.sections, f"{number}.", depth + 1)

        yield from walk(self.sections, "", 1)

    def commentaries(self) -> list[Commentary]:
        return [b for _, _, s in self.numbered() for b in s.blocks if isinstance(b, Commentary)]

    def text(self) -> str:
        """The content as text, without the date of rendering: what the hash is taken of."""
        lines = [self.title, self.subtitle, self.municipality, self.department, *self.approval]
        for number, _depth, section in self.numbered():
            lines.append(f"{number}. {section.title}")
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    lines.append(block.text)
                elif isinstance(block, Table):
                    lines.append(block.caption)
                    lines.append(" | ".join(block.header))
                    lines += [" | ".join(row) for row in block.rows]
                elif isinstance(block, Figure):
                    lines.append(block.chart.title)
                    table = block.chart.table
                    lines.append(" | ".join(table.header))
                    lines += [" | ".join(row) for row in table.rows]
                elif isinstance(block, Commentary):
                    lines.append(f"[{block.key}] {block.text}")
        return "\n".join(lines)

    def sha256(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()
