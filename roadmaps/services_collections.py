"""Data collections from schools: open, fill in, submit, return, approve and lock, unlock.

* `collection_open` makes a collection of a set of collected indicators (or part of one)
  for a year, its schools (every school, or those whose turn of the rotation it is) and a
  deadline; each school gets an occurrence of the road-map task it answers, so the
  collection stands in «Мои задачи» and the road map's daily job reminds about it.
* `values_save` writes a submission's values from the web form or a template, all or
  nothing: every value is checked (a number where a number is due, the limits, the counts
  of a share: a numerator never above its denominator), and nothing is written when one
  fails. A locked collection, or a submission already handed in (for its school), refuses.
* `submission_submit` / `submission_return` move a school's part along the tracker.
* `collection_approve` locks the collection and stores its values (the schools', each
  derived share, and the municipality's from them) in the indicator store;
  `collection_unlock` opens it again, with the reason recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from assessments import catalogue
from assessments import collected as col
from assessments.services.collected import collected_store
from assessments.services.figures import YearValue
from msoko.choices import Role
from msoko.models import User
from roadmaps.choices import OccurrenceStatus, RoadmapStatus
from roadmaps.models import (
    CollectedValue,
    Collection,
    CollectionAction,
    CollectionEvent,
    CollectionStatus,
    Occurrence,
    RotationSlot,
    Submission,
    SubmissionStatus,
    Task,
)
from schools.choices import ORG_TYPE_FAMILY, OrgFamily
from schools.models import Municipality, School

LOCKED = (
    "Сбор «{title}» утверждён и закрыт {date}: изменения не принимаются. Чтобы внести "
    "исправления, специалист управления должен снять утверждение."
)


def locked_message(collection: Collection) -> str:
    when = timezone.localtime(collection.approved_at) if collection.approved_at else None
    return LOCKED.format(title=collection.title, date=f"{when:%d.%m.%Y}" if when else "")


def is_department(user: User) -> bool:
    return user.role in (Role.SPECIALIST, Role.ADMIN)


# ------------------------------------------------------------------ what a collection asks


def collection_indicators(collection: Collection, per: str) -> list[catalogue.Indicator]:
    """The collection's indicators reported at `per` (school / municipality), in order."""
    return [i for i in catalogue.collected_in(collection.indicators) if i.collect.per == per]  # type: ignore[union-attr]


def typed_indicators(collection: Collection, per: str) -> list[catalogue.Indicator]:
    """Those a person types: every indicator but the derived shares."""
    return [i for i in collection_indicators(collection, per) if not i.collect.derived]  # type: ignore[union-attr]


def submission_per(submission: Submission) -> str:
    return col.MUNICIPALITY if submission.school_id is None else col.SCHOOL


# ------------------------------------------------------------------ rotation


@transaction.atomic
def rotation_turn(
    *, municipality: Municipality, set_code: str, period: int, year: int, schools: Iterable[School]
) -> list[School]:
    """The schools whose turn it is in `year` of a rotation of `period` years.

    Each school keeps the slot it was given (RotationSlot); a school without one takes the
    least filled slot (the lowest on a tie), so «1 раз в 3 года для каждой ОО» asks about a
    third of the schools each year and every school once in three years.
    """
    schools = sorted(schools, key=lambda s: (s.login, s.pk))
    if period <= 1:
        return schools
    slots = {
        row.school_id: row.slot
        for row in RotationSlot.objects.filter(set_code=set_code, period=period, school__in=schools)
    }
    filled = [0] * period
    for slot in slots.values():
        filled[slot % period] += 1
    for school in schools:
        if school.pk not in slots:
            slot = min(range(period), key=lambda s: (filled[s], s))
            RotationSlot.objects.create(
                municipality=municipality,
                set_code=set_code,
                period=period,
                school=school,
                slot=slot,
            )
            slots[school.pk] = slot
            filled[slot] += 1
    return [school for school in schools if slots[school.pk] == year % period]


# ------------------------------------------------------------------ opening


