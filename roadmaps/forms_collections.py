"""Forms of data collections: opening one, a school's values, the uploads."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from assessments import catalogue
from roadmaps.forms import DATE_INPUT, size_checked
from roadmaps.importing_collections import IMPORT_LIMITS
from roadmaps.models import Collection, CollectionStatus, Task
from roadmaps.services_collections import task_choices
from schools.models import Municipality

ROTATIONS = ((1, "каждая ОО ежегодно"), (2, "1 раз в 2 года"), (3, "1 раз в 3 года для каждой ОО"))


def _set_choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in catalogue.SETS.values()]


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.roadmap.title[:50]} — {obj.number}. {obj.title[:90]}"


class CollectionForm(forms.Form):
    """Open a collection: a set (or part of it) × year × deadline × rotation × task."""

    set_code = forms.ChoiceField(label="Набор показателей (направление)", choices=())
    title = forms.CharField(
        label="Название", max_length=300, required=False, help_text="Пусто — название набора."
    )
    year = forms.IntegerField(label="Год", min_value=2000, max_value=2100)
    deadline = forms.DateField(label="Срок сдачи", widget=DATE_INPUT)
    rotation = forms.TypedChoiceField(
        label="Периодичность", choices=ROTATIONS, coerce=int, initial=1
    )
    task = TaskChoiceField(
        label="Задача дорожной карты",
        queryset=Task.objects.none(),
        required=False,
        help_text="ОО получат её в «Мои задачи» со сроком сдачи и напоминаниями.",
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_field = self.fields["set_code"]
        assert isinstance(set_field, forms.ChoiceField)
        set_field.choices = _set_choices()
        task_field = self.fields["task"]
        assert isinstance(task_field, forms.ModelChoiceField)
        task_field.queryset = task_choices(municipality)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["deadline"].initial = today + datetime.timedelta(days=30)


def set_groups(chosen: list[str]) -> list[tuple[Any, list[tuple[str, str, bool]]]]:
    """Each set with the indicators one may tick (not a share's counts, which come with
    it, nor survey ones, which come by file): (set, [(code, name, ticked)])."""
    return [
        (
            item,
            [
                (code, catalogue.CATALOGUE[code].name, code in chosen)
                for code in item.indicators
                if not _is_count_of_share(code, item.indicators) and not _survey(code)
            ],
        )
        for item in catalogue.SETS.values()
    ]


def _survey(code: str) -> bool:
    collect = catalogue.CATALOGUE[code].collect
    return bool(collect and collect.survey)


def _is_count_of_share(code: str, codes: tuple[str, ...]) -> bool:
    """A count that only serves as a share's numerator or denominator in the set."""
    for other in codes:
        collect = catalogue.CATALOGUE[other].collect
        if collect and collect.derived and code in (collect.numerator, collect.denominator):
            return True
    return False


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label="Новый срок сдачи", widget=DATE_INPUT)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


def _checked_file(uploaded: UploadedFile | None) -> UploadedFile | None:
    limit = min(settings.UPLOAD_MAX_MB, IMPORT_LIMITS.max_bytes // (1024 * 1024))
    return size_checked(uploaded, limit)


class CollectionUploadForm(forms.Form):
    collection = forms.ModelChoiceField(label="Сбор", queryset=Collection.objects.none())
    file = forms.FileField(
        label="Заполненный шаблон сбора (.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collection"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Collection.objects.for_user(user).filter(status=CollectionStatus.OPEN)

    def clean_file(self) -> UploadedFile | None:
        return _checked_file(self.cleaned_data.get("file"))


class SurveyUploadForm(forms.Form):
    year = forms.IntegerField(label="Год анкетирования", min_value=2000, max_value=2100)
    file = forms.FileField(
        label="Результаты анкетирования по ОО (.xlsx или .csv)",
        help_text="Столбцы: Логин ОО | Показатель | Значение | Респондентов.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self) -> UploadedFile | None:
        return _checked_file(self.cleaned_data.get("file"))
