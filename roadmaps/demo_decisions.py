"""Demo data of the register of recommendations and decisions, loaded after the figures.

Recommendations on real findings of the demo (its raised objectivity markers, the stored
share of «2» of its weak schools, the ШНОР criterion), some answered by the schools, one
accepted; two decisions with measures as tasks of the demo municipality's current road map:
one of last year whose effect can be read (its indicator in `year` − 1 and `year`), one of
this year still waiting for the next year's value. Idempotent: nothing is added when the
municipality has recommendations already. A handful of queries: it stays fast.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.choices import IndicatorLevel
from assessments.demo import PEAKS, WEAK
from assessments.models import IndicatorValue, ObjectivityMarker
from msoko.choices import Role
from msoko.models import User
from roadmaps import services_decisions as services
from roadmaps.choices import OccurrenceStatus
from roadmaps.demo import CURRENT_TITLE, DEMO_OKTMO
from roadmaps.models import (
    AddresseeGroup,
    BasisKind,
    CycleAssessment,
    Decision,
    ElementScore,
    Occurrence,
    Recommendation,
    Roadmap,
)
from schools.models import Municipality, School

FAIL_SHARE = "vpr.fail_share_year"
DIRECTOR_SCHOOL = "edu330101"  # the demo director's school: he has one to answer


def _school_value(school: School, year: int) -> IndicatorValue | None:
    return IndicatorValue.objects.filter(
        code=FAIL_SHARE, year=year, level=IndicatorLevel.SCHOOL, school=school, part=""
    ).first()


def _director(school: School, fallback: User) -> User:
    return (
        User.objects.filter(role=Role.DIRECTOR, school=school, is_active=True).first() or fallback
    )


@transaction.atomic
def load_demo(*, specialist: User, year: int) -> str:
    """Add the demo's recommendations and decisions; return a line for the command, or ""."""
    municipality = Municipality.objects.filter(oktmo=DEMO_OKTMO).first()
    if municipality is None or Recommendation.objects.filter(municipality=municipality).exists():
        return ""
    today = timezone.localdate()
    schools = {s.login: s for s in School.objects.filter(municipality=municipality)}
    made: list[Recommendation] = []

    # On the objectivity markers the figures raised: the planted peaks, then any other kind.
    markers = list(
        ObjectivityMarker.objects.filter(municipality=municipality, year=year, raised=True)
        .select_related("school", "campaign", "subject")
        .order_by("code", "school__short_name")
    )
    planted = [m for m in markers if m.school.login == PEAKS]
    peaks = next((m for m in planted if m.code == "score_peaks"), planted[0] if planted else None)
    other = next(
        (m for m in markers if peaks is None or m.school_id != peaks.school_id),
        next((m for m in markers if m != peaks), None),
    )
    for marker, text in (
        (
            peaks,
            "Провести внутреннюю перепроверку работ ВПР комиссией с участием учителей других "
            "ОО; обеспечить присутствие независимых наблюдателей при следующей процедуре.",
        ),
        (
            other,
            "Проанализировать расхождение отметок ВПР и текущих отметок; пересмотреть "
            "внутришкольную систему оценивания на методическом объединении.",
        ),
    ):
        if marker is None:
            continue
        made.append(
            services.recommendation_create(
                user=specialist,
                year=year,
                school=marker.school,
                text=text,
                basis=services.basis_from_marker(marker),
                due_date=datetime.date(year + 1, 3, 1),
            )
        )

    # On the stored share of «2» of the weak schools and of the demo director's school.
    weak = [schools[login] for login in WEAK if login in schools]
    for school, text in (
        *(
            (
                school,
                "Разработать индивидуальные образовательные маршруты для обучающихся, "
                "получивших «2» по ВПР; организовать консультации по русскому языку и математике.",
            )
            for school in weak
        ),
        (
            schools.get(DIRECTOR_SCHOOL),
            "Обсудить результаты ВПР на педагогическом совете и утвердить план мер по "
            "предметам с наибольшей долей «2».",
        ),
    ):
        if school is None:
            continue
        row = _school_value(school, year)
        if row is None:
            continue
        made.append(
            services.recommendation_create(
                user=specialist,
                year=year,
                school=school,
                text=text,
                basis=services.basis_from_indicator(row),
                due_date=datetime.date(year, 12, 25),
            )
        )

    # On the criterion of the ШНОР rule, to the group.
    group = services.recommendation_create(
        user=specialist,
        year=year,
        group=AddresseeGroup.SHNOR,
        municipality=municipality,
        text="Разработать программы перехода в эффективный режим работы; назначить кураторов "
        "из числа руководителей успешных ОО.",
        basis=services.basis_criterion(
            code="K1",
            year=year,
            text="Доля «2» по ВПР (все предметы и классы) не ниже 90-го процентиля "
            "муниципалитета в двух из трёх лет.",
        ),
        due_date=datetime.date(year + 1, 5, 31),
    )

    # The schools' responses: the director's school answered, a weak one answered and accepted.
    answered = [r for r in made if r.school is not None and r.school.login == DIRECTOR_SCHOOL]
    accepted = [r for r in made if r.school is not None and r.school.login in WEAK][:1]
    for recommendation in answered + accepted:
        assert recommendation.school is not None
        services.recommendation_respond(
            recommendation=recommendation,
            user=_director(recommendation.school, specialist),
            response="Результаты рассмотрены на педагогическом совете (протокол № 3), план мер "
            "утверждён приказом директора и размещён на сайте ОО.",
            links="https://svetlorechensk-edu.ru/docs/plan-mer.pdf",
        )
    for recommendation in accepted:
        services.recommendation_review(recommendation=recommendation, user=specialist, accept=True)

    decisions = _decisions(specialist, municipality, year, today, made, group)
    _link_cycle(municipality, [*made, group], decisions)
    return (
        f"Рекомендации и решения: рекомендаций {len(made) + 1}, решений {len(decisions)}, "
        f"мер в дорожной карте {sum(d.tasks.count() for d in decisions)}."
    )


