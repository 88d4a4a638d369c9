"""Municipality isolation is declared by every model that needs it, and enforced.

A model reaches a municipality when it has a relation to a school, a municipality, or
another model that does. Each such model's default queryset must be a `ScopedQuerySet`
with a municipality path that really ends at `schools.Municipality`, or be listed in
`NOT_SCOPED` with the reason it needs none.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.urls import reverse

from msoko.querysets import ScopedQuerySet
from schools.models import Municipality, School

PROJECT_APPS = ("msoko", "schools", "assessments", "roadmaps", "reports")

# Models that reach a municipality but are never listed or looked up by a user on their
# own: each is reached through its parent's scoped queryset, or belongs to one user.
NOT_SCOPED: dict[str, str] = {
    "msoko.User": "managed only in Django's admin by IT staff; no portal page lists users",
    "roadmaps.Section": "reached only through its road map (Roadmap.objects.for_user)",
    "roadmaps.Notification": "a user's own notifications: for_user filters by the user",
    "roadmaps.Reminder": "written and read only by the reminder job, never shown",
    "roadmaps.CalendarFeed": "a user's own calendar token",
    "roadmaps.ElementScore": "reached only through its self-assessment (CycleAssessment)",
}


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not model.__name__.startswith("Historical")  # simple_history: admin only
    ]


def _owned_models() -> set[type[models.Model]]:
    """Models with a relation path (not through a user) to a school or a municipality."""
    owned: set[type[models.Model]] = {School, Municipality}
    user_model = apps.get_model("msoko", "User")
    changed = True
    while changed:
        changed = False
        for model in _project_models():
            if model in owned:
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete):
                    continue
                if field.related_model in owned and (
                    model is user_model or field.related_model is not user_model
                ):
                    owned.add(model)
                    changed = True
                    break
    return owned


def _resolve(model: type[models.Model], path: str) -> type[models.Model]:
    """The model a lookup path ends at (`pk` is the model itself)."""
    current = model
    for part in path.split("__"):
        if part == "pk":
            continue
        field = current._meta.get_field(part)
        assert field.related_model is not None, f"{model.__name__}: {path} is not a relation"
        current = field.related_model  # type: ignore[assignment]
    return current


def test_the_walk_finds_the_models_that_must_be_scoped() -> None:
    owned = {model._meta.label for model in _owned_models()}
    # A sample that must be there, so that a broken walk cannot pass by finding nothing.
    for label in ("assessments.ResultUpload", "msoko.Job", "roadmaps.Evidence", "schools.School"):
        assert label in owned


@pytest.mark.parametrize("model", sorted(_owned_models(), key=lambda m: m._meta.label), ids=str)
def test_every_model_that_reaches_a_municipality_declares_its_path(
    model: type[models.Model],
) -> None:
    label = model._meta.label
    queryset = model._default_manager.all()
    if label in NOT_SCOPED:
        assert not isinstance(queryset, ScopedQuerySet), (
            f"{label} is scoped: drop it from NOT_SCOPED"
        )
        return
    assert isinstance(queryset, ScopedQuerySet), (
        f"{label} reaches a school or a municipality but its queryset is not a ScopedQuerySet; "
        "declare municipality_lookup (or list it in NOT_SCOPED with the reason)"
    )
    for path in queryset.municipality_paths():
        try:
            target = _resolve(model, path)
        except FieldDoesNotExist as exc:
            pytest.fail(f"{label}: municipality path {path!r} does not exist ({exc})")
        assert target is Municipality, f"{label}: {path!r} ends at {target.__name__}"


def test_not_scoped_lists_only_existing_models() -> None:
    for label in NOT_SCOPED:
        apps.get_model(label)


@pytest.mark.parametrize("lookup", [None, "", ("school__municipality", "")])
def test_an_empty_municipality_path_is_an_error(lookup: Any) -> None:
    attributes: dict[str, Any] = {"__module__": __name__}
    if lookup is not None:
        attributes["municipality_lookup"] = lookup
    with pytest.raises(ImproperlyConfigured, match="municipality_lookup"):
        type("Careless", (ScopedQuerySet,), attributes)


# --- the reproductions of the isolation issue ------------------------------------------


@pytest.fixture
def second_municipality(db: Any) -> Any:
    from tests.factories import MunicipalityFactory

    return MunicipalityFactory(name="Второй округ", short_name="Второй МО", oktmo="87654000")


@pytest.fixture
def specialist_m2(second_municipality: Any) -> Any:
    from msoko.choices import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.SPECIALIST, username="spec_m2", municipality=second_municipality)


def _f1_of(school: Any) -> bytes:
    from tests.assessments.builders import f1_xlsx, sample_schools
    from tests.assessments.test_import_results import make_campaign

    make_campaign()
    return f1_xlsx(sample_schools([school.login], 4))


def _checked_upload(director: Any) -> Any:
    from assessments.services.imports import upload_check

    upload = upload_check(user=director, filename="f1.xlsx", data=_f1_of(director.school))
    assert not upload.is_refused, upload.report
    return upload


def test_a_specialist_of_another_municipality_cannot_see_or_confirm_an_upload(
    director_a: Any, specialist_m2: Any, client_for: Any
) -> None:
    from assessments.choices import UploadStatus
    from assessments.models import Result

    upload = _checked_upload(director_a)
    assert upload.municipality_id == director_a.school.municipality_id
    client = client_for(specialist_m2)
    for name in ("upload_detail", "upload_file", "upload_progress"):
        assert client.get(reverse(f"assessments:{name}", args=[upload.pk])).status_code == 404
    response = client.post(reverse("assessments:upload_confirm", args=[upload.pk]))
    assert response.status_code == 404
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
    assert not Result.objects.exists()
    assert not client.get(reverse("assessments:upload_list")).context["table"].rows


def test_the_registry_export_takes_the_chosen_municipality(
    school_a: Any, specialist: Any, specialist_m2: Any, second_municipality: Any, client_for: Any
) -> None:
    import io

    from openpyxl import load_workbook

    from tests.factories import SchoolFactory

    SchoolFactory(municipality=second_municipality, short_name="МБОУ Озёрная СОШ")

    def exported(client: Any, query: str = "") -> list[str]:
        response = client.get(reverse("schools:registry_export") + query)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content), read_only=True)["ОО"]
        return [row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]

    assert exported(client_for(specialist_m2)) == ["МБОУ Озёрная СОШ"]
    wide = client_for(specialist)
    assert wide.get(reverse("schools:registry_export")).status_code == 302
    assert exported(wide, f"?municipality={school_a.municipality_id}") == [school_a.short_name]
    assert exported(wide, f"?municipality={second_municipality.pk}") == ["МБОУ Озёрная СОШ"]
    mine = client_for(specialist_m2)
    response = mine.get(
        reverse("schools:registry_export") + f"?municipality={school_a.municipality_id}"
    )
    assert response.status_code == 404


def test_an_upload_made_from_the_command_line_has_a_page(
    school_a: Any, specialist: Any, client_for: Any
) -> None:
    from assessments.services.imports import upload_check

    upload = upload_check(user=None, filename="f1.xlsx", data=_f1_of(school_a))
    assert upload.uploaded_by is None
    response = client_for(specialist).get(reverse("assessments:upload_detail", args=[upload.pk]))
    assert response.status_code == 200
    assert "командная строка" in response.content.decode()


def test_a_refused_file_is_offered_only_under_a_neutral_name(
    director_a: Any, client_for: Any
) -> None:
    from assessments.services.imports import upload_check

    upload = upload_check(user=director_a, filename="<script>.html", data=b"<html>hostile</html>")
    assert upload.is_refused
    response = client_for(director_a).get(reverse("assessments:upload_file", args=[upload.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    disposition = response["Content-Disposition"]
    assert f"otklonennyi-fail-{upload.sha256[:12]}.bin" in disposition
    assert "script" not in disposition and ".html" not in disposition


def test_jobs_of_another_municipality_give_404(
    specialist: Any, specialist_m2: Any, school_a: Any, client_for: Any
) -> None:
    from msoko.jobs import job_create

    job = job_create(
        kind="t", title="Пересчёт", created_by=specialist, municipality_id=school_a.municipality_id
    )
    own = job_create(kind="t", title="Свой", created_by=specialist_m2)
    assert own.municipality_id == specialist_m2.municipality_id
    client = client_for(specialist_m2)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_detail", args=[own.pk])).status_code == 200
