"""Tables of the assessments pages; each one also drives its XLSX / CSV export.

Figures are kept as unrounded Decimals in the rows (see assessments.indicators); a
`FigureColumn` rounds them half up for display («12,3») and for the export (12.3), so
the page and the file always agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assessments.models import Campaign, EgeThreshold, MappingProfile
from msoko import formatting
from msoko.tables import BooleanMarkColumn

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class FigureColumn(tables.Column):
    """A percentage or a mean: «12,3» on the page, 12.3 in the export, «—» when unknown."""

    def __init__(self, *args: Any, places: int = 1, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("default", None)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)
        self.places = places

    def render(self, value: Any) -> str:
        return formatting.number(value, self.places)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return formatting.rounded(value, self.places)


class CountColumn(tables.Column):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)


class LabelColumn(tables.Column):
    """The row's school (linked) or level name; a small sample gets a warning badge."""

    def render(self, value: Any, record: dict[str, Any]) -> Any:
        url = record.get("url")
        text = format_html('<a href="{}">{}</a>', url, value) if url else value
        if record.get("small_sample"):
            return format_html(
                '{} <span class="badge text-bg-warning" title="Меньше 10 участников: '
                'проценты малоинформативны">мало данных</span>',
                text,
            )
        return text

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value


class CampaignTable(tables.Table):
    name = tables.Column(
        "Кампания",
        accessor="pk",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("procedure__order", "subject__order", "grade"),
    )
    procedure = tables.Column("Процедура", order_by=("procedure__order",))
    year = tables.Column("Год")
    subject = tables.Column("Предмет", order_by=("subject__order", "subject__name"))
    grade = tables.Column("Класс", attrs=NUM)
    date = tables.DateColumn(format="d.m.Y", verbose_name="Дата")
    task_count = tables.Column("Заданий", attrs=NUM)
    max_primary = tables.Column("Макс. балл", attrs=NUM)
    school_count = tables.Column("ОО с результатами", attrs=NUM)
    participants = tables.Column("Участников", attrs=NUM)
    is_locked = tables.Column("Приём")

    class Meta:
        model = Campaign
        fields = (
            "name",
            "procedure",
            "year",
            "subject",
            "grade",
            "date",
            "task_count",
            "max_primary",
            "school_count",
            "participants",
            "is_locked",
        )
        order_by = ("-year", "name")
        empty_text = "Кампаний не найдено. Измените условия поиска."

    def render_name(self, record: Campaign) -> str:
        return str(record)

    def value_name(self, record: Campaign) -> str:
        return str(record)

    def render_max_primary(self, value: Decimal) -> str:
        return formatting.trimmed(value, 1)

    def value_max_primary(self, value: Decimal | None) -> Any:
        return value

    def render_is_locked(self, value: bool) -> Any:
        if value:
            return mark_safe('<span class="badge text-bg-secondary">закрыт</span>')
        return mark_safe('<span class="badge text-bg-success">открыт</span>')

    def value_is_locked(self, value: bool) -> str:
        return "закрыт" if value else "открыт"


class SchoolFiguresTable(tables.Table):
    """A row per school (and the municipal total): the columns every figures table starts with."""

    name = LabelColumn("ОО")
    login = tables.Column("Логин", default="")

    class Meta:
        order_by = ("name",)
        empty_text = "Результатов пока нет."


class FiguresTable(SchoolFiguresTable):
    """Participants, mark shares, успеваемость, качество, means: one row per school or level."""

    participants = CountColumn("Участников")
    absent = CountColumn("Отсутств.")
    p2 = FigureColumn("«2», %")
    p3 = FigureColumn("«3», %")
    p4 = FigureColumn("«4», %")
    p5 = FigureColumn("«5», %")
    pass_rate = FigureColumn("Успеваемость, %")
    quality_rate = FigureColumn("Качество, %")
    mean_mark = FigureColumn("Ср. отметка", places=2)
    mean_primary = FigureColumn("Ср. перв. балл")
    mean_primary_percent = FigureColumn("% от макс.")
    informative = tables.Column("Выборка", default="")


class EgeTable(SchoolFiguresTable):
    """ЕГЭ: mean test score, below the minimums, the high band, 100-pointers."""

    participants = CountColumn("Участников")
    absent = CountColumn("Отсутств.")
    mean_score = FigureColumn("Ср. тестовый балл")
    below_attestat = CountColumn("Ниже мин. (аттестат)")
    below_attestat_percent = FigureColumn("Ниже мин. (аттестат), %")
    below_university = CountColumn("Ниже мин. (вуз)")
    below_university_percent = FigureColumn("Ниже мин. (вуз), %")
    high = CountColumn("81–100")
    high_percent = FigureColumn("81–100, %")
    hundred = CountColumn("Стобалльников")
    mean_primary = FigureColumn("Ср. перв. балл")
    informative = tables.Column("Выборка", default="")


