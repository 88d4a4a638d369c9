"""One rounding rule and one spelling of figures (msoko.formatting), wherever they are shown."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template

from assessments.models import Result
from assessments.tables import FigureColumn
from msoko import formatting
from msoko.tables import DecimalColumn
from tests.assessments.matrix_campaigns import SCALE, compute_figures, make_campaign

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("12.25"), 1, "12,3"),
        (12.25, 1, "12,3"),  # float: half up, not the builtin round's half even «12,2»
        (0.125, 2, "0,13"),
        (Decimal("0.125"), 2, "0,13"),
        (0.35, 1, "0,4"),  # 0.35 is 0.34999… in binary; the figure as written is rounded
        (1.005, 2, "1,01"),
        (Decimal("12.24999"), 1, "12,2"),
        (0.05, 1, "0,1"),
        (Decimal("-12.25"), 1, "\u221212,3"),  # halves go away from zero
        (-0.125, 2, "\u22120,13"),
        (Decimal("-0.04"), 1, "0,0"),  # no «−0,0»
        (5, 1, "5,0"),
        (Decimal("3.375"), 2, "3,38"),
        (7.5, 0, "8"),
        (None, 1, "—"),
        ("", 1, "—"),
        ("12,25", 1, "12,3"),
    ],
)
def test_number_rounds_half_up_on_the_displayed_figure(
    value: Any, places: int, expected: str
) -> None:
    assert formatting.number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (12345.6, 1, f"12{NNBSP}345,6"),
        (Decimal("1234567.891"), 2, f"1{NNBSP}234{NNBSP}567,89"),
        (100000, 0, f"100{NNBSP}000"),
        (-54321, 0, f"\u221254{NNBSP}321"),
        (99999.95, 1, f"100{NNBSP}000,0"),  # rounding carries into a new group
        (1234.5, 1, "1234,5"),  # four digits stay together
        (2026, 0, "2026"),  # a year is never broken up
    ],
)
def test_thousands_are_separated_by_a_narrow_no_break_space(
    value: Any, places: int, expected: str
) -> None:
    assert formatting.number(value, places) == expected


def test_percent_integer_and_trimmed() -> None:
    assert formatting.percent(Decimal("12.345")) == "12,3\u00a0%"
    assert formatting.percent(None) == "—"
    assert formatting.integer(123456) == f"123{NNBSP}456"
    assert formatting.integer(None) == "—"
    assert formatting.trimmed(Decimal("12.50")) == "12,5"
    assert formatting.trimmed(Decimal("100.00")) == "100"
    assert formatting.trimmed(Decimal("0.05")) == "0,05"


def test_rounded_keeps_a_number_for_spreadsheets() -> None:
    assert formatting.rounded(12.25, 1) == Decimal("12.3")
    assert formatting.rounded(Decimal("0.125"), 2) == Decimal("0.13")
    assert formatting.rounded(None) is None
    assert formatting.rounded(float("nan")) is None


def test_csv_numbers_have_a_comma_and_no_separators() -> None:
    assert formatting.csv_number(Decimal("12345.65"), 1) == "12345,7"
    assert formatting.csv_number(Decimal("-0.125"), 2) == "-0,13"
    assert formatting.csv_number(8) == "8"
    assert formatting.csv_number(Decimal("3.375")) == "3,375"
    assert formatting.csv_number(None) == ""


def test_template_filters_and_table_columns_are_the_same_rule() -> None:
    template = Template(
        "{% load portal %}{{ v|decimal_ru }}|{{ v|percent }}|{{ n|int_ru }}|{{ v|decimal_ru:2 }}"
    )
    shown = template.render(Context({"v": 12.25, "n": 12345}))
    assert shown == f"12,3|12,3\u00a0%|12{NNBSP}345|12,25"
    for column in (FigureColumn(), DecimalColumn()):
        assert column.render(Decimal("12.25")) == "12,3"
        assert column.value(Decimal("12.25")) == Decimal("12.3")


@pytest.mark.django_db
def test_same_figure_on_the_card_and_in_the_table_beside_it(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    # 9 of 80 pupils pass: 11.25 %, which float formatting shows as «11,2».
    campaign = make_campaign()
    passing, failing = [2, 1, 0, 0], [0, 0, 0, 0]
    Result.objects.bulk_create(
        Result(
            campaign=campaign,
            school=school_a,
            participant_code=f"p{i}",
            variant="1",
            scores=scores,
            primary_score=Decimal(sum(scores)),
            mark=SCALE.mark_for(sum(scores)),
        )
        for i, scores in enumerate([passing] * 9 + [failing] * 71)
    )
    compute_figures(campaign)
    response = client_for(specialist).get(campaign.get_absolute_url())
    page = response.content.decode()
    card = re.search(r"Успеваемость</div><div[^>]*>([^<]*)</div>", page)
    assert card is not None
    assert card.group(1).strip() == "11,3 %"
    totals = response.context["tables"]["totals"]
    row = next(r for r in totals.rows if r.record["name"] == "Муниципалитет")
    assert row.get_cell("pass_rate") == "11,3"
    assert "11,2" not in page
