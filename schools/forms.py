from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from msoko.forms import RussianNumbersMixin
from msoko.spreadsheets import FileRejected, refuse_size
from schools.choices import ShnsuRule
from schools.models import School, SocialPassport
from schools.wellbeing import FACTORS


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "municipality",
            "full_name",
            "short_name",
            "org_type",
            "login",
            "inn",
            "address",
            "locality",
            "director_name",
            "phone",
            "email",
            "is_active",
            "successor",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            from schools.models import Municipality

            self.fields["municipality"].queryset = Municipality.objects.for_user(user)  # type: ignore[attr-defined]
            successors = School.objects.for_user(user)
            if self.instance.pk:
                successors = successors.exclude(pk=self.instance.pk)
            self.fields["successor"].queryset = successors  # type: ignore[attr-defined]


class PassportForm(RussianNumbersMixin, forms.ModelForm):
    class Meta:
        model = SocialPassport
        fields = [
            "year",
            *[
                "pupils_total",
                "pupils_ovz",
                "share_low_income",
                "share_large_families",
                "share_non_native",
                "share_pdn",
                "share_single_parent",
                "share_parents_no_higher",
                "teachers_total",
                "teacher_vacancies",
                "share_teachers_pension",
                "share_teachers_category",
                "distance_km",
            ],
        ]

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school
        if self.instance.pk:
            self.fields["year"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ovz, total = cleaned.get("pupils_ovz"), cleaned.get("pupils_total")
        if ovz is not None and total is not None and ovz > total:
            self.add_error(
                "pupils_ovz", "Обучающихся с ОВЗ не может быть больше, чем всего обучающихся."
            )
        year = cleaned.get("year")
        if (
            year
            and not self.instance.pk
            and SocialPassport.objects.filter(school=self.school, year=year).exists()
        ):
            self.add_error("year", f"Паспорт за {year} год уже есть — откройте его для изменения.")
        return cleaned


class WellbeingSettingsForm(RussianNumbersMixin, forms.Form):
    shnsu_rule = forms.ChoiceField(label="Правило отнесения к ШНСУ", choices=ShnsuRule.choices)
    shnsu_value = forms.DecimalField(
        label="Порог",
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        help_text="Доля школ с самым низким индексом (%) или значение индекса.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for factor in FACTORS:
            self.fields[f"w_{factor.key}"] = forms.DecimalField(
                label=factor.label,
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
            )

    def weights(self) -> dict[str, float]:
        return {factor.key: float(self.cleaned_data[f"w_{factor.key}"]) for factor in FACTORS}


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл реестра (.xlsx)",
        help_text="Заполненный шаблон: листы «Муниципалитет», «ОО», «Паспорта».",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        """The size is checked here, before the view reads or stores anything."""
        uploaded: UploadedFile = self.cleaned_data["file"]
        try:
            refuse_size(uploaded.name or "", uploaded.size, settings.UPLOAD_MAX_MB * 1024 * 1024)
        except FileRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return uploaded
