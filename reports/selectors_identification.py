"""Reads of identification: rules, runs, lists, and the four groups of ШНОР × ШНСУ.

The year's ШНОР are the schools of its confirmed ШНОР list, else of the latest finished run
(a draft, said so on the page). The year's ШНСУ are the schools of its confirmed ШНСУ list,
else those the passports mark (the ИСБШ rule of the municipality's settings). The groups:
ШНОР and ШНСУ; ШНОР in a favourable context (a management problem); ШНСУ without low
results — «резильентные», good enough results despite the context; the rest — «норма».
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from msoko.models import User
from reports.choices import Group, ListStatus, RuleKind, RunStatus
from reports.models import IdentificationRule, IdentificationRun, SchoolList, SchoolListEntry
from schools.models import Municipality, School, SocialPassport

GROUP_ORDER = (Group.BOTH, Group.MANAGEMENT, Group.RESILIENT, Group.NORMAL)
GROUP_HINTS = {
    Group.BOTH: "низкие результаты в неблагоприятных социальных условиях",
    Group.MANAGEMENT: "низкие результаты при благополучном контексте — управленческая проблема",
    Group.RESILIENT: "неблагоприятный контекст, но результаты не низкие",
    Group.NORMAL: "ни низких результатов, ни неблагоприятного контекста",
}


@dataclass(frozen=True)
class Source:
    """Where a year's set of schools comes from, in words."""

    schools: frozenset[int]
    label: str
    school_list: SchoolList | None = None
    confirmed: bool = False


def rules_for(user: User) -> Any:
    return IdentificationRule.objects.prefetch_related("versions").order_by("kind", "name")


def runs_for(user: User) -> Any:
    return IdentificationRun.objects.for_user(user).select_related(
        "version__rule", "municipality", "job"
    )


def lists_for(user: User) -> Any:
    return SchoolList.objects.for_user(user).select_related("run__version__rule", "municipality")


def _list_source(municipality: Municipality, year: int, kind: str) -> Source | None:
    lists = SchoolList.objects.filter(municipality=municipality, year=year, kind=kind)
    confirmed = lists.filter(status=ListStatus.CONFIRMED).first()
    chosen = confirmed or (
        lists.filter(run__status=RunStatus.DONE).order_by("-run__created_at", "-pk").first()
    )
    if chosen is None:
        return None
    ids = frozenset(chosen.entries.filter(included=True).values_list("school_id", flat=True))
    if confirmed:
        label = f"утверждённый перечень (акт № {chosen.act_number} от {chosen.act_date:%d.%m.%Y})"
    else:
        label = f"черновик запуска № {chosen.run_id} — перечень ещё не утверждён"
    return Source(ids, label, chosen, bool(confirmed))


def shnor_source(municipality: Municipality, year: int) -> Source | None:
    return _list_source(municipality, year, RuleKind.SHNOR)


def shnsu_source(municipality: Municipality, year: int) -> Source:
    found = _list_source(municipality, year, RuleKind.SHNSU)
    if found is not None:
        return found
    ids = frozenset(
        SocialPassport.objects.filter(
            school__municipality=municipality, year=year, is_shnsu=True
        ).values_list("school_id", flat=True)
    )
    return Source(ids, "по социальным паспортам (ИСБШ, настройки муниципалитета)")


def group_of(school_id: int, shnor: frozenset[int], shnsu: frozenset[int]) -> Group:
    if school_id in shnor:
        return Group.BOTH if school_id in shnsu else Group.MANAGEMENT
    return Group.RESILIENT if school_id in shnsu else Group.NORMAL


@dataclass
class GroupCell:
    group: Group
    hint: str
    schools: list[School] = field(default_factory=list)
    count: int = 0


@dataclass
class Groups:
    year: int
    shnor: Source | None
    shnsu: Source
    cells: dict[str, GroupCell]
    of_school: dict[int, Group]
    previous: dict[int, Group] | None  # the groups of year − 1 (None: no ШНОР that year)
    moves: list[tuple[School, Group, Group]]
    movement: dict[tuple[str, str], int]

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells.values())


def _assign(
    municipality: Municipality, year: int
) -> tuple[Source | None, Source, dict[int, Group], list[School]]:
    schools = list(
        School.objects.general().filter(municipality=municipality).order_by("short_name")
    )
    shnor = shnor_source(municipality, year)
    shnsu = shnsu_source(municipality, year)
    if shnor is None:
        return None, shnsu, {}, schools
    of_school = {s.pk: group_of(s.pk, shnor.schools, shnsu.schools) for s in schools}
    return shnor, shnsu, of_school, schools


def groups(user: User, municipality: Municipality, year: int) -> Groups:
    """The four groups of a year with their schools (a director: counts, and his own school)."""
    shnor, shnsu, of_school, schools = _assign(municipality, year)
    cells = {g.value: GroupCell(g, GROUP_HINTS[g]) for g in GROUP_ORDER}
    own = user.school_id if user.is_director else None
    for school in schools:
        if school.pk not in of_school:
            continue
        cell = cells[of_school[school.pk]]
        cell.count += 1
        if user.sees_all_schools or school.pk == own:
            cell.schools.append(school)
    _, _, before, _ = _assign(municipality, year - 1)
    moves: list[tuple[School, Group, Group]] = []
    movement: Counter[tuple[str, str]] = Counter()
    if before and of_school:
        for school in schools:
            if school.pk in before and school.pk in of_school:
                a, b = before[school.pk], of_school[school.pk]
                movement[(a.value, b.value)] += 1
                if a != b and (user.sees_all_schools or school.pk == own):
                    moves.append((school, a, b))
    return Groups(
        year=year,
        shnor=shnor,
        shnsu=shnsu,
        cells=cells,
        of_school=of_school
        if user.sees_all_schools
        else {k: v for k, v in of_school.items() if k == own},
        previous=before or None,
        moves=moves,
        movement=dict(movement),
    )


@dataclass
class SchoolStatus:
    """A school's place in identification for the card: its group and list entries."""

    year: int | None
    group: Group | None
    group_source: str
    entries: list[SchoolListEntry]


def school_status(school: School) -> SchoolStatus:
    entries = list(
        SchoolListEntry.objects.filter(school=school, school_list__run__status=RunStatus.DONE)
        .select_related("school_list__run__version__rule")
        .order_by(
            "-school_list__year",
            "school_list__kind",
            "school_list__status",  # «confirmed» before «draft»
            "-school_list__created_at",
        )
    )
    years = sorted(
        set(
            SchoolList.objects.filter(
                municipality_id=school.municipality_id, kind=RuleKind.SHNOR
            ).values_list("year", flat=True)
        ),
        reverse=True,
    )
    if not years:
        return SchoolStatus(None, None, "", entries)
    year = years[0]
    shnor, shnsu, of_school, _ = _assign(school.municipality, year)
    group = of_school.get(school.pk)
    source = f"ШНОР — {shnor.label}; ШНСУ — {shnsu.label}" if shnor else ""
    # the latest list of each year and kind only (older drafts are history)
    seen: set[tuple[int, str]] = set()
    latest = []
    for entry in entries:
        key = (entry.school_list.year, entry.school_list.kind)
        if key not in seen:
            seen.add(key)
            latest.append(entry)
    return SchoolStatus(year, group, source, latest)
