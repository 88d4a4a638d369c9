"""Forms of the medalists pages: one medalist by hand, and a medalist list file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from assessments.choices import MedalKind
from msoko.models import User
from schools.models import School


class MedalistForm(forms.Form):
    """A medalist of a year: the school (of those the specialist sees), the participant code
    and the medal. No names: the participant code of the ЕГЭ protocols is the key."""

    year = forms.IntegerField(label="Год выпуска", min_value=2000, max_value=2100)
    school = forms.ModelChoiceField(label="ОО", queryset=School.objects.none())
    participant_code = forms.CharField(
        label="Код участника",
        max_length=32,
        help_text="Как в протоколах ЕГЭ: по нему медаль сверяется с результатами.",
    )
    medal = forms.ChoiceField(label="Медаль", choices=MedalKind.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = School.objects.for_user(user).general().order_by("short_name")
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class MedalistUploadForm(forms.Form):
    file = forms.FileField(
        label="Список медалистов (.xlsx или .csv)",
        help_text="Столбцы: Год | Логин ОО | Код участника | Медаль («I степени» или "
        "«II степени»).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
