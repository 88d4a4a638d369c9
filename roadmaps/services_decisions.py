"""Writes of the end of the management cycle: адресные рекомендации and управленческие решения.

A recommendation's basis is a snapshot of a finding (an objectivity marker, a stored
indicator value, a criterion of an identification rule, or words): findings are
recomputed and replaced by the figures job, the register is not, so what the school was
told stays readable after the marker row is gone. A decision's measures become road-map
tasks through `roadmaps.services.task_save`, so their deadlines are parsed and their
occurrences made like every other task's.

Every service is keyword-only, typed and atomic, and validates before saving (STYLE §3).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments import catalogue
from assessments.choices import IndicatorLevel
from assessments.models import IndicatorValue, ObjectivityMarker, Subject
from assessments.objectivity import MARKER_NAMES
from msoko import formatting
from msoko.models import User
from roadmaps.deadlines import parse_deadline
from roadmaps.forms import is_web_link
from roadmaps.models import (
    AddresseeGroup,
    BasisKind,
    CycleAssessment,
    Decision,
    Recommendation,
    RecommendationStatus,
    Roadmap,
    Section,
    Task,
)
from roadmaps.selectors_decisions import marker_about
from roadmaps.services import _apply_indicator, cycle_assessment_save, evidence_kind, task_save
from schools.models import Municipality, School

#: The section of a road map that holds the measures of decisions (found by its title).
DECISIONS_SECTION = "Управленческие решения"
#: The indicator of completion a measure gets (a document: the report on the measure).
MEASURE_INDICATOR = "Наличие отчёта об исполнении меры"
# «мера — срок»: the last dash with spaces around it separates a deadline phrase.
_DEADLINE_SEPARATOR = re.compile(r"\s+[—–-]\s+(?=[^—–-]*$)")


# ------------------------------------------------------------------ the basis


@dataclass(frozen=True)
class Basis:
    """What a recommendation rests on, as it is stored (the snapshot)."""

    kind: str = BasisKind.OTHER
    code: str = ""
    year: int | None = None
    value: str = ""
    text: str = ""
    url: str = ""


def is_safe_basis_url(value: str) -> bool:
    """A link to a finding: a path inside the portal («/reports/…») or an http(s) address.

    «//host» and «/\\host» are refused: browsers read them as another site. Anything with
    whitespace or control characters is refused for the reason `is_web_link` gives.
    """
    if not value:
        return True
    if is_web_link(value):
        return True
    if not value.startswith("/") or value.startswith("//"):
        return False
    if any(ch.isspace() or ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def _reverse(name: str, *args: object, query: dict[str, object] | None = None) -> str:
    """A page's path by its URL name ("" when the page is not installed)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    shown = {key: value for key, value in (query or {}).items() if value not in (None, "")}
    return f"{url}?{urlencode(shown)}" if shown else url


def basis_from_marker(marker: ObjectivityMarker) -> Basis:
    """The snapshot of a raised objectivity marker of one school (value against threshold)."""
    name = MARKER_NAMES.get(marker.code, marker.code)
    if marker.value is not None:
        value = (
            f"{formatting.trimmed(marker.value)} при пороге {formatting.trimmed(marker.threshold)}"
        )
    else:
        value = ""
    url = _reverse("assessments:objectivity_detail", marker.pk)
    if not url and marker.campaign_id:
        url = _reverse("assessments:campaign_detail", marker.campaign_id)
    return Basis(
        kind=BasisKind.MARKER,
        code=marker.code[:64],
        year=marker.year,
        value=value[:200],
        text=f"Маркер необъективности «{name}»: {marker.school}, {marker_about(marker)}.",
        url=url,
    )


def _where(row: IndicatorValue) -> str:
    parts = [str(row.school) if row.school_id else f"муниципалитет {row.municipality}"]
    if row.subject is not None:
        parts.append(row.subject.name.lower())
    if row.grade:
        parts.append(f"{row.grade} класс")
    return ", ".join(parts)