def _decisions(
    specialist: User,
    municipality: Municipality,
    year: int,
    today: datetime.date,
    made: list[Recommendation],
    group: Recommendation,
) -> list[Decision]:
    roadmap = Roadmap.objects.filter(title=CURRENT_TITLE, municipality=municipality).first()
    decisions = []
    # The weak school whose share of «2» fell most (the figures decide, not the demo).
    changes = []
    for school in School.objects.filter(municipality=municipality, login__in=WEAK):
        before, after = _school_value(school, year - 1), _school_value(school, year)
        if before and after and before.value is not None and after.value is not None:
            changes.append((after.value - before.value, school.login, school))
    weak = min(changes)[2] if changes else None
    if weak is not None:
        in_period = roadmap is not None and roadmap.start_year <= year - 1 <= roadmap.end_year
        decisions.append(
            services.decision_create(
                user=specialist,
                year=year - 1,
                act_number=f"{year - 1}-87-од",
                act_date=min(datetime.date(year - 1, 9, 15), today),
                title=f"О мерах по повышению качества обучения в {weak.short_name}",
                text="По итогам ВПР: закрепить куратора, организовать повышение квалификации "
                "учителей русского языка и математики, провести мониторинг.",
                school=weak,
                indicator_code=FAIL_SHARE,
                roadmap=roadmap if in_period else None,
                measures=(
                    f"Закрепить куратора из числа руководителей успешных ОО — октябрь {year - 1}\n"
                    "Организовать курсы повышения квалификации для учителей русского языка и "
                    f"математики — декабрь {year - 1}\n"
                    f"Провести муниципальную диагностическую работу — до 1 марта {year} г."
                )
                if in_period
                else "",
            )
        )
        _done_before(decisions[-1], today, specialist)
    decisions.append(
        services.decision_create(
            user=specialist,
            year=year,
            act_number=f"{year}-112-од",
            act_date=min(datetime.date(year, 10, 20), today),
            title="Об обеспечении объективности процедур оценки качества образования",
            text="Независимые наблюдатели на ВПР во всех ОО с маркерами необъективности; "
            "перепроверка работ муниципальной комиссией.",
            recommendations=[*(r for r in made if r.basis_kind == BasisKind.MARKER), group],
            indicator_code=FAIL_SHARE,
            roadmap=roadmap,
            measures=(
                f"Сформировать муниципальную комиссию по перепроверке работ ВПР — декабрь {year}\n"
                f"Обеспечить независимых наблюдателей в ОО с маркерами — апрель {year + 1}"
            )
            if roadmap is not None and roadmap.end_year >= year + 1
            else "",
            municipality=municipality,
        )
    )
    return decisions


def _done_before(decision: Decision, today: datetime.date, specialist: User) -> None:
    """Last year's measures whose date has passed are done (the demo's history)."""
    Occurrence.objects.filter(task__in=decision.tasks.all(), due__lt=today).update(
        status=OccurrenceStatus.DONE,
        completed_at=timezone.now(),
        completed_by=specialist,
        comment="Выполнено, отчёт размещён на сайте управления образования.",
    )


def _link_cycle(
    municipality: Municipality,
    recommendations: list[Recommendation],
    decisions: list[Decision],
) -> None:
    """The demo's self-assessment of work with the ШНОР rests on them (its last year's)."""
    assessment = (
        CycleAssessment.objects.filter(municipality=municipality, direction__code="1.2")
        .order_by("-year")
        .first()
    )
    if assessment is None:
        return
    rows = {row.element: row for row in ElementScore.objects.filter(assessment=assessment)}
    if "recommendations" in rows:
        rows["recommendations"].recommendations.add(*recommendations[:3])
    if "decisions" in rows:
        rows["decisions"].decisions.add(*[d for d in decisions if d.year <= assessment.year + 1])
