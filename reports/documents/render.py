"""The two shapes of a document: PDF (WeasyPrint, tagged, A4) and DOCX (python-docx).

Both write the same `Document`: a title page with the approval block, contents, numbered
sections, tables with a header repeated on every page, charts with their alternative text
and data table, the specialists' commentaries, and «Стр. N из M». The DOCX draws each chart
from the same SVG as the PDF (rendered once to a PDF page and rasterised by pdftoppm), so a
picture in Word is the picture on the page.
"""

from __future__ import annotations

import base64
import io
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Table
from reports.documents.narrative import typeset

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _widths(table: Table) -> list[str]:
    """The columns' shares of the width in per cent: as given, else the text columns three
    times the numbers' (a fixed layout: WeasyPrint's automatic one is slow)."""
    count = len(table.header)
    weights = table.widths or [3 if i < table.numeric_from else 1 for i in range(count)]
    total = sum(weights[:count]) or 1
    return [f"{w * 100 / total:.2f}" for w in weights[:count]]


def _items(document: Document) -> list[dict[str, Any]]:
    """The sections in reading order with their blocks, typeset, for the template."""
    items = []
    for number, depth, section in document.numbered():
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append(
                    {"type": "paragraph", "text": typeset(block.text), "style": block.style}
                )
            elif isinstance(block, Table):
                blocks.append({"type": "table", "table": block, "widths": _widths(block)})
            elif isinstance(block, Figure):
                blocks.append(
                    {
                        "type": "figure",
                        "chart": block.chart,
                        "alt": block.alt_text,
                        "table": block.chart.table,
                        # an image, so that the tagged PDF gives the figure its /Alt text
                        "src": "data:image/svg+xml;base64,"
                        + base64.b64encode(str(block.chart.svg()).encode("utf-8")).decode("ascii"),
                    }
                )
            elif isinstance(block, Commentary):
                blocks.append({"type": "commentary", "block": block})
        items.append(
            {
                "number": number,
                "depth": min(depth, 3),
                "title": section.title,
                "blocks": blocks,
                "anchor": "s" + number.replace(".", "-"),
            }
        )
    return items


def pdf_html(document: Document, *, generated: str) -> str:
    return render_to_string(
        "reports/documents/document.html",
        {"doc": document, "items": _items(document), "generated": generated},
    )


def render_pdf(document: Document, *, generated: str) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    rendered = HTML(
        string=pdf_html(document, generated=generated), base_url=str(settings.BASE_DIR)
    ).render(pdf_tags=True)
    return rendered.write_pdf(pdf_tags=True), len(rendered.pages)


# --- DOCX ----------------------------------------------------------------------------------


def chart_pngs(charts: list[Any], *, dpi: int = 150) -> list[bytes]:
    """Each chart's SVG drawn as a PNG: one PDF page per chart, rasterised by pdftoppm."""
    if not charts:
        return []
    from weasyprint import HTML

    pages = "".join(
        f'<section style="page: c{i}; width:{c.width}px">{c.svg()}</section>'
        f"<style>@page c{i} {{ size: {c.width}px {getattr(c, 'height', 280) + 8}px; margin: 0 }}</style>"
        for i, c in enumerate(charts)
    )
    html = (
        '<html lang="ru"><head><meta charset="utf-8"><style>'
        'body { margin: 0; font-family: "DejaVu Sans", sans-serif; } '
        "section { break-after: page; }</style></head><body>" + pages + "</body></html>"
    )
    data = HTML(string=html).write_pdf()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "charts.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(source), str(Path(folder) / "c")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        files = sorted(Path(folder).glob("c-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [f.read_bytes() for f in files]


def _page_number_field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(docx: Any, header: list[str], rows: list[list[str]], numeric_from: int = 1) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = docx.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=False)):
            cell.text = text
            if index >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def render_docx(document: Document, *, generated: str) -> bytes:
    """The same content as native Word: headings, tables, pictures, page numbers."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT  # noqa: F401  (portrait A4)
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    docx = Docx()
    section = docx.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    style = docx.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    docx.core_properties.title = f"{document.title} — {document.year}"
    docx.core_properties.language = "ru-RU"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Стр. ")
    _page_number_field(footer, "PAGE")
    footer.add_run(" из ")
    _page_number_field(footer, "NUMPAGES")

    approval = docx.add_paragraph("\n".join(document.approval))
    approval.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for text in (document.municipality, document.department):
        docx.add_paragraph(typeset(text)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = docx.add_heading(typeset(document.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (document.school, document.subtitle):
        if text:
            docx.add_paragraph(typeset(text)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx.add_paragraph(
        f"Сформировано в портале МСОКО: {generated}"
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    docx.add_heading("Содержание", level=1)
    contents = docx.add_paragraph()
    _page_number_field(contents, 'TOC \\o "1-3" \\h \\z \\u')
    docx.add_paragraph(
        "Оглавление обновляется в Word: правой кнопкой — «Обновить поле».", style=None
    ).runs[0].italic = True
    docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    charts = [b.chart for _, _, s in document.numbered() for b in s.blocks if isinstance(b, Figure)]
    pictures = iter(chart_pngs(charts))
    for number, depth, part in document.numbered():
        docx.add_heading(f"{number}. {typeset(part.title)}", level=min(depth, 3))
        for block in part.blocks:
            if isinstance(block, Paragraph):
                paragraph = docx.add_paragraph(typeset(block.text))
                if block.style == "note":
                    for run in paragraph.runs:
                        run.italic = True
            elif isinstance(block, Table):
                docx.add_paragraph(typeset(block.caption)).runs[0].bold = True
                _table(docx, block.header, block.rows, block.numeric_from)
            elif isinstance(block, Figure):
                docx.add_paragraph(typeset(block.chart.title)).runs[0].bold = True
                picture = docx.add_picture(io.BytesIO(next(pictures)), width=Cm(16))
                docx_pr = picture._inline.docPr
                docx_pr.set("descr", block.alt_text)
                docx_pr.set("title", block.chart.title)
                table = block.chart.table
                _table(docx, list(table.header), table.rows)
            elif isinstance(block, Commentary):
                docx.add_paragraph(block.title).runs[0].bold = True
                docx.add_paragraph(typeset(block.text) if block.text else "(комментарий не внесён)")
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
