"""Grading scales: bands, ОГЭ conditions, validation messages, JSON round trip.

Pure Python, no database.
"""

from __future__ import annotations

import json

import pytest

from assessments.scales import DEMO_SCALES, Band, MarkCondition, Scale

OGE_MATH = DEMO_SCALES[("oge", "math", 9)]
OGE_RUS = DEMO_SCALES[("oge", "russian", 9)]
VPR_RUS_4 = DEMO_SCALES[("vpr", "russian", 4)]

GEOMETRY = ("15", "16", "17", "18", "19", "23", "24", "25")


def oge_math_scores(geometry_points: float) -> dict[str, float | None]:
    """Scores for the 25 ОГЭ математика tasks with the given geometry points on task 15.

    The other geometry tasks are X (not attempted), which must count 0.
    """
    scores: dict[str, float | None] = {str(n): 1.0 for n in range(1, 26)}
    for task in GEOMETRY:
        scores[task] = None
    scores["15"] = geometry_points
    return scores


def oge_rus_scores(literacy_points: list[float | None]) -> dict[str, float | None]:
    scores: dict[str, float | None] = {str(n): 1.0 for n in range(1, 10)}
    scores.update({f"ГК{i}": v for i, v in enumerate(literacy_points, start=1)})
    return scores


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("primary", "mark"),
    [(0, 2), (13, 2), (14, 3), (23, 3), (24, 4), (32, 4), (33, 5), (38, 5)],
)
def test_vpr_band_edges(primary: int, mark: int) -> None:
    assert VPR_RUS_4.mark_for(primary) == mark


@pytest.mark.parametrize("primary", [-1, 39, float("nan")])
def test_primary_outside_the_scale_is_rejected(primary: float) -> None:
    with pytest.raises(ValueError, match="вне диапазона 0–38"):
        VPR_RUS_4.mark_for(primary)


def test_scale_without_conditions_needs_no_task_scores() -> None:
    assert VPR_RUS_4.mark_for(20, None) == 3


# --------------------------------------------------------------------------- ОГЭ conditions


def test_oge_math_enough_points_and_geometry_gives_three() -> None:
    assert OGE_MATH.mark_for(8, oge_math_scores(2)) == 3


def test_oge_math_enough_points_but_one_geometry_point_gives_two() -> None:
    assert OGE_MATH.mark_for(8, oge_math_scores(1)) == 2


def test_oge_math_geometry_condition_applies_to_higher_marks() -> None:
    # 25 points would be «5», but without the two geometry points there is no positive mark.
    assert OGE_MATH.mark_for(25, oge_math_scores(0)) == 2
    assert OGE_MATH.mark_for(25, oge_math_scores(2)) == 5
    assert OGE_MATH.mark_for(15, oge_math_scores(2)) == 4
    assert OGE_MATH.mark_for(21, oge_math_scores(2)) == 4


def test_oge_math_geometry_points_summed_over_several_tasks() -> None:
    scores = oge_math_scores(1)
    scores["24"] = 1  # 1 + 1 = 2 geometry points over two tasks
    assert OGE_MATH.mark_for(10, scores) == 3


def test_oge_math_below_three_needs_no_task_scores() -> None:
    assert OGE_MATH.mark_for(7) == 2


def test_oge_math_condition_without_task_scores_is_an_error() -> None:
    with pytest.raises(ValueError, match="нужны баллы за задания 15–19, 23–25"):
        OGE_MATH.mark_for(10)


def test_oge_math_missing_task_in_scores_is_an_error() -> None:
    scores = oge_math_scores(2)
    del scores["23"]
    with pytest.raises(ValueError, match="Нет балла за задание 23"):
        OGE_MATH.mark_for(10, scores)


@pytest.mark.parametrize(
    ("primary", "literacy", "mark"),
    [
        (14, [2, 2, 2, 2], 2),
        (15, [0, 0, 0, 0], 3),  # «3» has no literacy condition
        (25, [2, 2, 2, 2], 3),
        (26, [1, 1, 1, 1], 4),  # exactly 4 on ГК1–ГК4
        (26, [1, 1, 1, 0], 3),  # 3 < 4: drops to «3»
        (30, [2, None, 1, None], 3),  # X counts 0: 3 points
        (33, [2, 2, 1, 1], 5),  # exactly 6
        (33, [2, 2, 1, 0], 4),  # 5: enough for «4», not for «5»
        (37, [1, 1, 1, 0], 3),  # 3: neither «5» nor «4»
    ],
)
def test_oge_russian_literacy_conditions(
    primary: int, literacy: list[float | None], mark: int
) -> None:
    assert OGE_RUS.mark_for(primary, oge_rus_scores(literacy)) == mark


# --------------------------------------------------------------------------- describe


def test_describe_plain_scale() -> None:
    assert VPR_RUS_4.describe() == "«2»: 0–13, «3»: 14–23, «4»: 24–32, «5»: 33–38"


def test_describe_scale_with_conditions() -> None:
    assert OGE_MATH.describe() == (
        "«2»: 0–7, «3»: 8–14 (не менее 2 баллов за задания по геометрии 15–19, 23–25), "
        "«4»: 15–21, «5»: 22–31. Условие отметки действует и для более высоких отметок."
    )
    assert OGE_RUS.describe() == (
        "«2»: 0–14, «3»: 15–25, "
        "«4»: 26–32 (не менее 4 баллов по критериям грамотности ГК1–ГК4), "
        "«5»: 33–37 (не менее 6 баллов по критериям грамотности ГК1–ГК4). "
        "Условие отметки действует и для более высоких отметок."
    )


