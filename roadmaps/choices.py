"""Choices of the road-map app: statuses, indicator kinds, the nine cycle elements."""

from __future__ import annotations

from django.db import models


class ActKind(models.TextChoices):
    ORDER = "prikaz", "приказ"
    RESOLUTION = "postanovlenie", "постановление"
    DIRECTIVE = "rasporyazhenie", "распоряжение"


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", "Проект"
    APPROVED = "approved", "Утверждена"
    ARCHIVED = "archived", "В архиве"


class IndicatorKind(models.TextChoices):
    """How completion of a task is proven (индикативный показатель)."""

    DOCUMENT = "document", "Наличие документа"
    NUMBER = "number", "Числовое значение"
    NONE = "none", "Не задан"


class Comparison(models.TextChoices):
    GTE = "gte", "не менее"
    LTE = "lte", "не более"
    EQ = "eq", "равно"


class OccurrenceStatus(models.TextChoices):
    """Stored statuses of an occurrence; «просрочено» is computed (see Occurrence.display_status)."""

    NOT_STARTED = "not_started", "Не начато"
    IN_PROGRESS = "in_progress", "В работе"
    DONE = "done", "Выполнено"
    CANCELLED = "cancelled", "Отменено"


OVERDUE_LABEL = "Просрочено"
CLOSED_STATUSES = (OccurrenceStatus.DONE, OccurrenceStatus.CANCELLED)


class CycleElement(models.TextChoices):
    """The nine elements of the management cycle (DOMAIN §1), in their order."""

    GOALS = "goals", "Цели"
    INDICATORS = "indicators", "Показатели"
    METHODS = "methods", "Методы сбора информации"
    MONITORING = "monitoring", "Мониторинг"
    ANALYSIS = "analysis", "Анализ"
    RECOMMENDATIONS = "recommendations", "Адресные рекомендации"
    MEASURES = "measures", "Меры / мероприятия"
    DECISIONS = "decisions", "Управленческие решения"
    EFFECTIVENESS = "effectiveness", "Анализ эффективности"


class Score(models.IntegerChoices):
    NONE = 0, "0 — нет"
    PARTIAL = 1, "1 — частично"
    FULL = 2, "2 — полностью"


class ReminderKind(models.TextChoices):
    BEFORE = "before", "Приближается срок"
    OVERDUE = "overdue", "Срок истёк"


class DocumentKind(models.TextChoices):
    """The annual analytic documents the portal writes (reports/documents); a road-map task
    whose indicator is such a document is linked to its kind and gets it as evidence."""

    VPR = "vpr", "Аналитический отчёт о результатах ВПР"
    GIA = "gia", "Аналитический отчёт о результатах ГИА"
    VSOSH = "vsosh", "Аналитические материалы по итогам ВсОШ"
    COMPLEX = (
        "complex",
        "Комплексный анализ результатов оценочных процедур с адресными рекомендациями",
    )
    VPR_SHNOR = "vpr_shnor", "Анализ результатов ВПР в ШНОР"
    ROADMAP = "roadmap", "Отчёт о выполнении дорожной карты"
    PROCEDURES = "procedures", "Перечень муниципальных оценочных процедур"
    SCHOOL_CARD = "school_card", "Карточка ОО"
    ANNUAL = "annual", "Ежегодный доклад «О состоянии системы образования»: качество образования"
