"""The direction dashboards: monitoring values against targets, the year before, the schools.

Values are stored directly (a «mon» run of a collection and its IndicatorValue rows) for
codes taken from the catalogue's sets at run time: the first school-level share and the
first school-level yes / no, so the tests follow the reference data as it changes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessments import catalogue
from assessments.models import FiguresRun, IndicatorValue
from msoko.choices import Role
from reports import selectors_directions
from roadmaps import services as roadmap_services
from roadmaps.models import Direction
from tests.factories import MunicipalityFactory, UserFactory

YEAR = 2025
NBSP = "\xa0"


def _first(*kinds: str) -> catalogue.Indicator:
    """The first indicator of `kinds` reported by each school, in the sets' order (a share:
    a derived one, with its counts)."""
    for item in catalogue.SETS.values():
        for code in item.indicators:
            indicator = catalogue.CATALOGUE[code]
            collect = indicator.collect
            if (
                collect
                and collect.kind in kinds
                and collect.per == "school"
                and (collect.kind != "share" or collect.derived)
            ):
                return indicator
    pytest.fail(f"no school-level {kinds} in catalogue.SETS (fixtures/indicators/collected.json)")


def _verdict_words(indicator: catalogue.Indicator, value: Decimal) -> str:
    """What the page must say of `value` against the indicator's own target."""
    collect = indicator.collect
    assert collect is not None
    met = collect.target_met(value)
    if met is None:
        return "не оценивается автоматически" if collect.target else "целевое значение не задано"
    return "✓ выполнено" if met else "✗ не выполнено"


def _store(municipality: Any, year: int, rows: list[tuple[Any, str, Decimal]]) -> None:
    run = FiguresRun.objects.create(
        campaign=None,
        year=year,
        procedure="mon",
        municipality=municipality,
        code_version=1,
        source_key="collection:test",
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            run=run,
            municipality=municipality,
            level="municipality" if school is None else "school",
            school=school,
            year=year,
            procedure="mon",
            code=code,
            value=value,
            n=2 if school is None else 1,
        )
        for school, code, value in rows
    )


@pytest.fixture
def stored(municipality: Any, school_a: Any, school_b: Any) -> dict[str, catalogue.Indicator]:
    """A share (school A 3 of 20, school B 2 of 20: 12,5 % pooled; 9 % the year before)
    and a yes / no (A «да», B «нет»: 50 %; every school «да» the year before)."""
    share, flag = _first("share"), _first("bool", "document")
    assert share.collect is not None
    top, bottom = share.collect.numerator, share.collect.denominator
    assert top and bottom
    _store(
        municipality,
        YEAR,
        [
            (None, share.code, Decimal("12.5")),
            (None, top, Decimal(5)),
            (None, bottom, Decimal(40)),
            (school_a, share.code, Decimal(15)),
            (school_a, top, Decimal(3)),
            (school_a, bottom, Decimal(20)),
            (school_b, share.code, Decimal(10)),
            (school_b, top, Decimal(2)),
            (school_b, bottom, Decimal(20)),
            (None, flag.code, Decimal(50)),
            (school_a, flag.code, Decimal(1)),
            (school_b, flag.code, Decimal(0)),
        ],
    )
    _store(
        municipality,
        YEAR - 1,
        [
            (None, share.code, Decimal(9)),
            (None, flag.code, Decimal(100)),
            (school_a, flag.code, Decimal(1)),
            (school_b, flag.code, Decimal(1)),
        ],
    )
    return {"share": share, "bool": flag}


def _page(client: Any, of: catalogue.Indicator, **query: Any) -> Any:
    return client.get(reverse("reports:direction", args=[of.direction]), {"year": YEAR, **query})


def _section(html: str, indicator: catalogue.Indicator) -> str:
    """The part of the page about one indicator (its <section>)."""
    start = html.index(f"{indicator.name} <span")
    return html[start : html.index("</section>", start)]