def test_condition_without_description_is_described_from_its_tasks() -> None:
    assert MarkCondition(3, GEOMETRY, 2).describe() == "не менее 2 баллов за задания 15–19, 23–25"
    assert MarkCondition(4, ("ГК1", "ГК2"), 1).describe() == "не менее 1 балла за задания ГК1, ГК2"
    assert MarkCondition(4, ("1", "3"), 21).describe() == "не менее 21 балла за задания 1, 3"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("key", sorted(DEMO_SCALES))
def test_demo_scales_are_valid(key: tuple[str, str, int]) -> None:
    assert DEMO_SCALES[key].validate() == []


def test_validate_accepts_conditions_matching_the_task_list() -> None:
    task_max = {str(n): 2.0 for n in range(1, 26)}
    assert OGE_MATH.validate(task_max) == []


def scale(max_primary: int, *bands: tuple[int, int], conditions: tuple[MarkCondition, ...] = ()):
    return Scale(
        max_primary=max_primary,
        bands=tuple(Band(m, b) for m, b in bands),
        conditions=conditions,
    )


def test_validate_bands_must_increase() -> None:
    bad = scale(20, (2, 0), (3, 8), (4, 8), (5, 6))
    assert bad.validate() == [
        "Граница отметки «4» (8) должна быть больше границы отметки «3» (8).",
        "Граница отметки «5» (6) должна быть больше границы отметки «4» (8).",
    ]


def test_validate_scale_must_start_at_zero() -> None:
    assert scale(20, (2, 1), (3, 8), (4, 12), (5, 16)).validate() == [
        "Отметка «2» должна начинаться с 0 баллов (указано 1): "
        "шкала должна покрывать все баллы от 0 до максимума."
    ]


def test_validate_band_above_the_maximum() -> None:
    assert scale(20, (2, 0), (3, 8), (4, 12), (5, 21)).validate() == [
        "Граница отметки «5» (21) больше максимального первичного балла (20)."
    ]


def test_validate_all_four_marks_required() -> None:
    assert scale(20, (2, 0), (3, 8), (4, 12)).validate() == [
        "Шкала должна задавать ровно по одной границе для отметок «2», «3», «4», «5»."
    ]
    assert "Максимальный первичный балл должен быть больше 0." in (
        scale(0, (2, 0), (3, 0), (4, 0), (5, 0)).validate()
    )


def test_validate_conditions() -> None:
    bands = ((2, 0), (3, 8), (4, 15), (5, 22))
    bad = scale(
        31,
        *bands,
        conditions=(
            MarkCondition(2, ("15",), 1),
            MarkCondition(3, (), 2),
            MarkCondition(4, ("15", "15"), 0),
        ),
    )
    assert bad.validate() == [
        "Условие для отметки «2»: условие можно задать только для отметок «3», «4», «5».",
        "Условие для отметки «3»: не указаны задания.",
        "Условие для отметки «4»: задания повторяются.",
        "Условие для отметки «4»: требуемый балл должен быть больше 0.",
    ]


def test_validate_conditions_against_the_task_list() -> None:
    cond = scale(
        31,
        (2, 0),
        (3, 8),
        (4, 15),
        (5, 22),
        conditions=(MarkCondition(3, ("15", "26"), 2), MarkCondition(4, ("1", "2"), 5)),
    )
    assert cond.validate({"1": 2, "2": 2, "15": 1}) == [
        "Условие для отметки «3»: в перечне заданий работы нет заданий 26.",
        "Условие для отметки «4»: требуется 5 б., а за эти задания можно получить не более 4 б.",
    ]


def test_invalid_scale_refuses_to_give_marks() -> None:
    with pytest.raises(ValueError, match="Шкала задана с ошибками"):
        scale(20, (2, 0), (3, 8), (4, 8), (5, 16)).mark_for(10)


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("key", sorted(DEMO_SCALES))
def test_json_round_trip(key: tuple[str, str, int]) -> None:
    original = DEMO_SCALES[key]
    restored = Scale.from_dict(json.loads(json.dumps(original.to_dict(), ensure_ascii=False)))
    assert restored == original
    assert restored.describe() == original.describe()


def test_to_dict_layout() -> None:
    assert OGE_MATH.to_dict() == {
        "schema": 1,
        "title": "ОГЭ 2026, математика",
        "source": OGE_MATH.source,
        "max_primary": 31,
        "bands": [
            {"mark": 2, "min_primary": 0},
            {"mark": 3, "min_primary": 8},
            {"mark": 4, "min_primary": 15},
            {"mark": 5, "min_primary": 22},
        ],
        "conditions": [
            {
                "mark": 3,
                "tasks": list(GEOMETRY),
                "min_points": 2,
                "description": "не менее 2 баллов за задания по геометрии 15–19, 23–25",
            }
        ],
    }


def test_from_dict_accepts_whole_floats_and_keeps_invalid_numbers_for_validate() -> None:
    data = VPR_RUS_4.to_dict()
    data["max_primary"] = 38.0
    assert Scale.from_dict(data) == VPR_RUS_4
    data["bands"][3]["min_primary"] = 40  # structurally fine, semantically wrong
    assert Scale.from_dict(data).validate() == [
        "Граница отметки «5» (40) больше максимального первичного балла (38)."
    ]


def test_from_dict_rejects_broken_structure() -> None:
    data = VPR_RUS_4.to_dict()
    del data["bands"]
    with pytest.raises(ValueError, match="нет поля 'bands'"):
        Scale.from_dict(data)
    with pytest.raises(ValueError, match="Ожидалось целое число"):
        Scale.from_dict({**VPR_RUS_4.to_dict(), "max_primary": 37.5})
    with pytest.raises(ValueError, match="Неизвестная версия формата шкалы"):
        Scale.from_dict({**VPR_RUS_4.to_dict(), "schema": 99})