def basis_from_indicator(row: IndicatorValue) -> Basis:
    """The snapshot of a stored indicator value (its figure as shown, with n)."""
    indicator = catalogue.CATALOGUE.get(row.code)
    name = indicator.name if indicator else row.code
    shown = (
        formatting.value(row.value, indicator.unit, indicator.places)
        if indicator
        else formatting.number(row.value)
    )
    if indicator and indicator.unit not in ("%", "") and row.value is not None:
        shown = f"{shown} ({indicator.unit})"
    if row.n:
        shown = f"{shown}, n = {formatting.integer(row.n)}"
    return Basis(
        kind=BasisKind.INDICATOR,
        code=row.code[:64],
        year=row.year,
        value=shown[:200],
        text=f"{name}: {_where(row)}, {row.year} год.",
        url=_reverse(
            "reports:indicator",
            query={
                "code": row.code,
                "year": row.year,
                "subject": row.subject_id,
                "grade": row.grade,
                "part": row.part,
                "municipality": row.municipality_id,
            },
        ),
    )


def indicator_value_find(
    *,
    user: User,
    code: str,
    year: int | None,
    school: School | None,
    municipality: Municipality | None,
    subject: Subject | None = None,
    grade: int | None = None,
    part: str = "",
) -> IndicatorValue:
    """The one stored value a basis names: the school's, or the municipality's for a group.

    Refuses in Russian when there is none, or when several fit (another subject or grade).
    """
    if code not in catalogue.CATALOGUE:
        raise ValidationError({"indicator": "Выберите показатель из каталога."})
    if year is None:
        raise ValidationError({"basis_year": "Укажите год значения показателя."})
    rows = IndicatorValue.objects.for_user(user).filter(code=code, year=year, part=part or "")
    if school is not None:
        rows = rows.filter(level=IndicatorLevel.SCHOOL, school=school)
    else:
        rows = rows.filter(level=IndicatorLevel.MUNICIPALITY)
        if municipality is not None:
            rows = rows.filter(municipality=municipality)
    if subject is not None:
        rows = rows.filter(subject=subject)
    if grade is not None:
        rows = rows.filter(grade=grade)
    found = list(rows.select_related("school", "subject", "municipality")[:2])
    name = catalogue.CATALOGUE[code].name
    if not found:
        where = str(school) if school is not None else "муниципалитета"
        raise ValidationError(
            {"indicator": f"Значения «{name}» за {year} год для {where} нет среди рассчитанных."}
        )
    if len(found) > 1:
        raise ValidationError(
            {"indicator": f"Значений «{name}» за {year} год несколько: уточните предмет и класс."}
        )
    return found[0]


def basis_criterion(*, code: str, year: int | None, text: str, value: str = "") -> Basis:
    """A criterion of an identification rule, entered as its code, year and words."""
    code, text = code.strip(), " ".join(text.split())
    errors = {}
    if not code:
        errors["basis_code"] = "Укажите код критерия (например, K1)."
    if not text:
        errors["basis_text"] = "Опишите критерий словами."
    if errors:
        raise ValidationError(errors)
    return Basis(BasisKind.CRITERION, code[:64], year, value.strip()[:200], text)


def basis_of(recommendation: Recommendation) -> Basis:
    """The snapshot a recommendation holds, as a Basis (kept when its finding is not re-chosen)."""
    return Basis(
        recommendation.basis_kind,
        recommendation.basis_code,
        recommendation.basis_year,
        recommendation.basis_value,
        recommendation.basis_text,
        recommendation.basis_url,
    )