# Who is asked by default: the preschool organisations for preschool quality, the general
# schools for what is about pupils' learning, every organisation for the rest (teachers,
# directors, upbringing, methodical work are everyone's).
PRESCHOOL_DIRECTIONS = frozenset({"2.4"})
GENERAL_DIRECTIONS = frozenset({"1.1", "1.2", "1.3", "1.4", "objectivity"})


def default_schools(municipality: Municipality, direction: str) -> list[School]:
    schools = School.objects.filter(municipality=municipality, is_active=True)
    if direction in PRESCHOOL_DIRECTIONS:
        preschool = [t for t, family in ORG_TYPE_FAMILY.items() if family == OrgFamily.PRESCHOOL]
        schools = schools.filter(org_type__in=preschool)
    elif direction in GENERAL_DIRECTIONS:
        schools = schools.general()
    return list(schools)


def _occurrence_label(collection: Collection) -> str:
    return f"Сбор данных {collection.year}: {collection.title}"[:120]


def task_choices(municipality: Municipality) -> Any:
    """The tasks of the municipality's approved road maps a collection may answer."""
    return (
        Task.objects.filter(
            Q(roadmap__municipality=municipality) | Q(roadmap__municipality__isnull=True),
            roadmap__status=RoadmapStatus.APPROVED,
        )
        .select_related("roadmap", "section")
        .order_by("roadmap__title", "sort_key")
    )


@transaction.atomic
def collection_open(
    *,
    user: User | None,
    municipality: Municipality,
    set_code: str,
    year: int,
    deadline: datetime.date,
    rotation: int = 1,
    task: Task | None = None,
    indicators: Iterable[str] | None = None,
    schools: Iterable[School] | None = None,
    title: str = "",
) -> Collection:
    """Open a collection; every school of it gets its row in the tracker and its task.

    `schools` None: the municipality's active schools (those whose turn it is, with a
    rotation). Refused, with the reasons: an unknown set, an indicator outside it, a
    deadline outside the year and the next, a task of another municipality, and an
    indicator another collection of the year already asks of one of the schools.
    """
    indicator_set = catalogue.SETS.get(set_code)
    problems: list[str] = []
    if indicator_set is None:
        raise ValidationError(f"Нет набора показателей «{set_code}».")
    collects = catalogue.collects()
    if indicators is None:  # the whole set but its survey aggregates
        chosen = [c for c in indicator_set.indicators if not collects[c].survey]
    else:
        chosen = list(indicators)
    outside = [code for code in chosen if code not in indicator_set.indicators]
    if outside:
        problems.append("Показатели не из набора: " + ", ".join(outside) + ".")
    surveyed = [code for code in chosen if code in collects and collects[code].survey]
    if surveyed:
        problems.append(
            "Результаты анкетирования не собираются формой, а загружаются файлом анкетирования: "
            + "; ".join(f"«{catalogue.CATALOGUE[c].name}»" for c in surveyed)
            + "."
        )
    codes = col.with_counts(chosen, collects)
    if not codes:
        problems.append("Выберите хотя бы один показатель.")
    if not 2000 <= year <= 2100:
        problems.append("Год — от 2000 до 2100.")
    elif not year <= deadline.year <= year + 1:
        problems.append(f"Срок сдачи — в {year} или {year + 1} году.")
    if not 1 <= rotation <= 5:
        problems.append("Периодичность — от 1 до 5 лет.")
    if task is not None and task.roadmap.municipality_id not in (None, municipality.pk):
        problems.append("Задача дорожной карты — другого муниципалитета.")
    if schools is None:
        candidates = default_schools(municipality, indicator_set.direction)
        targeted = rotation_turn(
            municipality=municipality,
            set_code=set_code,
            period=rotation,
            year=year,
            schools=candidates,
        )
    else:
        targeted = sorted(schools, key=lambda s: (s.login, s.pk))
        foreign = [s.short_name for s in targeted if s.municipality_id != municipality.pk]
        if foreign:
            problems.append("ОО другого муниципалитета: " + ", ".join(foreign) + ".")
    per_school = any(
        catalogue.CATALOGUE[c].collect.per == col.SCHOOL  # type: ignore[union-attr]
        for c in codes
        if c in catalogue.CATALOGUE
    )
    if per_school and not targeted:
        problems.append("В сборе нет ни одной ОО.")
    problems += _overlaps(municipality, year, codes, targeted)
    if problems:
        raise ValidationError(problems)
    collection = Collection.objects.create(
        municipality=municipality,
        set_code=set_code,
        title=(title or indicator_set.title)[:300],
        year=year,
        indicators=codes,
        deadline=deadline,
        rotation=rotation,
        task=task,
        created_by=user,
    )
    if per_school:
        for school in targeted:
            Submission.objects.create(
                collection=collection, school=school, occurrence=_occurrence(collection, school)
            )
    if any(catalogue.CATALOGUE[c].collect.per == col.MUNICIPALITY for c in codes):  # type: ignore[union-attr]
        Submission.objects.create(collection=collection, school=None)
    CollectionEvent.objects.create(
        collection=collection,
        action=CollectionAction.OPENED,
        user=user,
        reason=f"ОО: {len(targeted) if per_school else 0}; срок {deadline:%d.%m.%Y}",
    )
    return collection


