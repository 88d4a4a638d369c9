"""Choices of the reports app: identification rules, their runs and lists."""

from __future__ import annotations

from django.db import models


class RuleKind(models.TextChoices):
    SHNOR = "shnor", "ШНОР — школы с низкими образовательными результатами"
    SHNSU = "shnsu", "ШНСУ — школы, функционирующие в неблагоприятных социальных условиях"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "в очереди"
    DONE = "done", "выполнен"
    FAILED = "failed", "ошибка"


class ListStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    CONFIRMED = "confirmed", "утверждён"


class EntryOrigin(models.TextChoices):
    RULE = "rule", "по правилу"
    ADDED = "added", "добавлена специалистом"


class Group(models.TextChoices):
    """The four groups of ШНОР × ШНСУ (DOMAIN §7)."""

    BOTH = "both", "ШНОР и ШНСУ"
    MANAGEMENT = "management", "ШНОР в благоприятных условиях"
    RESILIENT = "resilient", "Резильентные"
    NORMAL = "normal", "Норма"