def basis_build(
    *,
    user: User,
    kind: str,
    school: School | None,
    municipality: Municipality | None = None,
    marker: ObjectivityMarker | None = None,
    indicator: str = "",
    year: int | None = None,
    subject: Subject | None = None,
    grade: int | None = None,
    part: str = "",
    code: str = "",
    value: str = "",
    text: str = "",
    url: str = "",
    previous: Recommendation | None = None,
) -> Basis:
    """The snapshot of the basis chosen in the form.

    A marker or an indicator value is read from its stored row now; when none is chosen on
    an edit of a recommendation with a basis of that kind, its snapshot is kept. A
    criterion and «иное» are taken as typed, with their link.
    """
    kept = previous is not None and previous.basis_kind == kind
    if kind == BasisKind.MARKER:
        if marker is None:
            if kept and previous is not None:
                return basis_of(previous)
            raise ValidationError({"marker": "Выберите маркер необъективности."})
        if school is not None and marker.school_id != school.pk:
            raise ValidationError(
                {"marker": f"Маркер относится к другой ОО ({marker.school}), не к адресату."}
            )
        return basis_from_marker(marker)
    if kind == BasisKind.INDICATOR:
        if not indicator:
            if kept and previous is not None:
                return basis_of(previous)
            raise ValidationError({"indicator": "Выберите показатель и год его значения."})
        row = indicator_value_find(
            user=user,
            code=indicator,
            year=year,
            school=school,
            municipality=municipality,
            subject=subject,
            grade=grade,
            part=part,
        )
        return basis_from_indicator(row)
    if kind == BasisKind.CRITERION:
        basis = basis_criterion(code=code, year=year, text=text, value=value)
        return Basis(basis.kind, basis.code, basis.year, basis.value, basis.text, url.strip())
    if kind == BasisKind.OTHER:
        return Basis(
            BasisKind.OTHER, code.strip()[:64], year, value.strip()[:200], text.strip(), url.strip()
        )
    raise ValidationError({"basis_kind": "Неизвестный вид основания."})


# ------------------------------------------------------------------ recommendations


def _municipality(
    user: User, school: School | None, chosen: Municipality | None
) -> Municipality | None:
    if school is not None:
        return school.municipality
    if user.municipality_id:
        return user.municipality
    return chosen


def _next_number(municipality: Municipality, year: int) -> str:
    taken = set(
        Recommendation.objects.filter(municipality=municipality, year=year).values_list(
            "number", flat=True
        )
    )
    sequence = len(taken) + 1
    while f"{sequence}/{year}" in taken:
        sequence += 1
    return f"{sequence}/{year}"


def _recommendation_check(
    *,
    year: int,
    school: School | None,
    group: str,
    text: str,
    basis: Basis,
    due_date: datetime.date | None,
    municipality: Municipality | None,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not 2000 <= year <= 2100:
        add("year", "Год — от 2000 до 2100.")
    if school is None and not group:
        add("school", "Укажите адресата: ОО или группу ОО.")
    if school is not None and group:
        add("group", "Адресат — либо одна ОО, либо группа ОО, не то и другое.")
    if group and group not in AddresseeGroup.values:
        add("group", "Неизвестная группа ОО.")
    if municipality is None:
        add("municipality", "Укажите муниципалитет рекомендации.")
    if not text.strip():
        add("text", "Напишите текст рекомендации.")
    if due_date is not None and due_date.year < year:
        add(
            "due_date",
            f"Срок исполнения ({due_date:%d.%m.%Y}) раньше года рекомендации ({year}).",
        )
    if basis.kind not in BasisKind.values:
        add("basis_kind", "Неизвестный вид основания.")
    if basis.kind in (BasisKind.MARKER, BasisKind.INDICATOR) and not basis.code:
        add("basis_kind", "Выберите находку, на которой основана рекомендация.")
    if basis.kind == BasisKind.OTHER and not basis.text.strip():
        add("basis_text", "Опишите основание рекомендации словами.")
    if not is_safe_basis_url(basis.url):
        add(
            "basis_url",
            "Ссылка на основание — страница портала (начинается с «/») или адрес сайта "
            "(http:// или https://).",
        )
    if errors:
        raise ValidationError(errors)


def _apply_basis(recommendation: Recommendation, basis: Basis) -> None:
    recommendation.basis_kind = basis.kind
    recommendation.basis_code = basis.code[:64]
    recommendation.basis_year = basis.year
    recommendation.basis_value = basis.value[:200]
    recommendation.basis_text = basis.text.strip()
    recommendation.basis_url = basis.url.strip()[:500]


@transaction.atomic
def recommendation_create(
    *,
    user: User,
    year: int,
    text: str,
    basis: Basis,
    school: School | None = None,
    group: str = "",
    due_date: datetime.date | None = None,
    number: str = "",
    municipality: Municipality | None = None,
) -> Recommendation:
    """Register an адресная рекомендация to a school or a group of schools, on a basis.

    The municipality is the school's, else the user's, else the one chosen (a user of the
    whole deployment addressing a group). Without a number the next «N/год» is given.
    """
    if not user.can_edit:
        raise ValidationError("Рекомендации вносят специалисты отдела образования.")
    municipality = _municipality(user, school, municipality)
    _recommendation_check(
        year=year,
        school=school,
        group=group,
        text=text,
        basis=basis,
        due_date=due_date,
        municipality=municipality,
    )
    assert municipality is not None  # checked above
    recommendation = Recommendation(
        municipality=municipality,
        year=year,
        number=number.strip()[:32] or _next_number(municipality, year),
        school=school,
        group=group,
        text=text.strip(),
        due_date=due_date,
        created_by=user,
    )
    _apply_basis(recommendation, basis)
    recommendation._history_user = user  # type: ignore[attr-defined]
    recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    user: User,
    year: int,
    text: str,
    basis: Basis,
    school: School | None = None,
    group: str = "",
    due_date: datetime.date | None = None,
    number: str = "",
) -> Recommendation:
    """Change a recommendation's card; the municipality stays what it was."""
    if not user.can_edit:
        raise ValidationError("Рекомендации изменяют специалисты отдела образования.")
    if school is not None and school.municipality_id != recommendation.municipality_id:
        raise ValidationError({"school": "ОО другого муниципалитета."})
    _recommendation_check(
        year=year,
        school=school,
        group=group,
        text=text,
        basis=basis,
        due_date=due_date,
        municipality=recommendation.municipality,
    )
    recommendation.year = year
    recommendation.number = number.strip()[:32] or recommendation.number
    recommendation.school = school
    recommendation.group = group
    recommendation.text = text.strip()
    recommendation.due_date = due_date
    _apply_basis(recommendation, basis)
    recommendation._history_user = user  # type: ignore[attr-defined]
    recommendation.save()
    return recommendation


