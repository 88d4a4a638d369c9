"""The protocol of an identification run as people read it: rows, PDF and XLSX.

One reading of the stored protocol (`protocol_lines`) feeds the page, the PDF and the
workbook, so the three show the same numbers formatted by msoko.formatting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from msoko import formatting
from msoko.exports import xlsx_bytes
from reports.identification import OUTCOMES

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class YearCell:
    year: int
    value: str
    n: str
    cut: str
    figure: str
    met: bool | None
    note: str

    @property
    def verdict(self) -> str:
        return {True: "да", False: "нет", None: "не учитывается"}[self.met]


@dataclass
class CheckCell:
    code: str
    met: bool
    met_years: int
    need: int
    years: list[YearCell]


@dataclass
class Line:
    school_id: int
    login: str
    name: str
    outcome: str
    outcome_label: str
    met: list[str]
    score: str
    flags: list[str]
    checks: list[CheckCell] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Table rows of the line: one per criterion and year."""
        return sum(len(check.years) for check in self.checks)


def _value(raw: str | None, unit: str) -> str:
    return formatting.value(Decimal(raw), unit) if raw is not None else formatting.DASH


def protocol_lines(protocol: dict[str, Any], school_ids: Iterable[int] | None = None) -> list[Line]:
    """The protocol's lines (all, or only those of `school_ids`), formatted for reading."""
    wanted = set(school_ids) if school_ids is not None else None
    criteria = {c["code"]: c for c in protocol.get("criteria", [])}
    lines = []
    for raw in protocol.get("schools", []):
        if wanted is not None and raw["school_id"] not in wanted:
            continue
        line = Line(
            school_id=raw["school_id"],
            login=raw["login"],
            name=raw["name"],
            outcome=raw["outcome"],
            outcome_label=OUTCOMES.get(raw["outcome"], raw["outcome"]),
            met=raw["met"],
            score=formatting.trimmed(Decimal(raw["score"] or 0)),
            flags=raw["flags"],
        )
        for check in raw["checks"]:
            unit = criteria.get(check["code"], {}).get("unit", "")
            line.checks.append(
                CheckCell(
                    code=check["code"],
                    met=check["met"],
                    met_years=check["met_years"],
                    need=int(criteria.get(check["code"], {}).get("need", 1)),
                    years=[
                        YearCell(
                            year=y["year"],
                            value=_value(y["value"], unit),
                            n=formatting.integer(y["n"]),
                            cut=_value(y["cut"], "" if y.get("figure") is not None else unit),
                            figure=formatting.signed(Decimal(y["figure"]))
                            if y.get("figure") is not None
                            else "",
                            met=y["met"],
                            note=y["note"],
                        )
                        for y in check["years"]
                    ],
                )
            )
        lines.append(line)
    return lines


def _filename(run: Any, extension: str) -> str:
    return (
        f"protokol-{run.version.rule.code}-v{run.version.version}-{run.year}-{run.pk}.{extension}"
    )


class ProtocolPdf:
    """The protocol for the file: A4 landscape, repeating headers, «Стр. N из M»."""

    def __init__(self, run: Any, protocol: dict[str, Any]) -> None:
        self.run = run
        self.protocol = protocol
        self.pages = 0

    def html(self) -> str:
        lines = protocol_lines(self.protocol)
        return render_to_string(
            "reports/protocol_pdf.html",
            {
                "run": self.run,
                "protocol": self.protocol,
                "selected": [line for line in lines if line.outcome != "not_listed"],
                "lines": lines,
                "today": timezone.localdate(),
            },
        )

    def render(self) -> tuple[str, str, bytes]:
        from weasyprint import HTML

        document = HTML(string=self.html(), base_url=str(settings.BASE_DIR)).render()
        self.pages = len(document.pages)
        return _filename(self.run, "pdf"), PDF_TYPE, document.write_pdf()


class ProtocolXlsx:
    """The protocol as a workbook: the outcome per school, every check, the inputs, the rule."""

    def __init__(self, run: Any, protocol: dict[str, Any]) -> None:
        self.run = run
        self.protocol = protocol

    def render(self) -> tuple[str, str, bytes]:
        lines = protocol_lines(self.protocol)
        protocol = self.protocol
        summary = (
            [
                line.login,
                line.name,
                line.outcome_label,
                ", ".join(line.met) or formatting.DASH,
                line.score,
                ", ".join(line.flags),
            ]
            for line in lines
        )
        checks = (
            [
                line.login,
                line.name,
                check.code,
                cell.year,
                cell.value,
                cell.n,
                cell.figure,
                cell.cut,
                cell.verdict,
                cell.note,
                f"{check.met_years} из {len(check.years)} (нужно {check.need})",
            ]
            for line in lines
            for check in line.checks
            for cell in check.years
        )
        rule = protocol["rule"]
        about = [
            ["Правило", f"{rule['name']} ({rule['code']}), версия {rule['version']}"],
            ["Муниципалитет", protocol["municipality"]["name"]],
            ["Год", protocol["year"]],
            ["Сочетание критериев", protocol["method"]["combine"]],
            ["ОО с маркерами", protocol["method"]["markers"]],
            ["Поправка на контекст", protocol["method"]["context"]],
            ["SHA-256 протокола", self.run.protocol_sha256 or ""],
            *[[f"Критерий {c['code']}", c["text"]] for c in protocol["criteria"]],
            *[["Нет данных", text] for text in protocol["missing"]],
        ]
        inputs = (
            [r["id"], r["campaign"], r["procedure"], r["year"], r["code_version"]]
            for r in protocol["inputs"]["runs"]
        )
        content = xlsx_bytes(
            [
                (
                    "Итог",
                    ["Логин", "ОО", "Итог", "Выполнены критерии", "Сумма весов", "Отметки"],
                    summary,
                ),
                (
                    "Проверки",
                    [
                        "Логин",
                        "ОО",
                        "Критерий",
                        "Год",
                        "Значение",
                        "Участников",
                        "Остаток",
                        "Порог",
                        "Выполнен",
                        "Примечание",
                        "Лет выполнено",
                    ],
                    checks,
                ),
                (
                    "Исходные данные",
                    ["Расчёт №", "Кампания", "Процедура", "Год", "Версия расчёта"],
                    inputs,
                ),
                ("Правило", ["Параметр", "Значение"], about),
            ]
        )
        return _filename(self.run, "xlsx"), XLSX_TYPE, content