def _occurrence(collection: Collection, school: School) -> Occurrence | None:
    if collection.task is None:
        return None
    return Occurrence.objects.create(
        task=collection.task,
        school=school,
        label=_occurrence_label(collection),
        due=collection.deadline,
        manual=True,
    )


def _overlaps(
    municipality: Municipality,
    year: int,
    codes: list[str],
    schools: list[School],
    *,
    besides: Collection | None = None,
) -> list[str]:
    """An indicator of the year may be asked of a school by one collection only (`besides`:
    the collection itself, when a school is added to it)."""
    wanted = set(codes)
    ids = {s.pk for s in schools}
    problems = []
    others = Collection.objects.filter(municipality=municipality, year=year)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    for other in others:
        common = wanted & set(other.indicators)
        if not common:
            continue
        shared = other.submissions.filter(school__in=ids).count()
        municipal = any(
            catalogue.CATALOGUE[c].collect.per == col.MUNICIPALITY  # type: ignore[union-attr]
            for c in common
            if c in catalogue.CATALOGUE
        )
        if shared or municipal:
            names = ", ".join(catalogue.CATALOGUE[c].name for c in sorted(common)[:3])
            problems.append(
                f"Показатели ({names}{'…' if len(common) > 3 else ''}) за {year} год уже "
                f"собираются сбором «{other.title}»."
            )
    return problems


# ------------------------------------------------------------------ values