def can_respond(user: User, recommendation: Recommendation) -> bool:
    """Specialists enter any response (one received on paper too); a director his school's."""
    if recommendation.status == RecommendationStatus.ACCEPTED:
        return False
    if user.can_edit:
        return True
    return bool(
        user.is_director
        and recommendation.school_id is not None
        and recommendation.school_id in user.visible_school_ids()
    )


def _links(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bad = [number for number, line in enumerate(lines, start=1) if not is_web_link(line)]
    if bad:
        raise ValidationError(
            {
                "response_links": f"Строка {bad[0]}: не адрес сайта. "
                "Ссылка должна начинаться с http:// или https://."
            }
        )
    return "\n".join(lines)


@transaction.atomic
def recommendation_respond(
    *,
    recommendation: Recommendation,
    user: User,
    response: str,
    links: str = "",
    filename: str = "",
    data: bytes | None = None,
) -> Recommendation:
    """The school's response: text, links (http(s) only) and a file checked by content.

    The status becomes «получен ответ»; a response that was not accepted may be given again,
    an accepted one is closed.
    """
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not can_respond(user, recommendation):
        if recommendation.status == RecommendationStatus.ACCEPTED:
            raise ValidationError("Рекомендация исполнена: ответ больше не меняется.")
        raise ValidationError("Ответ даёт ОО, которой адресована рекомендация.")
    response = response.strip()
    if not response:
        raise ValidationError({"response": "Напишите, что сделано по рекомендации."})
    links = _links(links)
    if data:
        kind = evidence_kind(filename, data)
        if recommendation.response_file:
            recommendation.response_file.delete(save=False)
        # The stored name is the content hash: user file names never reach the file system.
        recommendation.response_file.save(
            f"{hashlib.sha256(data).hexdigest()[:32]}.{kind}", ContentFile(data), save=False
        )
        recommendation.response_file_name = Path(filename).name[:255]
    recommendation.response = response
    recommendation.response_links = links
    recommendation.status = RecommendationStatus.ANSWERED
    recommendation.responded_at = timezone.now()
    recommendation.responded_by = user
    recommendation._history_user = user  # type: ignore[attr-defined]
    recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_review(
    *, recommendation: Recommendation, user: User, accept: bool
) -> Recommendation:
    """The specialist's verdict on a response: «исполнена» or «ответ не принят»."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not user.can_edit:
        raise ValidationError("Ответ принимает специалист отдела образования.")
    if recommendation.status != RecommendationStatus.ANSWERED:
        raise ValidationError(
            f"Принять или отклонить можно только полученный ответ; состояние сейчас — "
            f"«{recommendation.get_status_display()}»."
        )
    recommendation.status = (
        RecommendationStatus.ACCEPTED if accept else RecommendationStatus.REJECTED
    )
    recommendation._history_user = user  # type: ignore[attr-defined]
    recommendation.save(update_fields=["status"])
    return recommendation


# ------------------------------------------------------------------ decisions


@dataclass(frozen=True)
class Measure:
    """One line of a decision's measures: what is to be done and its deadline phrase."""

    title: str
    deadline: str


def measures_parse(text: str, *, default_deadline: str = "") -> list[Measure]:
    """Lines «мера» or «мера — срок»; the deadline is the part after the last spaced dash,
    when the deadline parser reads it (a dash inside the title is kept there)."""
    found = []
    for line in text.splitlines():
        line = " ".join(line.split()).lstrip("•*-–— ").strip()
        if not line:
            continue
        title, deadline = line, ""
        head = _DEADLINE_SEPARATOR.split(line, maxsplit=1)
        if len(head) == 2 and head[0].strip():
            phrase = head[1].strip().rstrip(";,")
            if parse_deadline(phrase).kind != "unparsed":
                title, deadline = head[0].strip(), phrase
        found.append(Measure(title.rstrip(";"), deadline or default_deadline))
    return found


def _default_deadline(roadmap: Roadmap, act_date: datetime.date) -> str:
    """A measure without a deadline: by the end of the act's year, inside the road map."""
    year = min(max(act_date.year, roadmap.start_year), roadmap.end_year)
    return f"декабрь {year}"


def _measures_check(measures: Sequence[Measure], roadmap: Roadmap | None) -> None:
    if not measures:
        return
    if roadmap is None:
        raise ValidationError({"roadmap": "Выберите дорожную карту, в которую войдут меры."})
    errors = []
    for number, measure in enumerate(measures, start=1):
        if len(measure.title) < 3:
            errors.append(f"Мера {number}: напишите, что нужно сделать.")
            continue
        schedule = parse_deadline(measure.deadline)
        if schedule.kind == "unparsed":
            errors.append(f"Мера {number}: срок «{measure.deadline}» не распознан.")
            continue
        for window in schedule.windows:
            if not roadmap.start_year <= window.due.year <= roadmap.end_year:
                errors.append(
                    f"Мера {number}: срок {window.due:%d.%m.%Y} вне периода дорожной карты "
                    f"({roadmap.period})."
                )
                break
    if errors:
        raise ValidationError({"measures": errors})


def decisions_section(roadmap: Roadmap) -> Section:
    """The road map's section «Управленческие решения», made at its end when missing."""
    section = roadmap.sections.filter(title=DECISIONS_SECTION).first()
    if section is None:
        last = roadmap.sections.order_by("-order").values_list("order", flat=True).first()
        section = Section.objects.create(
            roadmap=roadmap, title=DECISIONS_SECTION, order=(last or 0) + 1
        )
    return section


def _next_top_number(roadmap: Roadmap) -> int:
    numbers = [
        int(number)
        for number in Task.objects.filter(roadmap=roadmap).values_list("number", flat=True)
        if number.isdigit()
    ]
    return max(numbers, default=0) + 1


def _measure_tasks(
    *, decision: Decision, measures: Sequence[Measure], roadmap: Roadmap, user: User
) -> list[Task]:
    section = decisions_section(roadmap)
    number = _next_top_number(roadmap)
    schools = [decision.school] if decision.school is not None else []
    act = f"№ {decision.act_number} от {decision.act_date:%d.%m.%Y}"
    tasks = []
    for offset, measure in enumerate(measures):
        task = Task(
            roadmap=roadmap,
            section=section,
            number=str(number + offset),
            title=measure.title,
            description=f"Мера по управленческому решению «{decision.title}» ({act}).",
            deadline_text=measure.deadline[:500],
        )
        _apply_indicator(task, MEASURE_INDICATOR)
        tasks.append(task_save(task=task, user=user, schools=schools, users=[user]))
    return tasks


def _decision_check(
    *,
    year: int,
    act_number: str,
    act_date: datetime.date | None,
    title: str,
    indicator_code: str,
    municipality: Municipality | None,
    school: School | None,
    roadmap: Roadmap | None,
    recommendations: Iterable[Recommendation],
) -> None:
    errors: dict[str, str] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = "Год — от 2000 до 2100."
    if not act_number.strip():
        errors["act_number"] = "Укажите номер акта (приказа, распоряжения)."
    if act_date is None:
        errors["act_date"] = "Укажите дату акта."
    if not title.strip():
        errors["title"] = "Укажите наименование решения."
    if indicator_code and indicator_code not in catalogue.CATALOGUE:
        errors["indicator_code"] = "Выберите показатель из каталога."
    if municipality is None:
        errors["municipality"] = "Укажите муниципалитет решения."
    else:
        if school is not None and school.municipality_id != municipality.pk:
            errors["school"] = "ОО другого муниципалитета."
        if roadmap is not None and roadmap.municipality_id not in (None, municipality.pk):
            errors["roadmap"] = "Дорожная карта другого муниципалитета."
        if any(r.municipality_id != municipality.pk for r in recommendations):
            errors["recommendations"] = "Рекомендации другого муниципалитета."
    if errors:
        raise ValidationError(errors)


def _decision_fill(
    decision: Decision,
    *,
    year: int,
    act_number: str,
    act_date: datetime.date,
    title: str,
    text: str,
    school: School | None,
    indicator_code: str,
    subject: Subject | None,
    grade: int | None,
    roadmap: Roadmap | None,
) -> None:
    decision.year = year
    decision.act_number = act_number.strip()[:64]
    decision.act_date = act_date
    decision.title = " ".join(title.split())[:500]
    decision.text = text.strip()
    decision.school = school
    decision.indicator_code = indicator_code
    # The procedure is the indicator's own (its code's prefix): one source of truth.
    decision.procedure = catalogue.CATALOGUE[indicator_code].procedure if indicator_code else ""
    decision.subject = subject.code if subject is not None and indicator_code else ""
    decision.grade = grade if indicator_code else None
    decision.roadmap = roadmap


@transaction.atomic
def decision_create(
    *,
    user: User,
    year: int,
    act_number: str,
    act_date: datetime.date | None,
    title: str,
    text: str = "",
    school: School | None = None,
    recommendations: Iterable[Recommendation] = (),
    indicator_code: str = "",
    subject: Subject | None = None,
    grade: int | None = None,
    roadmap: Roadmap | None = None,
    measures: str | Sequence[Measure] = "",
    municipality: Municipality | None = None,
) -> Decision:
    """Register an управленческое решение; its measures become tasks of `roadmap`.

    `measures` is the text of the form (one per line, «мера — срок») or parsed measures.
    The tasks go into the road map's section «Управленческие решения» with the next free
    numbers, the decision's school responsible, the specialist named; each gets its
    occurrences from its deadline (a measure without one: by December of the act's year).
    """
    if not user.can_edit:
        raise ValidationError("Решения вносят специалисты отдела образования.")
    recommendations = list(recommendations)
    municipality = _municipality(user, school, municipality)
    if municipality is None and roadmap is not None and roadmap.municipality_id:
        municipality = roadmap.municipality
    return _decision_write(
        Decision(municipality=municipality, created_by=user),
        user=user,
        year=year,
        act_number=act_number,
        act_date=act_date,
        title=title,
        text=text,
        school=school,
        recommendations=recommendations,
        indicator_code=indicator_code,
        subject=subject,
        grade=grade,
        roadmap=roadmap,
        measures=measures,
    )


def _decision_write(
    decision: Decision,
    *,
    user: User,
    year: int,
    act_number: str,
    act_date: datetime.date | None,
    title: str,
    text: str,
    school: School | None,
    recommendations: list[Recommendation],
    indicator_code: str,
    subject: Subject | None,
    grade: int | None,
    roadmap: Roadmap | None,
    measures: str | Sequence[Measure],
) -> Decision:
    """Check, fill and save a decision (new or changed); new measures become its tasks."""
    _decision_check(
        year=year,
        act_number=act_number,
        act_date=act_date,
        title=title,
        indicator_code=indicator_code,
        municipality=decision.municipality if decision.municipality_id else None,
        school=school,
        roadmap=roadmap,
        recommendations=recommendations,
    )
    assert act_date is not None and decision.municipality_id is not None  # checked above
    parsed = _parsed_measures(measures, roadmap, act_date)
    _measures_check(parsed, roadmap)
    _decision_fill(
        decision,
        year=year,
        act_number=act_number,
        act_date=act_date,
        title=title,
        text=text,
        school=school,
        indicator_code=indicator_code,
        subject=subject,
        grade=grade,
        roadmap=roadmap,
    )
    decision._history_user = user  # type: ignore[attr-defined]
    decision.save()
    decision.recommendations.set(recommendations)
    if parsed and roadmap is not None:
        decision.tasks.add(
            *_measure_tasks(decision=decision, measures=parsed, roadmap=roadmap, user=user)
        )
    return decision


def _parsed_measures(
    measures: str | Sequence[Measure], roadmap: Roadmap | None, act_date: datetime.date
) -> list[Measure]:
    default = _default_deadline(roadmap, act_date) if roadmap is not None else ""
    if isinstance(measures, str):
        return measures_parse(measures, default_deadline=default)
    return [Measure(m.title, m.deadline or default) for m in measures]


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    user: User,
    year: int,
    act_number: str,
    act_date: datetime.date | None,
    title: str,
    text: str = "",
    school: School | None = None,
    recommendations: Iterable[Recommendation] = (),
    indicator_code: str = "",
    subject: Subject | None = None,
    grade: int | None = None,
    roadmap: Roadmap | None = None,
    measures: str | Sequence[Measure] = "",
) -> Decision:
    """Change a decision's card; new measures are added as tasks (the made ones stay)."""
    if not user.can_edit:
        raise ValidationError("Решения изменяют специалисты отдела образования.")
    return _decision_write(
        decision,
        user=user,
        year=year,
        act_number=act_number,
        act_date=act_date,
        title=title,
        text=text,
        school=school,
        recommendations=list(recommendations),
        indicator_code=indicator_code,
        subject=subject,
        grade=grade,
        roadmap=roadmap,
        measures=measures,
    )


# ------------------------------------------------------------------ self-assessment links


@transaction.atomic
def cycle_assessment_links_save(
    *,
    assessment: CycleAssessment,
    user: User,
    comment: str,
    scores: dict[str, dict[str, Any]],
) -> CycleAssessment:
    """Save a self-assessment (roadmaps.services.cycle_assessment_save) together with the
    recommendations and decisions each element rests on, all or nothing.

    Only recommendations and decisions of the assessment's municipality are linked.
    """
    municipality = assessment.municipality_id
    for element, values in scores.items():
        for key, model in (("recommendations", Recommendation), ("decisions", Decision)):
            chosen = list(values.get(key) or [])
            if municipality and any(obj.municipality_id != municipality for obj in chosen):
                raise ValidationError(
                    f"{str(model._meta.verbose_name_plural).capitalize()} другого муниципалитета "
                    f"не подтверждают самооценку ({element})."
                )
    cycle_assessment_save(assessment=assessment, user=user, comment=comment, scores=scores)
    rows = {row.element: row for row in assessment.scores.all()}
    for element, values in scores.items():
        row = rows[element]
        if "recommendations" in values:
            row.recommendations.set(values["recommendations"])
        if "decisions" in values:
            row.decisions.set(values["decisions"])
    return assessment
