"""Forms of the «500+» pages: the reference of risks and measures, a school's risk profile,
the survey workbook upload and the curator. They hold no rules: roadmaps/services_risks.py
checks and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from msoko.forms import RussianNumbersMixin
from msoko.models import User
from roadmaps.forms import size_checked
from roadmaps.models import MeasureTemplate, RiskDirection, RiskLevel, SchoolRisk

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RiskDirectionForm(forms.ModelForm):
    class Meta:
        model = RiskDirection
        fields = ["code", "title", "description", "order", "valid_from", "valid_to"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "code": "Латиница, цифры и дефис; по коду (или по наименованию) риск узнаётся в "
            "загружаемом файле.",
            "valid_to": "Пусто — действует и сейчас. Риск, который больше не оценивается, не "
            "удаляют, а закрывают годом.",
        }


class MeasureTemplateForm(RussianNumbersMixin, forms.ModelForm):
    class Meta:
        model = MeasureTemplate
        fields = [
            "order",
            "title",
            "deadline_text",
            "indicator_kind",
            "indicator_text",
            "comparison",
            "target_value",
            "target_unit",
            "expected_result",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "indicator_text": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "deadline_text": "Без года, как в дорожных картах: «ежеквартально», «до 1 июня», "
            "«ежегодно, сентябрь», «в течение учебного года», «по итогам четверти».",
            "target_value": "Для числового показателя: например, 30 (%) или 2 (мероприятия).",
        }


class RiskEntryForm(RussianNumbersMixin, forms.Form):
    """One risk of the profile page; the page shows one per valid risk direction."""

    value = forms.DecimalField(label="Значение", required=False, max_digits=8, decimal_places=2)
    level = forms.ChoiceField(
        label="Уровень", required=False, choices=[("", "—"), *RiskLevel.choices]
    )
    selected = forms.BooleanField(label="Выбран", required=False)
    evidence = forms.CharField(
        label="Обоснование",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def initial_for(cls, entry: SchoolRisk | None) -> dict[str, Any]:
        if entry is None:
            return {}
        return {
            "value": entry.value,
            "level": entry.level,
            "selected": entry.selected,
            "evidence": entry.evidence,
        }


class RiskUploadForm(forms.Form):
    year = forms.IntegerField(label="Год риск-профиля", min_value=2000, max_value=2100)
    file = forms.FileField(
        label="Файл с результатами анкетирования (.xlsx или .csv)",
        help_text="Столбцы: Логин ОО | Риск | Значение | Уровень (необязательные: Выбран, "
        "Обоснование).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self) -> UploadedFile | None:
        from roadmaps.importing_risks import IMPORT_LIMITS

        limit = min(settings.UPLOAD_MAX_MB, IMPORT_LIMITS.max_bytes // (1024 * 1024))
        return size_checked(self.cleaned_data.get("file"), limit)


class CuratorForm(forms.Form):
    user = forms.ModelChoiceField(label="Куратор", queryset=User.objects.none())
    since = forms.DateField(label="Назначен с", required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = _person  # type: ignore[attr-defined]
        self.fields["since"].initial = timezone.localdate()


def _person(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.position})" if user.position else name
