"""Bad input, each file built here: a clear message, and the database exactly as it was.

Every case goes through `upload_check` (the web's dry run) and, where the check passes,
nothing is imported; the snapshot covers every table an import writes. The rejected upload
itself is kept in the history (ResultUpload), which is the point of the history.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import defusedxml
import defusedxml.ElementTree as DET
import pytest

from assessments.choices import UploadStatus
from assessments.models import (
    Campaign,
    CampaignTask,
    OlympiadResult,
    ReferenceValue,
    Result,
)
from assessments.scales import Scale
from assessments.services.imports import ImportOptions, upload_check
from schools.models import School
from tests.assessments.builders import (
    Pupil,
    collection_xlsx,
    f1_rows,
    f1_xlsx,
    sample_schools,
    xlsx_bytes,
)
from tests.assessments.builders import (
    School as FileSchool,
)
from tests.assessments.test_import_results import make_campaign

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[Any, ...]:
    return (
        list(Campaign.objects.order_by("pk").values()),
        list(CampaignTask.objects.order_by("pk").values()),
        list(Result.objects.order_by("pk").values()),
        list(ReferenceValue.objects.order_by("pk").values()),
        list(OlympiadResult.objects.order_by("pk").values()),
        list(School.objects.order_by("pk").values()),
    )


@pytest.fixture
def world(specialist: Any, school_a: Any, school_b: Any) -> dict[str, Any]:
    """A campaign with results already stored, so «as it was» is not just «empty»."""
    scale = Scale.from_thresholds(max_primary=11, thresholds={3: 4, 4: 7, 5: 10}).to_dict()
    campaign = make_campaign(scale=scale)
    Result.objects.create(campaign=campaign, school=school_a, participant_code="1", scores=[1])
    return {"specialist": specialist, "campaign": campaign, "a": school_a, "b": school_b}


def refused(world: dict[str, Any], data: bytes, name: str = "f.xlsx", **options: Any) -> str:
    """Check the file as the specialist; assert it is refused and nothing changed."""
    before = snapshot()
    upload = upload_check(
        user=world["specialist"], filename=name, data=data, options=ImportOptions(**options)
    )
    assert upload.status == UploadStatus.REJECTED
    assert snapshot() == before
    return "\n".join(p["text"] for p in upload.report["problems"] if p["severity"] == "error")


def rezip(
    data: bytes, replace: dict[str, Any] | None = None, add: dict[str, Any] | None = None
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def good_f1(world: dict[str, Any]) -> bytes:
    return f1_xlsx(sample_schools([world["a"].login], 2))


def f1_with(world: dict[str, Any], *pupils: Pupil) -> bytes:
    return f1_xlsx([FileSchool(world["a"].login, "СОШ", list(pupils))])


# --- the file itself -----------------------------------------------------------------------


def test_not_an_xlsx(world: dict[str, Any]) -> None:
    assert "не является книгой Excel" in refused(world, b"%PDF-1.7 report", "results.xlsx")


def test_a_corrupt_zip(world: dict[str, Any]) -> None:
    assert "повреждён" in refused(world, b"PK\x03\x04" + b"\x00garbage" * 50)
    assert "повреждён" in refused(world, good_f1(world)[:-300])


def test_an_xlsm_with_macros(world: dict[str, Any]) -> None:
    data = rezip(good_f1(world), add={"xl/vbaProject.bin": b"\x00" * 64})
    assert "макрос" in refused(world, data, "book.xlsm")


def test_a_zip_bomb_small_file_huge_unpacked(world: dict[str, Any]) -> None:
    data = rezip(good_f1(world), add={"xl/media/bomb.bin": b"\x00" * (40 * 1024 * 1024)})
    assert len(data) < 200 * 1024
    assert "zip-бомбу" in refused(world, data)


def test_an_xml_entity_bomb_and_defusedxml_is_installed() -> None:
    """defusedxml is installed and refuses entities (the reader also refuses any DOCTYPE)."""
    assert defusedxml.__version__
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>'
    with pytest.raises(defusedxml.EntitiesForbidden):
        DET.fromstring(bomb)


def test_an_xlsx_with_an_xml_entity_bomb(world: dict[str, Any]) -> None:
    data = good_f1(world)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    bomb = rezip(
        data, replace={"xl/worksheets/sheet1.xml": lol + sheet.replace("Код участника", "&lol2;")}
    )
    assert "DOCTYPE" in refused(world, bomb)


def test_a_sheet_with_a_million_rows(world: dict[str, Any]) -> None:
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Код участника</t></is></c></row>'
    rows += '<row r="1000001"><c r="A1000001"><v>1</v></c></row>'
    data = rezip(
        good_f1(world),
        replace={"xl/worksheets/sheet1.xml": head + rows + "</sheetData></worksheet>"},
    )
    message = refused(world, data)
    assert "больше допустимых 200 000" in message and "строка 1 000 001" in message


def test_an_unknown_layout(world: dict[str, Any]) -> None:
    data = xlsx_bytes({"Лист1": [["Фамилия", "Телефон"], ["Иванов", "123"]]})
    assert "Не удалось определить формат файла" in refused(world, data)


def test_missing_columns(world: dict[str, Any]) -> None:
    rows = f1_rows(sample_schools([world["a"].login], 2))
    for row in rows[7:]:
        del row[-3:-1]  # «Первичный балл», «Отметка»
    message = refused(world, xlsx_bytes({"Индивидуальные результаты": rows}))
    assert "похож на форму Ф1 ФИС ОКО" in message
    assert "нет столбцов: «Первичный балл», «Отметка»" in message


# --- the cells -----------------------------------------------------------------------------


def test_a_score_above_the_task_maximum_negative_or_text(world: dict[str, Any]) -> None:
    message = refused(
        world,
        f1_with(
            world,
            Pupil(11, [3, 1, 1, 1, 1], primary=7, mark=3),
            Pupil(12, [-1, 1, 1, 1, 1], primary=3, mark=2),
            Pupil(13, ["два", 1, 1, 1, 1], primary=4, mark=3),
        ),
    )
    assert "строка 10, столбец G: балл 3 больше максимума 2 за задание 1" in message
    assert "строка 11, столбец G: отрицательный балл -1 за задание 1" in message
    assert "строка 12, столбец G: «два» — не число и не X в балле за задание 1" in message


def test_an_unknown_school_login(world: dict[str, Any]) -> None:
    data = f1_xlsx(sample_schools([world["a"].login, "edu999001"], 2))
    message = refused(world, data)
    assert "ОО с логином edu999001 нет в реестре (строки 13, 14)" in message


def test_a_duplicated_participant_code(world: dict[str, Any]) -> None:
    message = refused(
        world, f1_with(world, Pupil(7, [1, 1, 1, 1, 1], mark=3), Pupil(7, [2, 1, 1, 1, 1], mark=3))
    )
    assert "строка 11, столбец D: код участника 7 повторяется (впервые в строке 10)" in message


def test_a_mark_that_contradicts_the_scale(world: dict[str, Any]) -> None:
    message = refused(world, f1_with(world, Pupil(5, [2, 1, 3, 3, 2], mark=3)))
    assert (
        "строка 10: отметка «3» противоречит шкале кампании: за 11 первичных баллов ставится «5»"
        in message
    )


def test_an_empty_collection_form(world: dict[str, Any]) -> None:
    campaign = make_campaign(subject="math", grade=5)
    data = collection_xlsx([], empty_slots=5)
    message = refused(world, data, school_id=world["a"].pk, campaign_id=campaign.pk)
    assert "в файле нет ни одного участника с результатами" in message


def test_formula_cells_where_values_must_be_typed(world: dict[str, Any]) -> None:
    message = refused(world, f1_with(world, Pupil(5, ["=1+1", 1, 1, 1, 1], primary=6, mark=3)))
    assert "строка 10, столбец G: формула вместо значения" in message


def test_a_file_for_another_subject_or_grade_than_the_chosen_campaign(
    world: dict[str, Any],
) -> None:
    campaign = world["campaign"]
    other_grade = f1_xlsx(sample_schools([world["a"].login], 2), grade=5)
    message = refused(world, other_grade, campaign_id=campaign.pk)
    assert f"файл не относится к выбранной кампании «{campaign}»" in message
    assert "класс в файле — 5, в кампании — 4" in message
    other_subject = f1_xlsx(sample_schools([world["a"].login], 2), subject="Математика")
    message = refused(world, other_subject, campaign_id=campaign.pk)
    assert "предмет в файле — «Математика», в кампании — «Русский язык»" in message


@pytest.mark.parametrize(
    "make",
    [
        lambda w: b"%PDF",
        lambda w: f1_with(w, Pupil(5, [9, 1, 1, 1, 1], mark=3)),
    ],
)
def test_a_refused_file_through_the_web_leaves_the_database_as_it_was(
    world: dict[str, Any], client_for: Any, make: Callable[[dict[str, Any]], bytes]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    before = snapshot()
    client = client_for(world["specialist"])
    response = client.post(
        reverse("assessments:upload_create"),
        {"file": SimpleUploadedFile("f.xlsx", make(world)), "create_campaign": "on"},
    )
    page = client.get(response["Location"])
    assert "Найдены ошибки" in page.content.decode()
    assert snapshot() == before