class JournalTable(SchoolFiguresTable):
    """ВПР against the journal: понизили / подтвердили / повысили."""

    compared = CountColumn("Сравнено")
    lowered = CountColumn("Понизили")
    lowered_percent = FigureColumn("Понизили, %")
    confirmed = CountColumn("Подтвердили")
    confirmed_percent = FigureColumn("Подтвердили, %")
    raised = CountColumn("Повысили")
    raised_percent = FigureColumn("Повысили, %")
    gap = CountColumn("Разница ≥ 2")
    gap_percent = FigureColumn("Разница ≥ 2, %")

    class Meta(SchoolFiguresTable.Meta):
        empty_text = "Нет участников с отметкой по журналу."


class TaskTable(tables.Table):
    """Success per task for the municipality, by mark group, with ФИОКО mastery."""

    number = tables.Column("№", orderable=False)
    level = tables.Column("Уровень", default="")
    max_score = tables.Column("Макс.", attrs=NUM)
    requirement = tables.Column("Проверяемые требования (умения)", default="")
    success = FigureColumn("Выполнение, %")
    s2 = FigureColumn("гр. «2», %")
    s3 = FigureColumn("гр. «3», %")
    s4 = FigureColumn("гр. «4», %")
    s5 = FigureColumn("гр. «5», %")
    not_attempted_percent = FigureColumn("Не приступали (X), %")
    mastered = tables.Column("Освоено", default="")

    class Meta:
        empty_text = "У кампании нет перечня заданий."

    def render_max_score(self, value: float) -> str:
        return formatting.trimmed(value, 1)

    def value_max_score(self, value: float) -> float:
        return value

    def render_mastered(self, value: str) -> Any:
        if value == "нет":
            return mark_safe('<span class="badge text-bg-danger">нет</span>')
        return value


class TaskSchoolTable(tables.Table):
    """Success per task, one column per school (columns added per campaign)."""

    number = tables.Column("№", orderable=False)
    level = tables.Column("Уровень", default="", orderable=False)
    municipality = FigureColumn("Муниципалитет", orderable=False)

    class Meta:
        empty_text = "У кампании нет перечня заданий."
        orderable = False


class RequirementTable(tables.Table):
    requirement = tables.Column("Проверяемые требования (умения)")
    tasks = tables.Column("Задания")
    max_score = tables.Column("Макс.", attrs=NUM)
    success = FigureColumn("Выполнение, %")

    def render_max_score(self, value: float) -> str:
        return formatting.trimmed(value, 1)

    class Meta:
        empty_text = "В перечне заданий не указаны проверяемые требования."


class TrackerTable(tables.Table):
    """Which schools sent results, how many participants, who is missing."""

    name = LabelColumn("ОО")
    login = tables.Column("Логин")
    status = tables.Column("Состояние")
    participants = CountColumn("Участников")
    absent = CountColumn("Отсутств.")
    last_upload = tables.DateTimeColumn(
        format="d.m.Y H:i", verbose_name="Последняя загрузка", default="—"
    )

    class Meta:
        order_by = ("status", "name")
        empty_text = "Нет организаций, от которых ждут результаты."

    def render_status(self, value: str, record: dict[str, Any]) -> Any:
        css = "text-bg-success" if record.get("has_results") else "text-bg-danger"
        return format_html('<span class="badge {}">{}</span>', css, value)


class PrimaryDistributionTable(tables.Table):
    score = tables.Column("Первичный балл", attrs=NUM)
    mark = tables.Column("Отметка", attrs=NUM, default="")
    municipality = CountColumn("Муниципалитет")

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm"}


class EgeThresholdTable(tables.Table):
    year = tables.Column("Год")
    subject = tables.Column("Предмет", order_by=("subject__order", "subject__name"))
    kind = tables.Column("Вид порога")
    value = tables.Column("Минимальный балл", attrs=NUM)
    note = tables.Column("Примечание", default="")
    edit = tables.Column(
        "", accessor="pk", orderable=False, exclude_from_export=True, empty_values=()
    )

    class Meta:
        model = EgeThreshold
        fields = ("year", "subject", "kind", "value", "note")
        order_by = ("-year", "subject")
        empty_text = "Порогов нет."

    def __init__(self, *args: Any, can_edit: bool = False, **kwargs: Any) -> None:
        if not can_edit:
            kwargs.setdefault("exclude", ("edit",))
        super().__init__(*args, **kwargs)

    def render_value(self, value: Decimal) -> str:
        return formatting.trimmed(value, 1)

    def value_value(self, value: Decimal) -> Decimal:
        return value

    def render_edit(self, record: EgeThreshold) -> Any:
        from django.urls import reverse

        return format_html(
            '<a href="{}">Изменить</a>',
            reverse("assessments:threshold_update", args=[record.pk]),
        )


class MappingProfileTable(tables.Table):
    name = tables.Column("Профиль", linkify=("assessments:profile_update", {"pk": tables.A("pk")}))
    region = tables.Column("Регион")
    kind = tables.Column("Протокол")
    is_active = BooleanMarkColumn(verbose_name="Используется")
    updated_at = tables.DateTimeColumn(verbose_name="Изменён", format="j E Y, H:i")

    class Meta:
        model = MappingProfile
        fields = ("name", "region", "kind", "is_active", "updated_at")
        order_by = ("kind", "name")
        empty_text = (
            "Своих профилей пока нет: протоколы читаются по типовым профилям ЕГЭ и ОГЭ. "
            "Добавьте профиль, если заголовки протоколов вашего региона другие."
        )
