"""The upload form of result files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from assessments.choices import OlympiadStage
from assessments.models import Campaign
from assessments.services.imports import ImportOptions
from msoko.models import User
from schools.models import School


class ResultUploadForm(forms.Form):
    """A result file, with the campaign and (for specialists) the school it is for.

    A director uploads for his own school only, so he gets no school field and cannot let
    the import create a campaign.
    """

    file = forms.FileField(
        label="Файл результатов (.xlsx или .csv)",
        help_text="Ф1 ФИС ОКО, форма сбора результатов школы, протокол РЦОИ (ЕГЭ, ОГЭ), "
        "результаты ВсОШ, «Статистика по отметкам» или сравнение с журналом.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    campaign = forms.ModelChoiceField(
        label="Кампания",
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="Определить по заголовку файла",
        help_text="Показаны кампании, приём результатов которых открыт.",
    )
    school = forms.ModelChoiceField(
        label="ОО",
        queryset=School.objects.none(),
        required=False,
        empty_label="Указана в файле (логин или код ОО)",
        help_text="Обязательно для формы сбора результатов: в ней нет логина ОО.",
    )
    create_campaign = forms.BooleanField(
        label="Создать кампанию по заголовку файла, если её ещё нет",
        required=False,
        initial=True,
    )
    olympiad_year = forms.IntegerField(
        label="Учебный год ВсОШ (год окончания)",
        required=False,
        min_value=2015,
        max_value=2100,
        help_text="Только для результатов олимпиады: 2026 — 2025/26 учебный год.",
    )
    olympiad_stage = forms.ChoiceField(
        label="Этап ВсОШ",
        required=False,
        choices=[("", "Указан в файле"), *OlympiadStage.choices],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        campaigns = Campaign.objects.for_user(user).filter(is_locked=False)
        self.fields["campaign"].queryset = campaigns.select_related(  # type: ignore[attr-defined]
            "procedure", "subject"
        )
        if user.is_director and not user.is_superuser:
            del self.fields["school"]
            del self.fields["create_campaign"]
        else:
            self.fields["school"].queryset = School.objects.for_user(user)  # type: ignore[attr-defined]

    def clean_file(self) -> UploadedFile:
        uploaded: UploadedFile = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB
        if uploaded.size is not None and uploaded.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"Файл больше допустимых {limit} МБ. Разделите его на части."
            )
        return uploaded

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        campaign = data.get("campaign")
        school = data.get("school")
        return ImportOptions(
            campaign_id=campaign.pk if campaign else None,
            school_id=school.pk if school else None,
            create_campaign=bool(data.get("create_campaign")),
            olympiad_year=data.get("olympiad_year"),
            olympiad_stage=data.get("olympiad_stage") or "",
        )