def test_the_municipal_share_is_shown_against_its_target_with_the_change(
    stored: dict[str, catalogue.Indicator], specialist: Any, client_for: Any
) -> None:
    share = stored["share"]
    response = _page(client_for(specialist), share)
    assert response.status_code == 200
    part = _section(response.content.decode(), share)
    assert f"12,5{NBSP}%" in part
    assert _verdict_words(share, Decimal("12.5")) in part
    assert f"9,0{NBSP}%" in part  # the year before
    assert "+3,5 п.п." in part
    assert "5; " in part and ": 40" in part  # the numerator and denominator as stored


def test_the_schools_table_lists_each_schools_value_and_verdict(
    stored: dict[str, catalogue.Indicator], specialist: Any, client_for: Any
) -> None:
    share, flag = stored["share"], stored["bool"]
    html = _page(client_for(specialist), share).content.decode()
    table = _section(html, share).split("<table", 1)[1]
    assert re.search(rf"МБОУ СОШ № 1</a></td>\s*<td[^>]*>15,0{NBSP}%</td>", table)
    assert re.search(rf"МБОУ Каменская СОШ</a></td>\s*<td[^>]*>10,0{NBSP}%</td>", table)
    assert _verdict_words(share, Decimal(15)) in table
    flag_html = _page(client_for(specialist), flag).content.decode()
    flag_part = _section(flag_html, flag)
    assert f"50,0{NBSP}%" in flag_part and "−50,0 п.п." in flag_part
    assert re.search(r"МБОУ Каменская СОШ</a></td>\s*<td[^>]*>нет</td>", flag_part)
    assert flag.collect is not None
    if flag.collect.target_value is not None:
        met = sum(1 for v in (1, 0) if flag.collect.target_met(Decimal(v)))
        assert f"выполняют {met} из 2 ОО" in flag_part


def test_the_schools_table_sorts_by_value(
    stored: dict[str, catalogue.Indicator], specialist: Any, client_for: Any
) -> None:
    share = stored["share"]
    prefix = f"t{share.code.replace('.', '-')}-"
    up = _section(
        _page(client_for(specialist), share, **{f"{prefix}sort": "value"}).content.decode(), share
    )
    down = _section(
        _page(client_for(specialist), share, **{f"{prefix}sort": "-value"}).content.decode(), share
    )
    assert up.index("Каменская") < up.index("СОШ № 1")
    assert down.index("СОШ № 1") < down.index("Каменская")


def test_staff_export_the_schools_table_and_a_director_may_not(
    stored: dict[str, catalogue.Indicator], specialist: Any, director_a: Any, client_for: Any
) -> None:
    share = stored["share"]
    response = _page(client_for(specialist), share, export="csv", indicator=share.code)
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "МБОУ Каменская СОШ" in body and "10,0" in body
    assert (
        _page(client_for(director_a), share, export="csv", indicator=share.code).status_code == 403
    )


def test_a_director_sees_his_school_and_the_municipality_only(
    stored: dict[str, catalogue.Indicator], director_a: Any, client_for: Any
) -> None:
    share = stored["share"]
    html = _page(client_for(director_a), share).content.decode()
    part = _section(html, share)
    assert f"12,5{NBSP}%" in part  # the municipality
    assert f"15,0{NBSP}%" in part  # his school
    assert "Каменская" not in html
    assert f"10,0{NBSP}%" not in part


def test_a_specialist_of_another_municipality_gets_404_and_never_its_values(
    stored: dict[str, catalogue.Indicator], municipality: Any, client_for: Any
) -> None:
    other = UserFactory(
        role=Role.SPECIALIST,
        username="specialist_m2",
        municipality=MunicipalityFactory(
            name="Второй муниципальный округ", short_name="Второй МО", oktmo="87654000"
        ),
    )
    share = stored["share"]
    client = client_for(other)
    assert _page(client, share, municipality=municipality.pk).status_code == 404
    assert (
        client.get(reverse("reports:direction_list"), {"municipality": municipality.pk}).status_code
        == 404
    )
    own = _page(client, share).content.decode()
    assert f"12,5{NBSP}%" not in own
    assert f"Нет данных за {YEAR} год" in own


