"""Reads of data collections: the list with the tracker's counts, a school's open
submissions (for «Мои задачи»), a submission's form rows and value history."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from assessments import catalogue
from assessments import collected as col
from msoko.models import User
from roadmaps.models import (
    CollectedValue,
    Collection,
    CollectionStatus,
    Submission,
    SubmissionStatus,
)
from roadmaps.services_collections import (
    collection_indicators,
    previous_values,
    submission_per,
    typed_indicators,
)


def collections_for(user: User) -> QuerySet[Collection]:
    """The collections a user may see, each with its schools and their states counted."""
    schools = Q(submissions__school__isnull=False)
    if user.role == "director":
        schools &= Q(submissions__school_id=user.school_id)
    return (
        Collection.objects.for_user(user)
        .order_by("-year", "deadline", "pk")
        .annotate(
            schools=Count("submissions", filter=schools),
            submitted=Count(
                "submissions", filter=schools & Q(submissions__status=SubmissionStatus.SUBMITTED)
            ),
            returned=Count(
                "submissions", filter=schools & Q(submissions__status=SubmissionStatus.RETURNED)
            ),
            missing=Count(
                "submissions",
                filter=schools
                & Q(submissions__status__in=[SubmissionStatus.MISSING, SubmissionStatus.DRAFT]),
            ),
        )
    )


def open_submissions(user: User) -> QuerySet[Submission]:
    """A director's school's parts of the open collections (for «Мои задачи»)."""
    if user.role != "director" or not user.school_id:
        return Submission.objects.none()
    return (
        Submission.objects.for_user(user)
        .filter(school_id=user.school_id, collection__status=CollectionStatus.OPEN)
        .select_related("collection")
        .order_by("collection__deadline", "pk")
    )


def tracker(collection: Collection, user: User) -> list[Submission]:
    return list(
        Submission.objects.for_user(user)
        .filter(collection=collection)
        .select_related("school", "submitted_by")
        .prefetch_related("values")
        .order_by(F("school__short_name").asc(nulls_last=True))
    )


@dataclass
class FormRow:
    """One indicator of a submission's form: what is typed now, last year, the limits."""

    indicator: catalogue.Indicator
    value: CollectedValue | None
    previous: Decimal | None
    derived: Decimal | None  # a share computed from its counts
    typed: Any = None  # what was just typed (shown back after a refusal)
    # The same count given this year in another collection (the school's headcounts are
    # asked by several directions): (value, that collection's title), offered, not saved.
    suggested: tuple[Decimal, str] | None = None

    @property
    def collect(self) -> col.Collect:
        assert self.indicator.collect is not None
        return self.indicator.collect

    @property
    def field_value(self) -> str:
        if self.typed is not None:
            return str(self.typed)
        if self.value is None:
            return col.plain_number(self.suggested[0]) if self.suggested else ""
        kind = self.collect.kind
        if kind == col.BOOL:
            return "да" if self.value.value else "нет" if self.value.value is not None else ""
        if kind in (col.TEXT, col.DOCUMENT):
            return self.value.text or ("нет" if self.value.value == 0 else "")
        return "" if self.value.value is None else col.plain_number(self.value.value)


def form_rows(submission: Submission, typed: dict[str, Any] | None = None) -> list[FormRow]:
    """Every indicator of the submission in order, with the shares derived from the counts
    (`typed`: what the user has just typed, shown back after a refusal)."""
    values = {row.code: row for row in submission.values.all()}
    previous = previous_values(submission)
    suggested = _same_counts(submission)
    numbers = {code: row.value for code, row in values.items()}
    rows = []
    for indicator in collection_indicators(submission.collection, submission_per(submission)):
        collect = indicator.collect
        assert collect is not None
        derived = (
            col.share_of(
                numbers.get(collect.numerator or ""), numbers.get(collect.denominator or "")
            )
            if collect.derived
            else None
        )
        row = FormRow(indicator, values.get(indicator.code), previous.get(indicator.code), derived)
        if indicator.code not in values:
            row.suggested = suggested.get(indicator.code)
        if typed is not None and indicator.code in typed:
            row.typed = typed[indicator.code]
        rows.append(row)
    return rows


def _same_counts(submission: Submission) -> dict[str, tuple[Decimal, str]]:
    """Counts of this submission given under the same name by the same school (or the
    municipality) this year in another collection: code → (value, collection title)."""
    names = {
        i.name: i.code
        for i in typed_indicators(submission.collection, submission_per(submission))
        if i.collect is not None and i.collect.kind == col.COUNT
    }
    found: dict[str, tuple[Decimal, str]] = {}
    others = (
        CollectedValue.objects.filter(
            submission__school=submission.school,
            submission__collection__municipality_id=submission.collection.municipality_id,
            submission__collection__year=submission.collection.year,
            value__isnull=False,
        )
        .exclude(submission=submission)
        .select_related("submission__collection")
        .order_by("-updated_at")
    )
    for other in others:
        indicator = catalogue.CATALOGUE.get(other.code)
        code = names.get(indicator.name) if indicator else None
        if code and code not in found and other.value is not None:
            found[code] = (other.value, other.submission.collection.title)
    return found


def value_history(submission: Submission) -> list[Any]:
    """Every change of the submission's values, newest first, with who and why."""
    return list(
        CollectedValue.history.filter(submission_id=submission.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def values_table(collection: Collection, user: User) -> tuple[list[str], list[list[Any]]]:
    """The collection's values as a sheet: a row per school (and the municipality) the user
    sees, its state, and a column per indicator — the shares derived from their counts.
    Numbers stay numbers (Decimal), yes / no and documents are words, texts as typed."""
    indicators = catalogue.collected_in(collection.indicators)
    collects = catalogue.collects()
    header = ["ОО", "Логин", "Состояние", *(i.name for i in indicators)]
    rows: list[list[Any]] = []
    for submission in tracker(collection, user):
        typed = {v.code: v for v in submission.values.all()}
        numbers = {code: v.value for code, v in typed.items()}
        derived = col.school_values(collection.indicators, numbers, collects)
        cells: list[Any] = []
        for indicator in indicators:
            collect = indicator.collect
            assert collect is not None
            value = typed.get(indicator.code)
            if collect.derived:
                cells.append(derived.get(indicator.code))
            elif value is None:
                cells.append(None)
            elif collect.kind == col.BOOL:
                cells.append("да" if value.value else "нет")
            elif collect.kind in (col.TEXT, col.DOCUMENT):
                cells.append(value.text or ("нет" if value.value == 0 else ""))
            else:
                cells.append(value.value)
        rows.append(
            [
                submission.school.short_name if submission.school else "Муниципалитет",
                submission.school.login if submission.school else "",
                submission.get_status_display(),
                *cells,
            ]
        )
    return header, rows
