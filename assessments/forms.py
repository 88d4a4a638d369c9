"""Forms of the campaign catalogue: campaign and tasks, scale, lock, ЕГЭ thresholds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from assessments.choices import TaskLevel
from assessments.models import Campaign, EgeThreshold, MappingProfile
from assessments.scales import MarkCondition, Scale
from assessments.services.campaigns import TaskData
from msoko.forms import RussianNumbersMixin
from msoko.spreadsheets import FileRejected, refuse_size


class CampaignForm(RussianNumbersMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["procedure", "year", "subject", "grade", "date", "variants", "max_primary"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "max_primary": "Если не указан, равен сумме максимальных баллов заданий.",
        }


class TaskForm(RussianNumbersMixin, forms.Form):
    number = forms.CharField(label="Номер", max_length=16, required=False)
    max_score = forms.DecimalField(
        label="Макс. балл", max_digits=5, decimal_places=1, min_value=Decimal("0.5"), required=False
    )
    level = forms.ChoiceField(
        label="Уровень", choices=[("", "—"), *TaskLevel.choices], required=False
    )
    requirement = forms.CharField(label="Проверяемые требования (умения)", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("number") and data.get("max_score") is None:
            self.add_error("max_score", "Укажите максимальный балл.")
        if data.get("max_score") is not None and not data.get("number"):
            self.add_error("number", "Укажите номер задания.")
        return data


TaskFormSet = forms.formset_factory(TaskForm, extra=3, can_delete=True)


def tasks_from_formset(formset: Any) -> list[TaskData]:
    """The filled, not deleted rows of a valid task formset, in their order."""
    tasks = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("number"):
            continue
        tasks.append(
            TaskData(
                number=data["number"].strip(),
                max_score=data["max_score"],
                level=data.get("level") or "",
                requirement=(data.get("requirement") or "").strip(),
            )
        )
    return tasks


def task_initial(tasks: Any) -> list[dict[str, Any]]:
    return [
        {
            "number": t.number,
            "max_score": t.max_score,
            "level": t.level,
            "requirement": t.requirement,
        }
        for t in tasks
    ]


class TaskFileForm(forms.Form):
    tasks_file = forms.FileField(
        label="Загрузить состав заданий из файла",
        required=False,
        help_text="Форма Ф1 ФИС ОКО или форма сбора результатов (xlsx, csv): берутся только "
        "задания из заголовка, например «4К1 (3б)» — задание 4, критерий 1, максимум 3.",
    )

    def clean_tasks_file(self) -> UploadedFile | None:
        """The size is checked here, before the view reads the file."""
        uploaded: UploadedFile | None = self.cleaned_data.get("tasks_file")
        if uploaded is not None:
            try:
                refuse_size(
                    uploaded.name or "", uploaded.size, settings.UPLOAD_MAX_MB * 1024 * 1024
                )
            except FileRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        return uploaded


class ScaleForm(forms.Form):
    max_primary = forms.IntegerField(label="Максимальный первичный балл", min_value=1)
    min3 = forms.IntegerField(label="«3» — от, баллов", min_value=0)
    min4 = forms.IntegerField(label="«4» — от, баллов", min_value=0)
    min5 = forms.IntegerField(label="«5» — от, баллов", min_value=0)
    title = forms.CharField(label="Название шкалы", max_length=255, required=False)
    source = forms.CharField(
        label="Источник", max_length=500, required=False, help_text="Приказ, рекомендация ФИПИ…"
    )
    comment = forms.CharField(label="Основание изменения", max_length=500, required=False)
    remark = forms.BooleanField(
        label="Пересчитать отметки уже загруженных результатов по новой шкале", required=False
    )


class ConditionForm(RussianNumbersMixin, forms.Form):
    mark = forms.TypedChoiceField(
        label="Отметка",
        choices=[("", "—"), (3, "«3»"), (4, "«4»"), (5, "«5»")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    tasks = forms.CharField(
        label="Задания", required=False, help_text="Через запятую: 15, 16, 17 или ГК1, ГК2"
    )
    min_points = forms.DecimalField(label="Не менее баллов", min_value=0, required=False)
    description = forms.CharField(label="Описание", max_length=255, required=False)


ConditionFormSet = forms.formset_factory(ConditionForm, extra=2, can_delete=True)


def scale_from_forms(form: ScaleForm, conditions: Any) -> Scale:
    """A Scale from valid forms (its sense is checked by Scale.validate in the service)."""
    data = form.cleaned_data
    items = []
    for condition in conditions.forms:
        c = condition.cleaned_data
        if not c or c.get("DELETE") or not c.get("mark"):
            continue
        numbers = tuple(t.strip() for t in (c.get("tasks") or "").replace(";", ",").split(","))
        if c.get("min_points") is None:
            raise ValidationError(f"Условие для «{c['mark']}»: укажите минимальный балл.")
        items.append(
            MarkCondition(
                mark=c["mark"],
                tasks=tuple(n for n in numbers if n),
                min_points=float(c["min_points"]),
                description=c.get("description") or "",
            )
        )
    return Scale.from_thresholds(
        max_primary=data["max_primary"],
        thresholds={3: data["min3"], 4: data["min4"], 5: data["min5"]},
        conditions=items,
        title=data.get("title") or "",
        source=data.get("source") or "",
    )


def scale_initial(scale: Scale | None, max_primary: Any) -> tuple[dict[str, Any], list[Any]]:
    if scale is None:
        return ({"max_primary": int(max_primary) if max_primary else None}, [])
    bands = {b.mark: b.min_primary for b in scale.bands}
    initial = {
        "max_primary": scale.max_primary,
        "min3": bands.get(3),
        "min4": bands.get(4),
        "min5": bands.get(5),
        "title": scale.title,
        "source": scale.source,
    }
    conditions = [
        {
            "mark": c.mark,
            "tasks": ", ".join(c.tasks),
            "min_points": Decimal(str(c.min_points)),
            "description": c.description,
        }
        for c in scale.conditions
    ]
    return initial, conditions


class LockForm(forms.Form):
    comment = forms.CharField(label="Комментарий", max_length=500, required=False)


class EgeThresholdForm(RussianNumbersMixin, forms.ModelForm):
    class Meta:
        model = EgeThreshold
        fields = ["year", "subject", "kind", "value", "note"]


# Fields of a РЦОИ protocol a profile maps, with their Russian names (assessments/parsing/rcoi.py).
PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("participant_code", "Код участника"),
    ("school_code", "Код ОО"),
    ("class_name", "Класс"),
    ("variant", "Вариант"),
    ("short_answers", "Ответы в краткой форме"),
    ("long_answers", "Ответы в развёрнутой форме"),
    ("primary_score", "Первичный балл"),
    ("test_score", "Тестовый балл (ЕГЭ)"),
    ("mark", "Оценка (ОГЭ)"),
    ("subject_code", "Код предмета"),
)


class MappingProfileForm(forms.ModelForm):
    """A profile: for each field, the header texts that mean it, separated by «;»."""

    class Meta:
        model = MappingProfile
        fields = ["name", "region", "kind", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = self.instance.columns if self.instance.pk else _default_columns("ege")
        for key, label in PROFILE_FIELDS:
            self.fields[f"col_{key}"] = forms.CharField(
                label=label,
                required=key == "participant_code",
                initial="; ".join(columns.get(key, [])),
                help_text="Заголовки столбца через «;», например: Код участника; Код",
            )

    def columns(self) -> dict[str, list[str]]:
        result = {}
        for key, _label in PROFILE_FIELDS:
            synonyms = [s.strip() for s in self.cleaned_data.get(f"col_{key}", "").split(";")]
            if any(synonyms):
                result[key] = [s for s in synonyms if s]
        return result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, region = cleaned.get("kind"), cleaned.get("region", "")
        others = MappingProfile.objects.filter(kind=kind, region=region, is_active=True)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if cleaned.get("is_active") and others.exists():
            self.add_error(
                "region",
                "Для этого региона уже есть действующий профиль протокола этого вида — "
                "измените его или отключите.",
            )
        last = "col_test_score" if kind == "ege" else "col_mark"
        if kind and not cleaned.get(last):
            self.add_error(last, "Для протокола ЕГЭ нужен тестовый балл, для ОГЭ — оценка.")
        return cleaned


def _default_columns(kind: str) -> dict[str, list[str]]:
    from assessments.parsing import DEFAULT_PROFILES

    profile = next(p for p in DEFAULT_PROFILES if p.kind == kind)
    return dict(profile.columns)