def test_an_unknown_direction_is_404(specialist: Any, client_for: Any, municipality: Any) -> None:
    assert client_for(specialist).get(reverse("reports:direction", args=["9.9"])).status_code == 404


def test_a_year_without_values_says_so(
    stored: dict[str, catalogue.Indicator], specialist: Any, client_for: Any
) -> None:
    share = stored["share"]
    html = (
        client_for(specialist)
        .get(reverse("reports:direction", args=[share.direction]), {"year": 2030})
        .content.decode()
    )
    assert "Нет данных за 2030 год" in _section(html, share)
    listing = client_for(specialist).get(reverse("reports:direction_list"), {"year": 2030})
    assert "Нет данных за 2030 год" in listing.content.decode()


def test_the_list_counts_each_directions_stored_values(
    stored: dict[str, catalogue.Indicator], specialist: Any, client_for: Any
) -> None:
    share = stored["share"]
    html = client_for(specialist).get(reverse("reports:direction_list"), {"year": YEAR})
    html = html.content.decode()
    assert "Нет данных за" not in html
    link = reverse("reports:direction", args=[share.direction])
    row = html[html.index(f'href="{link}?') :].split("</tr>", 1)[0]
    codes = {i.code for i in selectors_directions.collected_of(share.direction)}
    stored_codes = set(
        IndicatorValue.objects.filter(year=YEAR, level="municipality", code__in=codes).values_list(
            "code", flat=True
        )
    )
    cells = re.findall(r'<td class="num">([^<]*)', row)
    assert cells[0] == str(len(codes))
    assert cells[1] == str(len(stored_codes))
    assert len(stored_codes) >= 1
    # A direction with targets but no value of the year says so, not «0 из N».
    empty = next(
        d.code
        for d in selectors_directions.directions()
        if d.code != share.direction
        and any(
            i.collect and i.collect.target_value is not None
            for i in selectors_directions.collected_of(d.code)
        )
    )
    other = html[html.index(f'href="{reverse("reports:direction", args=[empty])}?') :]
    assert "нет данных" in other.split("</tr>", 1)[0]


def test_the_list_without_any_values_says_so(
    specialist: Any, client_for: Any, municipality: Any
) -> None:
    html = client_for(specialist).get(reverse("reports:direction_list")).content.decode()
    assert "Нет данных за" in html
    assert reverse("reports:direction", args=["1.1"]) in html


def test_the_self_assessment_links_to_its_direction_dashboard(
    specialist: Any, client_for: Any, municipality: Any
) -> None:
    cycle = roadmap_services.cycle_assessment_create(
        direction=Direction.objects.get(code="1.2"),
        year=YEAR,
        user=specialist,
        municipality=municipality,
    )
    html = client_for(specialist).get(reverse("roadmaps:cycle_detail", args=[cycle.pk]))
    link = f"{reverse('reports:direction', args=['1.2'])}?year={YEAR}"
    assert link in html.content.decode()
    assert "Показатели направления и мониторинг" in html.content.decode()


def test_the_assessment_indicators_of_the_direction_are_listed_apart(
    specialist: Any, client_for: Any, municipality: Any
) -> None:
    computed = next(i for i in selectors_directions.computed_of("1.1") if i.unit == "%")
    run = FiguresRun.objects.create(
        year=YEAR, procedure=computed.procedure, municipality=municipality, code_version=1
    )
    for year, value in ((YEAR, Decimal("23.45")), (YEAR - 1, Decimal("20.05"))):
        IndicatorValue.objects.create(
            run=run,
            municipality=municipality,
            level="municipality",
            year=year,
            procedure=computed.procedure,
            code=computed.code,
            value=value,
            n=120,
        )
    html = client_for(specialist).get(reverse("reports:direction", args=["1.1"]), {"year": YEAR})
    part = html.content.decode().split("Показатели по результатам оценочных процедур", 1)[1]
    assert computed.name in part
    assert f"23,5{NBSP}%" in part and f"20,1{NBSP}%" in part and "+3,4 п.п." in part
    assert "Нет сохранённых значений" not in part