@dataclass
class Checked:
    """A submission's values as read from a form or a file, and what is wrong with them."""

    values: dict[str, tuple[Decimal | None, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def values_check(
    submission: Submission, raw: Mapping[str, Any], *, where: Mapping[str, str] | None = None
) -> Checked:
    """Read the typed values of a submission (code → what was typed); writes nothing.

    `where` names the place of each code in a file («строка 7») for the messages.
    """
    checked = Checked()
    collection = submission.collection
    per = submission_per(submission)
    known = {i.code: i for i in typed_indicators(collection, per)}
    for code, value in raw.items():
        indicator = known.get(code)
        place = (where or {}).get(code, "")
        prefix = f"{place}: " if place else ""
        if indicator is None:
            checked.problems.append(
                f"{prefix}показатель «{code}» не входит в сбор «{collection.title}»"
            )
            continue
        try:
            checked.values[code] = indicator.collect.parse(value)  # type: ignore[union-attr]
        except col.ValueProblem as exc:
            checked.problems.append(f"{prefix}«{indicator.name}»: {exc}")
    current = {
        row.code: row.value for row in submission.values.all() if row.code not in checked.values
    }
    numbers = {**current, **{code: value for code, (value, _text) in checked.values.items()}}
    for indicator in collection_indicators(collection, per):
        collect = indicator.collect
        if collect is None or not collect.derived:
            continue
        problem = col.share_problem(
            indicator.name,
            numbers.get(collect.numerator or ""),
            numbers.get(collect.denominator or ""),
        )
        if problem:
            places = [
                (where or {}).get(c, "") for c in (collect.numerator, collect.denominator) if c
            ]
            place = ", ".join(p for p in places if p)
            checked.problems.append(f"{place}: {problem}" if place else problem)
    return checked


def may_edit(user: User, submission: Submission) -> str | None:
    """Why `user` may not change `submission` now (None: he may)."""
    if submission.collection.locked:
        return locked_message(submission.collection)
    if is_department(user):
        return None
    if user.role != Role.DIRECTOR or submission.school_id != user.school_id:
        return "Изменять данные ОО может её директор или специалист управления."
    if submission.status == SubmissionStatus.SUBMITTED:
        return "Данные уже сданы: изменить их можно, когда специалист вернёт их на доработку."
    return None


@transaction.atomic
def values_save(
    *,
    submission: Submission,
    user: User,
    raw: Mapping[str, Any],
    reason: str = "веб-форма",
    where: Mapping[str, str] | None = None,
) -> int:
    """Write a submission's values, all or nothing; the number of values changed.

    Raises ValidationError with every problem (nothing written), or PermissionDenied.
    """
    submission = (
        Submission.objects.select_for_update().select_related("collection").get(pk=submission.pk)
    )
    refusal = may_edit(user, submission)
    if refusal:
        raise PermissionDenied(refusal)
    checked = values_check(submission, raw, where=where)
    if checked.problems:
        raise ValidationError(checked.problems)
    return _write(submission, checked.values, user=user, reason=reason)


def _write(
    submission: Submission,
    values: Mapping[str, tuple[Decimal | None, str]],
    *,
    user: User,
    reason: str,
) -> int:
    existing = {row.code: row for row in submission.values.all()}
    changed = 0
    for code, (value, text) in values.items():
        row = existing.get(code)
        if row is None:
            if value is None and not text:
                continue
            row = CollectedValue(submission=submission, code=code)
        elif row.value == value and row.text == text:
            continue
        row.value, row.text, row.updated_by = value, text, user
        row._change_reason = reason  # type: ignore[attr-defined]
        row._history_user = user  # type: ignore[attr-defined]
        row.save()
        changed += 1
    if submission.status == SubmissionStatus.MISSING and (changed or values):
        submission.status = SubmissionStatus.DRAFT
        submission.save(update_fields=["status", "updated_at"])
    return changed


def missing_values(submission: Submission) -> list[catalogue.Indicator]:
    """The indicators of a submission still empty (texts may stay empty)."""
    filled = {row.code for row in submission.values.all() if row.value is not None or row.text}
    return [
        i
        for i in typed_indicators(submission.collection, submission_per(submission))
        if i.code not in filled and i.collect.kind != col.TEXT  # type: ignore[union-attr]
    ]


@transaction.atomic
def submission_submit(*, submission: Submission, user: User) -> Submission:
    """Hand a school's values in: every value given; the school's task is marked done."""
    submission = (
        Submission.objects.select_for_update().select_related("collection").get(pk=submission.pk)
    )
    refusal = may_edit(user, submission)
    if refusal:
        raise PermissionDenied(refusal)
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ValidationError("Данные уже сданы.")
    missing = missing_values(submission)
    if missing:
        raise ValidationError(
            "Не заполнены: "
            + "; ".join(f"«{i.name}»" for i in missing[:10])
            + (f" и ещё {len(missing) - 10}" if len(missing) > 10 else "")
            + "."
        )
    now = timezone.now()
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at, submission.submitted_by = now, user
    submission.returned_reason = ""
    submission.save()
    _occurrence_set(submission, done=True, user=user, when=now)
    CollectionEvent.objects.create(
        collection=submission.collection,
        action=CollectionAction.SUBMITTED,
        school=submission.school,
        user=user,
    )
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, user: User, reason: str) -> Submission:
    """Send a school's values back for correction, saying what to correct."""
    submission = (
        Submission.objects.select_for_update().select_related("collection").get(pk=submission.pk)
    )
    if not is_department(user):
        raise PermissionDenied("Вернуть данные на доработку может специалист управления.")
    if submission.collection.locked:
        raise ValidationError(locked_message(submission.collection))
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError("Вернуть можно только сданные данные.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Напишите, что нужно исправить.")
    submission.status = SubmissionStatus.RETURNED
    submission.returned_reason = reason
    submission.save()
    _occurrence_set(submission, done=False, user=user, when=timezone.now())
    CollectionEvent.objects.create(
        collection=submission.collection,
        action=CollectionAction.RETURNED,
        school=submission.school,
        user=user,
        reason=reason,
    )
    return submission


def _occurrence_set(submission: Submission, *, done: bool, user: User, when: Any) -> None:
    if submission.occurrence_id is None:
        return
    occurrence = Occurrence.objects.get(pk=submission.occurrence_id)
    if done:
        occurrence.status = OccurrenceStatus.DONE
        occurrence.completed_at, occurrence.completed_by = when, user
        occurrence.comment = f"Данные сбора «{submission.collection.title}» сданы."
    else:
        occurrence.status = OccurrenceStatus.IN_PROGRESS
        occurrence.completed_at, occurrence.completed_by = None, None
        occurrence.comment = f"Возвращено на доработку: {submission.returned_reason}"[:2000]
    occurrence.is_overdue = False if done else occurrence.due < timezone.localdate()
    occurrence.save()


# ------------------------------------------------------------------ approval and lock


def collection_values(collection: Collection) -> list[YearValue]:
    """The values an approval stores: each handed-in school's (with the derived shares)
    and the municipality's — its own indicators, and those of the schools from them."""
    codes = collection.indicators
    collects = catalogue.collects()
    rows: list[YearValue] = []
    per_school: list[dict[str, Decimal | None]] = []
    submissions = (
        collection.submissions.filter(status=SubmissionStatus.SUBMITTED)
        .prefetch_related("values")
        .order_by("school__login")
    )
    municipal = dict(
        CollectedValue.objects.filter(
            submission__collection=collection, submission__school=None
        ).values_list("code", "value")
    )
    for submission in submissions:
        if submission.school_id is None:
            continue
        typed = {row.code: row.value for row in submission.values.all()}
        values = col.school_values(codes, typed, collects)
        per_school.append(values)
        for code, value in values.items():
            reported = collects[code]
            if reported.per != col.SCHOOL:
                continue
            # n: what the value is over — a share's denominator, else the school's one report.
            base = typed.get(reported.denominator or "") if reported.derived else None
            n = int(base) if base is not None else 1
            rows.append(YearValue(code=code, value=value, n=n, school_id=submission.school_id))
    for code in codes:
        collect = collects.get(code)
        if collect is None or collect.kind == col.TEXT:
            continue
        if collect.per == col.MUNICIPALITY:
            value = (
                col.share_of(
                    municipal.get(collect.numerator or ""), municipal.get(collect.denominator or "")
                )
                if collect.derived
                else municipal.get(code)
            )
            rows.append(YearValue(code=code, value=value, n=1))
        else:
            value, n = col.municipal_value(code, collect, per_school)
            rows.append(YearValue(code=code, value=value, n=n))
    return rows


@transaction.atomic
def collection_approve(*, collection: Collection, user: User) -> Collection:
    """Approve and lock: the handed-in values go into the indicator store, replacing what
    an earlier approval of this collection stored; nothing can change until unlocked."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if not is_department(user):
        raise PermissionDenied("Утвердить сбор может специалист управления.")
    if collection.locked:
        raise ValidationError(locked_message(collection))
    counts = dict(
        collection.submissions.filter(school__isnull=False)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    municipal = collection.submissions.filter(school=None).first()
    missing = missing_values(municipal) if municipal is not None else []
    if missing:
        raise ValidationError(
            "Заполните показатели муниципалитета: "
            + "; ".join(f"«{i.name}»" for i in missing)
            + "."
        )
    if not counts.get(SubmissionStatus.SUBMITTED) and municipal is None:
        raise ValidationError("Ни одна ОО не сдала данные: утверждать нечего.")
    collected_store(
        municipality_id=collection.municipality_id,
        year=collection.year,
        source_key=collection.source_key,
        codes=collection.indicators,
        values=collection_values(collection),
        sources=[
            {
                "collection": collection.pk,
                "title": collection.title,
                "schools": counts.get(SubmissionStatus.SUBMITTED, 0),
            }
        ],
    )
    now = timezone.now()
    collection.status = CollectionStatus.APPROVED
    collection.approved_at, collection.approved_by = now, user
    collection.save()
    not_in = sum(n for status, n in counts.items() if status != SubmissionStatus.SUBMITTED)
    CollectionEvent.objects.create(
        collection=collection,
        action=CollectionAction.APPROVED,
        user=user,
        reason=f"сдали {counts.get(SubmissionStatus.SUBMITTED, 0)} ОО"
        + (f"; не сдали или на доработке {not_in} — их значения не вошли" if not_in else ""),
    )
    return collection


@transaction.atomic
def collection_unlock(*, collection: Collection, user: User, reason: str) -> Collection:
    """Lift the approval so values can be corrected; the reason is recorded. The stored
    values stay as approved until the next approval replaces them."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if not is_department(user):
        raise PermissionDenied("Снять утверждение может специалист управления.")
    if not collection.locked:
        raise ValidationError("Сбор не утверждён.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Укажите причину снятия утверждения.")
    collection.status = CollectionStatus.OPEN
    collection.save(update_fields=["status"])
    CollectionEvent.objects.create(
        collection=collection, action=CollectionAction.UNLOCKED, user=user, reason=reason
    )
    return collection


@transaction.atomic
def collection_school_add(*, collection: Collection, user: User, school: School) -> Submission:
    """Ask one more school (a new one, or one left out): its row in the tracker, its task
    in «Мои задачи», a line in the journal."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if not is_department(user):
        raise PermissionDenied("Состав ОО сбора меняет специалист управления.")
    if collection.locked:
        raise ValidationError(locked_message(collection))
    if school.municipality_id != collection.municipality_id:
        raise ValidationError(f"{school.short_name} — ОО другого муниципалитета.")
    if collection.submissions.filter(school=school).exists():
        raise ValidationError(f"{school.short_name} уже в сборе.")
    problems = _overlaps(
        collection.municipality,
        collection.year,
        collection.indicators,
        [school],
        besides=collection,
    )
    if problems:
        raise ValidationError(problems)
    submission = Submission.objects.create(
        collection=collection, school=school, occurrence=_occurrence(collection, school)
    )
    CollectionEvent.objects.create(
        collection=collection,
        action=CollectionAction.SCHOOLS,
        school=school,
        user=user,
        reason=f"добавлена {school.short_name}",
    )
    return submission


@transaction.atomic
def collection_deadline_set(
    *, collection: Collection, user: User, deadline: datetime.date
) -> Collection:
    """Move the deadline (an extension, usually): the schools' tasks not yet done move with
    it, and the journal records the old and the new date."""
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if not is_department(user):
        raise PermissionDenied("Срок сдачи меняет специалист управления.")
    if collection.locked:
        raise ValidationError(locked_message(collection))
    if not collection.year <= deadline.year <= collection.year + 1:
        raise ValidationError(f"Срок сдачи — в {collection.year} или {collection.year + 1} году.")
    if deadline == collection.deadline:
        raise ValidationError("Срок сдачи уже такой.")
    before = collection.deadline
    collection.deadline = deadline
    collection.save(update_fields=["deadline"])
    Occurrence.objects.filter(
        pk__in=collection.submissions.exclude(occurrence=None).values("occurrence_id")
    ).exclude(status=OccurrenceStatus.DONE).update(
        due=deadline, is_overdue=deadline < timezone.localdate()
    )
    CollectionEvent.objects.create(
        collection=collection,
        action=CollectionAction.DEADLINE,
        user=user,
        reason=f"{before:%d.%m.%Y} → {deadline:%d.%m.%Y}",
    )
    return collection


# ------------------------------------------------------------------ last year's values


def previous_values(submission: Submission) -> dict[str, Decimal]:
    """The same school's (or the municipality's) stored values of the year before."""
    from assessments.models import IndicatorValue

    rows = IndicatorValue.objects.filter(
        municipality_id=submission.collection.municipality_id,
        year=submission.collection.year - 1,
        code__in=submission.collection.indicators,
        school=submission.school,
        level="municipality" if submission.school_id is None else "school",
    ).values_list("code", "value")
    return {code: value for code, value in rows if value is not None}
