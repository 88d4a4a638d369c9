"""A variant the campaign does not list is an error of the dry run, with its row and column."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.services.import_plan import campaign_variants
from assessments.services.imports import ImportOptions, results_plan
from tests.assessments.builders import Pupil, collection_xlsx, f1_xlsx
from tests.assessments.builders import School as FileSchool
from tests.assessments.test_import_results import make_campaign

pytestmark = pytest.mark.django_db


def _errors(plan: Any) -> list[str]:
    return [str(p) for p in plan.errors]


def test_campaign_variants_are_read_from_the_list_and_ranges() -> None:
    assert campaign_variants("1, 2") == {"1", "2"}
    assert campaign_variants("1; 2;3") == {"1", "2", "3"}
    assert campaign_variants("301–303, 310") == {"301", "302", "303", "310"}
    assert campaign_variants("01, 2") == {"1", "2"}
    assert campaign_variants("") is None and campaign_variants(" , ") is None


def test_a_variant_outside_the_campaign_list_is_an_error_naming_row_and_column(
    specialist: Any, school_a: Any
) -> None:
    campaign = make_campaign()
    campaign.variants = "1, 2"
    campaign.save()
    pupils = [
        Pupil(1, [1, 1, 1, 1, 1], variant=1, mark=3),
        Pupil(2, [1, 1, 1, 1, 1], variant=3, mark=3),
        Pupil(3, [0, 0, 0, 0, 0], variant="отсутствовал", mark=""),
    ]
    data = f1_xlsx([FileSchool(school_a.login, "СОШ", pupils)])
    plan = results_plan(user=specialist, filename="f1.xlsx", data=data)
    assert _errors(plan) == [
        "Лист «Индивидуальные результаты», строка 11, столбец F: вариант «3» не входит в "
        f"варианты кампании «{campaign}»: 1, 2."
    ]


def test_a_campaign_without_a_variant_list_accepts_any_variant(
    specialist: Any, school_a: Any
) -> None:
    make_campaign()  # variants == ""
    pupils = [Pupil(1, [1, 1, 1, 1, 1], variant=17, mark=3)]
    data = f1_xlsx([FileSchool(school_a.login, "СОШ", pupils)])
    plan = results_plan(user=specialist, filename="f1.xlsx", data=data)
    assert plan.ok, _errors(plan)


def test_both_variant_columns_of_the_old_collection_form_are_checked(
    specialist: Any, school_a: Any
) -> None:
    campaign = make_campaign()
    campaign.variants = "1, 2"
    campaign.save()
    data = collection_xlsx(
        [Pupil(1, [1, 1, 1, 1, 1], variant=2), Pupil(2, [1, 1, 1, 1, 1], variant=5)],
        old_layout=True,
        title="Форма сбора результатов Русский язык 4 класс ВПР 2026",
    )
    plan = results_plan(
        user=specialist,
        filename="form.xlsx",
        data=data,
        options=ImportOptions(campaign_id=campaign.pk, school_id=school_a.pk),
    )
    errors = _errors(plan)
    assert len(errors) == 2, errors
    assert errors[0].startswith("Лист «Протокол», строка 5, столбец B: вариант «5» не входит")
    assert errors[1].startswith("Лист «Протокол», строка 5, столбец C: вариант «5» не входит")
