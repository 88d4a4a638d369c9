"""«Отчёт о выполнении дорожной карты»: the year's work on the municipality's road maps.

Per road map in force in the year (approved, or archived after its period): by direction
(a section of the map), its tasks with a deadline in the year, those deadlines
(occurrences) done / in progress / overdue / cancelled and the share done, a chart of the
share done by direction, the overdue list, the evidence filed (names of files and links,
with their dates; never file contents) and conclusions written by rules. The anti-risk
programmes of the «500+» project are road maps too; they are summarised in their own
section, a line per school.

Everything is read through the road-map querysets restricted to the reader
(`for_user`); a build from the command line (no user) reads as a specialist of the
municipality would. «Просрочено» is computed as the pages compute it (due before the day
of generation and neither done nor cancelled), so the text names no date: the date of
generation is on the title page. The figures here are counts of road-map rows, not
FiguresRun figures, so `Document.inputs` stays empty.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from msoko import formatting
from msoko.charts import HBarChart, Series
from reports.documents.blocks import Commentary, Document, Figure, Paragraph, Section, Table
from reports.documents.catalogue import NoData, Params, Report, report
from roadmaps.choices import OccurrenceStatus, RoadmapStatus
from roadmaps.models import Evidence, Occurrence, RiskProgramme, Roadmap
from roadmaps.selectors import Progress, progress_of

#: A direction with a smaller share done is named as lagging in the conclusions.
LAGGING_PERCENT = 50
#: The overdue list and the evidence list of one road map are cut at this many lines.
LIST_LIMIT = 200


def percent_done(progress: Progress) -> str:
    """The share done as the road-map pages show it (a whole percent), «—» without deadlines."""
    return formatting.percent(progress.percent, 0) if progress.total else formatting.DASH


def count(value: int) -> str:
    return formatting.integer(value)


def date(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%d.%m.%Y}"


@dataclass
class DirectionRow:
    title: str
    tasks: int
    progress: Progress
    cancelled: int


@dataclass
class MapFigures:
    roadmap: Roadmap
    directions: list[DirectionRow] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)
    cancelled: int = 0
    tasks: int = 0
    overdue: list[Occurrence] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    done_without_evidence: int = 0


def roadmaps_in(user: Any, municipality: Any, year: int) -> QuerySet[Roadmap]:
    """Road maps of the municipality in force in the year: approved, or archived after
    their period (a draft was never in force)."""
    return (
        Roadmap.objects.for_user(user)
        .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
        .filter(start_year__lte=year, end_year__gte=year)
        .exclude(status=RoadmapStatus.DRAFT)
        .order_by("start_year", "title", "pk")
    )


def map_figures(user: Any, roadmap: Roadmap, year: int, today: datetime.date) -> MapFigures:
    occurrences = Occurrence.objects.for_user(user).filter(task__roadmap=roadmap, due__year=year)
    figures = MapFigures(roadmap, progress=progress_of(occurrences, today))
    rows = list(
        occurrences.select_related("task", "task__section", "school").order_by(
            "task__section__order",
            "task__section__pk",
            "task__sort_key",
            "due",
            "school__short_name",
        )
    )
    by_section: dict[int, list[Occurrence]] = defaultdict(list)
    for row in rows:
        by_section[row.task.section_id].append(row)
    for section in roadmap.sections.order_by("order", "pk"):
        items = by_section.get(section.pk)
        if not items:
            continue
        ids = [o.pk for o in items]
        figures.directions.append(
            DirectionRow(
                title=section.title,
                tasks=len({o.task_id for o in items}),
                progress=progress_of(Occurrence.objects.filter(pk__in=ids), today),
                cancelled=sum(o.status == OccurrenceStatus.CANCELLED for o in items),
            )
        )
    figures.cancelled = sum(o.status == OccurrenceStatus.CANCELLED for o in rows)
    figures.tasks = len({o.task_id for o in rows})
    figures.overdue = [o for o in rows if o.overdue_on(today)]
    figures.evidence = list(
        Evidence.objects.for_user(user)
        .filter(occurrence__in=[o.pk for o in rows])
        .select_related("occurrence", "occurrence__task", "occurrence__school")
        .order_by("occurrence__task__sort_key", "occurrence__due", "created_at", "pk")
    )
    with_evidence = {e.occurrence_id for e in figures.evidence}
    figures.done_without_evidence = sum(
        o.status == OccurrenceStatus.DONE and o.pk not in with_evidence for o in rows
    )
    return figures


def task_label(occurrence: Occurrence) -> str:
    title = occurrence.task.title.strip()
    if len(title) > 120:
        title = title[:117].rstrip() + "…"
    return f"{occurrence.task.number}. {title}"


def school_label(occurrence: Occurrence) -> str:
    school = occurrence.school
    return school.short_name if school is not None else "отдел образования"


def conclusions(figures: MapFigures, year: int) -> list[str]:
    """The rule-based findings of one road map."""
    progress = figures.progress
    lines = []
    if not progress.total:
        lines.append(
            f"В {year} г. все сроки мероприятий этой дорожной карты отменены."
            if figures.cancelled
            else f"В {year} г. сроков мероприятий этой дорожной карты нет."
        )
        return lines
    lines.append(
        f"Выполнено {count(progress.done)} из {count(progress.total)} сроков мероприятий "
        f"{year} г. ({percent_done(progress)}); в работе — {count(progress.in_progress)}, "
        f"просрочено — {count(progress.overdue)}."
    )
    complete = [
        d.title
        for d in figures.directions
        if d.progress.total and d.progress.done == d.progress.total
    ]
    if complete:
        lines.append("Полностью выполнены мероприятия направлений: " + "; ".join(complete) + ".")
    lagging = [
        f"{d.title} ({percent_done(d.progress)})"
        for d in figures.directions
        if d.progress.total and d.progress.percent < LAGGING_PERCENT
    ]
    if lagging:
        lines.append(
            f"Выполнено менее {LAGGING_PERCENT} % сроков по направлениям: "
            + "; ".join(lagging)
            + "."
        )
    if progress.overdue:
        worst = max(figures.directions, key=lambda d: d.progress.overdue)
        lines.append(
            f"Больше всего просроченных сроков — по направлению «{worst.title}» "
            f"({count(worst.progress.overdue)} из {count(progress.overdue)})."
        )
    else:
        lines.append("Просроченных мероприятий нет.")
    if figures.done_without_evidence:
        lines.append(
            f"К {count(figures.done_without_evidence)} из {count(progress.done)} выполненных "
            "сроков подтверждения выполнения не приложены."
        )
    elif progress.done:
        lines.append("Ко всем выполненным срокам приложены подтверждения выполнения.")
    if figures.cancelled:
        lines.append(f"Отменено сроков: {count(figures.cancelled)}.")
    return lines


def direction_table(figures: MapFigures, year: int) -> Table:
    rows = [
        [
            d.title,
            count(d.tasks),
            count(d.progress.total),
            count(d.progress.done),
            count(d.progress.in_progress),
            count(d.progress.overdue),
            count(d.cancelled),
            percent_done(d.progress),
        ]
        for d in figures.directions
    ]
    p = figures.progress
    rows.append(
        [
            "Итого",
            count(figures.tasks),
            count(p.total),
            count(p.done),
            count(p.in_progress),
            count(p.overdue),
            count(figures.cancelled),
            percent_done(p),
        ]
    )
    return Table(
        caption=f"Выполнение мероприятий {year} г. по направлениям",
        header=[
            "Направление",
            "Мероприятий",
            f"Сроков в {year} г.",
            "Выполнено",
            "В работе",
            "Просрочено",
            "Отменено",
            "Выполнено, %",
        ],
        rows=rows,
        widths=[34, 10, 10, 10, 9, 10, 9, 10],
    )


def direction_chart(figures: MapFigures, year: int) -> Figure | None:
    counted = [d for d in figures.directions if d.progress.total]
    if not counted:
        return None
    chart = HBarChart(
        title=f"Доля выполненных сроков {year} г. по направлениям, %",
        categories=tuple(d.title for d in counted),
        series=Series("Выполнено, %", tuple(Decimal(d.progress.percent) for d in counted)),
        unit="%",
        places=0,
        maximum=100,
        reference=Decimal(figures.progress.percent),
        reference_label="По дорожной карте в целом",
        description=(
            f"Доля выполненных сроков мероприятий {year} г. по каждому направлению "
            "дорожной карты; вертикальная линия — доля по дорожной карте в целом."
        ),
    )
    return Figure(chart)


def overdue_table(figures: MapFigures) -> Table:
    return Table(
        caption="Просроченные мероприятия",
        header=["Мероприятие", "Период", "Исполнитель", "Срок", "Статус"],
        rows=[
            [task_label(o), o.label, school_label(o), date(o.due), o.get_status_display()]
            for o in figures.overdue[:LIST_LIMIT]
        ],
        numeric_from=5,
        widths=[46, 14, 20, 10, 10],
    )


def evidence_table(figures: MapFigures) -> Table:
    return Table(
        caption="Подтверждения выполнения",
        header=["Мероприятие", "Период", "Исполнитель", "Подтверждение", "Добавлено"],
        rows=[
            [
                task_label(e.occurrence),
                e.occurrence.label,
                school_label(e.occurrence),
                (f"файл «{e.original_name}»" if e.file or e.original_name else f"ссылка {e.link}"),
                date(e.created_at),
            ]
            for e in figures.evidence[:LIST_LIMIT]
        ],
        numeric_from=5,
        widths=[36, 12, 16, 26, 10],
    )


def cut_note(shown: int, total: int, what: str) -> Paragraph | None:
    if total <= shown:
        return None
    return Paragraph(
        f"Показаны первые {count(shown)} из {count(total)} {what}; полный список — "
        "в разделе «Дорожные карты» портала.",
        style="note",
    )


@dataclass
class ProgrammeRow:
    school: str
    risks: int
    measures: int
    progress: Progress
    roadmap_id: int


def programme_rows(user: Any, year: int, today: datetime.date) -> list[ProgrammeRow]:
    """The anti-risk programmes in force in the year, a row per school: its risks (the
    programme's sections), measures, and the year's deadlines done and overdue."""
    rows = []
    programmes = (
        RiskProgramme.objects.for_user(user)
        .filter(roadmap__start_year__lte=year, roadmap__end_year__gte=year)
        .exclude(roadmap__status=RoadmapStatus.DRAFT)
        .select_related("school", "roadmap")
        .order_by("school__short_name", "pk")
    )
    for programme in programmes:
        occurrences = Occurrence.objects.for_user(user).filter(
            task__roadmap_id=programme.roadmap_id, due__year=year
        )
        rows.append(
            ProgrammeRow(
                school=programme.school.short_name,
                risks=programme.roadmap.sections.count(),
                measures=programme.roadmap.tasks.count(),
                progress=progress_of(occurrences, today),
                roadmap_id=programme.roadmap_id,
            )
        )
    return rows


@report
class RoadmapReport(Report):
    kind = "roadmap"
    title = "Отчёт о выполнении дорожной карты"
    description = (
        "Выполнение мероприятий дорожных карт муниципалитета за год по направлениям: "
        "выполнено, в работе, просрочено, подтверждения; антирисковые программы «500+»."
    )
    order = 60

    def build(self, params: Params) -> Document:
        year = params.year
        user = params.reader
        today = timezone.localdate()
        programmes = programme_rows(user, year, today)
        programme_maps = {row.roadmap_id for row in programmes}
        maps = [
            m
            for m in roadmaps_in(user, params.municipality, year).filter(
                risk_programme__isnull=True
            )
            if m.pk not in programme_maps
        ]
        if not maps and not programmes:
            raise NoData(
                f"За {year} г. нет ни одной утверждённой дорожной карты, период которой "
                f"включает {year} г.: отчёт о выполнении составить не из чего."
            )
        document = self.document(params)
        figures = [map_figures(user, m, year, today) for m in maps]
        self._summary(document, figures, programmes, year)
        for item in figures:
            self._roadmap(document.section(f"Дорожная карта «{item.roadmap.title}»"), item, year)
        self._programmes(document, programmes, year)
        return document

    # --- sections ----------------------------------------------------------------------
    def _summary(
        self,
        document: Document,
        figures: list[MapFigures],
        programmes: list[ProgrammeRow],
        year: int,
    ) -> None:
        section = document.section("Общие сведения")
        section.add(
            Paragraph(
                f"В отчёте — выполнение мероприятий со сроками в {year} г. по дорожным картам "
                "муниципалитета, действующим в этом году. Каждый срок мероприятия (для "
                "мероприятий с ответственными ОО — срок каждой ОО) учитывается отдельно; "
                "отменённые сроки в расчёт доли выполнения не входят. «Просрочено» — срок "
                "истёк, а мероприятие не выполнено и не отменено, на дату формирования "
                "документа."
            )
        )
        if figures:
            section.add(
                Table(
                    caption=f"Дорожные карты, действующие в {year} г.",
                    header=[
                        "Дорожная карта",
                        "Утверждена",
                        "Период",
                        "Мероприятий",
                        "Сроков",
                        "Выполнено",
                        "Просрочено",
                        "Выполнено, %",
                    ],
                    rows=[
                        [
                            f.roadmap.title,
                            f.roadmap.act if (f.roadmap.act_date or f.roadmap.act_number) else "—",
                            f.roadmap.period,
                            count(f.tasks),
                            count(f.progress.total),
                            count(f.progress.done),
                            count(f.progress.overdue),
                            percent_done(f.progress),
                        ]
                        for f in figures
                    ],
                    numeric_from=3,
                    widths=[34, 16, 9, 9, 8, 8, 8, 8],
                )
            )
            total = sum(f.progress.total for f in figures)
            done = sum(f.progress.done for f in figures)
            overdue = sum(f.progress.overdue for f in figures)
            if total:
                share = formatting.percent(Decimal(100 * done) / Decimal(total), 0)
                section.add(
                    Paragraph(
                        f"Всего по дорожным картам муниципалитета в {year} г. выполнено "
                        f"{count(done)} из {count(total)} сроков мероприятий ({share}), "
                        f"просрочено — {count(overdue)}."
                    )
                )
        else:
            section.add(
                Paragraph(
                    f"Муниципальных дорожных карт, действующих в {year} г., в портале нет; "
                    "в отчёте — только антирисковые программы ОО.",
                    style="note",
                )
            )
        if programmes:
            section.add(
                Paragraph(
                    f"Антирисковые программы (проект «500+») в {year} г. действуют в "
                    f"{count(len(programmes))} ОО; они показаны в отдельном разделе."
                )
            )
        section.add(Commentary("roadmap.summary", "Общий вывод"))

    def _roadmap(self, section: Section, figures: MapFigures, year: int) -> None:
        roadmap = figures.roadmap
        about = [f"Период действия: {roadmap.period}"]
        if roadmap.act_date or roadmap.act_number:
            about.append(
                f"утверждена: {roadmap.act}"
                + (f", {roadmap.act_issuer}" if roadmap.act_issuer else "")
            )
        about.append(f"состояние: {roadmap.get_status_display().lower()}")
        section.add(Paragraph("; ".join(about) + "."))
        if not figures.directions:
            section.add(
                Paragraph(
                    f"Сроков мероприятий в {year} г. у этой дорожной карты нет.", style="note"
                )
            )
            section.add(Commentary(f"roadmap.map.{roadmap.pk}"))
            return
        by_direction = section.section("Выполнение по направлениям")
        by_direction.add(direction_table(figures, year))
        chart = direction_chart(figures, year)
        if chart is not None:
            by_direction.add(chart)
        late = section.section("Просроченные мероприятия")
        if figures.overdue:
            late.add(overdue_table(figures))
            note = cut_note(LIST_LIMIT, len(figures.overdue), "просроченных сроков")
            if note:
                late.add(note)
        else:
            late.add(Paragraph(f"Просроченных мероприятий со сроком в {year} г. нет."))
        proof = section.section("Подтверждения выполнения")
        if figures.evidence:
            proof.add(
                Paragraph(
                    f"Приложено подтверждений: {count(len(figures.evidence))} (названия файлов "
                    "и ссылки; сами документы хранятся в портале)."
                ),
                evidence_table(figures),
            )
            note = cut_note(LIST_LIMIT, len(figures.evidence), "подтверждений")
            if note:
                proof.add(note)
        else:
            proof.add(Paragraph(f"К срокам {year} г. подтверждения выполнения не приложены."))
        findings = section.section("Выводы")
        findings.add(*(Paragraph(line) for line in conclusions(figures, year)))
        findings.add(Commentary(f"roadmap.map.{roadmap.pk}"))

    def _programmes(self, document: Document, programmes: list[ProgrammeRow], year: int) -> None:
        section = document.section("Антирисковые программы ОО (проект «500+»)")
        if not programmes:
            section.add(
                Paragraph(
                    f"Антирисковых программ ОО, действующих в {year} г., в портале нет.",
                    style="note",
                )
            )
            section.add(Commentary("roadmap.risks"))
            return
        rows = [
            [
                p.school,
                count(p.risks),
                count(p.measures),
                count(p.progress.total),
                count(p.progress.done),
                count(p.progress.overdue),
                percent_done(p.progress),
            ]
            for p in programmes
        ]
        total = Progress(
            total=sum(p.progress.total for p in programmes),
            done=sum(p.progress.done for p in programmes),
            overdue=sum(p.progress.overdue for p in programmes),
            in_progress=sum(p.progress.in_progress for p in programmes),
        )
        rows.append(
            [
                "Итого",
                count(sum(p.risks for p in programmes)),
                count(sum(p.measures for p in programmes)),
                count(total.total),
                count(total.done),
                count(total.overdue),
                percent_done(total),
            ]
        )
        section.add(
            Paragraph(
                "Антирисковая программа ОО — дорожная карта с разделом на каждый выбранный "
                "риск риск-профиля; её мероприятия и сроки учитываются так же, как в "
                "дорожных картах муниципалитета."
            ),
            Table(
                caption=f"Выполнение антирисковых программ в {year} г.",
                header=[
                    "ОО",
                    "Рисков",
                    "Мероприятий",
                    f"Сроков в {year} г.",
                    "Выполнено",
                    "Просрочено",
                    "Выполнено, %",
                ],
                rows=rows,
                widths=[34, 10, 12, 12, 11, 11, 10],
            ),
        )
        if total.total:
            section.add(
                Paragraph(
                    f"По антирисковым программам в {year} г. выполнено {count(total.done)} из "
                    f"{count(total.total)} сроков мероприятий ({percent_done(total)}), "
                    f"просрочено — {count(total.overdue)}."
                )
            )
            late = [p.school for p in programmes if p.progress.overdue]
            if late:
                section.add(
                    Paragraph("Просроченные мероприятия есть в ОО: " + ", ".join(late) + ".")
                )
            idle = [p.school for p in programmes if p.progress.total and not p.progress.done]
            if idle:
                section.add(
                    Paragraph("Ни одного срока не выполнено в ОО: " + ", ".join(idle) + ".")
                )
        section.add(Commentary("roadmap.risks"))
