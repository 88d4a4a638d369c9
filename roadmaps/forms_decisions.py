"""Forms of the register of recommendations and decisions; they shape the input only, the
rules (the basis snapshot, the measures, the statuses) live in services_decisions.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from assessments import catalogue
from assessments.models import ObjectivityMarker, Subject
from msoko.models import User
from roadmaps.choices import RoadmapStatus
from roadmaps.forms import DATE_INPUT, WebLinksField, size_checked
from roadmaps.models import (
    AddresseeGroup,
    BasisKind,
    Decision,
    Recommendation,
    Roadmap,
)
from roadmaps.selectors_decisions import marker_label, markers_for, recommendations_for
from schools.models import Municipality, School

GROUP_CHOICES = [("", "— не группа —"), *[c for c in AddresseeGroup.choices if c[0]]]


def indicator_choices() -> list[tuple[str, str]]:
    """The catalogue's indicators by name, the code after it (as the catalogue page shows)."""
    named = sorted(
        ((code, f"{i.name} ({code})") for code, i in catalogue.CATALOGUE.items()),
        key=lambda choice: choice[1],
    )
    return [("", "— не выбран —"), *named]


class _MunicipalityMixin:
    """A user bound to no municipality chooses it (only where no school decides it)."""

    fields: dict[str, forms.Field]

    def _municipality_field(self, user: User) -> None:
        if user.municipality_id:
            return
        self.fields["municipality"] = forms.ModelChoiceField(
            label="Муниципалитет",
            queryset=Municipality.objects.for_user(user),
            required=False,
            empty_label="— по ОО —",
            help_text="Нужен, если адресат — группа ОО (для одной ОО берётся её муниципалитет).",
        )


class RecommendationForm(_MunicipalityMixin, forms.Form):
    """A recommendation: addressee, text, due date and the basis chosen from findings."""

    year = forms.IntegerField(label="Год", min_value=2000, max_value=2100)
    number = forms.CharField(
        label="№", max_length=32, required=False, help_text="Пусто — номер дадим сами (N/год)."
    )
    school = forms.ModelChoiceField(
        label="Адресат: ОО", queryset=School.objects.none(), required=False, empty_label="—"
    )
    group = forms.ChoiceField(label="или группа ОО", choices=GROUP_CHOICES, required=False)
    text = forms.CharField(label="Рекомендация", widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label="Срок исполнения", required=False, widget=DATE_INPUT)
    basis_kind = forms.ChoiceField(label="Основание", choices=BasisKind.choices)
    marker: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Маркер необъективности",
        queryset=ObjectivityMarker.objects.none(),
        required=False,
        empty_label="—",
    )
    indicator = forms.ChoiceField(label="Показатель", choices=(), required=False)
    basis_year = forms.IntegerField(
        label="Год значения (критерия)", min_value=2000, max_value=2100, required=False
    )
    subject = forms.ModelChoiceField(
        label="Предмет", queryset=Subject.objects.all(), required=False, empty_label="—"
    )
    grade = forms.IntegerField(label="Класс", min_value=1, max_value=11, required=False)
    part = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)
    basis_code = forms.CharField(label="Код критерия", max_length=64, required=False)
    basis_value = forms.CharField(label="Значение", max_length=200, required=False)
    basis_text = forms.CharField(
        label="Основание словами", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis_url = forms.CharField(
        label="Ссылка на основание",
        max_length=500,
        required=False,
        help_text="Страница портала («/…») или адрес сайта (http:// или https://).",
    )

    def __init__(
        self, *args: Any, user: User, recommendation: Recommendation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
        if recommendation is None:
            self._municipality_field(user)
        schools = School.objects.for_user(user).filter(is_active=True)
        markers = markers_for(user)
        if recommendation is not None:
            schools = School.objects.for_user(user).filter(
                municipality=recommendation.municipality_id
            )
            markers = markers.filter(municipality=recommendation.municipality_id)
        cast(forms.ModelChoiceField, self.fields["school"]).queryset = schools.order_by(
            "short_name"
        )
        marker_field = cast(forms.ModelChoiceField, self.fields["marker"])
        marker_field.queryset = markers
        marker_field.label_from_instance = marker_label  # type: ignore[method-assign,assignment]
        cast(forms.ChoiceField, self.fields["indicator"]).choices = indicator_choices()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("school") and data.get("group"):
            self.add_error("group", "Адресат — либо одна ОО, либо группа ОО, не то и другое.")
        if not data.get("school") and not data.get("group") and not data.get("marker"):
            self.add_error("school", "Укажите адресата: ОО или группу ОО.")
        return data

    def basis_fields(self) -> list[Any]:
        return [self[name] for name in BASIS_FIELDS if name in self.fields]


BASIS_FIELDS = (
    "marker",
    "indicator",
    "basis_year",
    "subject",
    "grade",
    "basis_code",
    "basis_value",
    "basis_text",
    "basis_url",
)


class ResponseForm(forms.Form):
    """The school's response: what was done, links and a file."""

    response = forms.CharField(
        label="Ответ ОО: что сделано", widget=forms.Textarea(attrs={"rows": 4})
    )
    response_links = WebLinksField(
        label="Ссылки на подтверждения (по одной на строке)", required=False
    )
    file = forms.FileField(
        label="Файл подтверждения",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, ODS, JPG или PNG, до 20 МБ.",
    )

    def clean_file(self) -> UploadedFile | None:
        from roadmaps.services import EVIDENCE_MAX_MB

        limit = min(
            settings.UPLOAD_MAX_MB,
            int(getattr(settings, "ROADMAP_EVIDENCE_MAX_MB", EVIDENCE_MAX_MB)),
        )
        return size_checked(self.cleaned_data.get("file"), limit)


class DecisionForm(_MunicipalityMixin, forms.Form):
    """A decision: the act, its content, the recommendations it follows, the indicator of
    its effect, and measures that become tasks of a road map."""

    year = forms.IntegerField(label="Год", min_value=2000, max_value=2100)
    act_number = forms.CharField(
        label="Номер акта",
        max_length=64,
        error_messages={"required": "Укажите номер акта (приказа, распоряжения)."},
    )
    act_date = forms.DateField(
        label="Дата акта",
        widget=DATE_INPUT,
        error_messages={"required": "Укажите дату акта."},
    )
    title = forms.CharField(
        label="Наименование",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Укажите наименование решения."},
    )
    text = forms.CharField(
        label="Содержание решения", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    school = forms.ModelChoiceField(
        label="ОО (если решение касается одной ОО)",
        queryset=School.objects.none(),
        required=False,
        empty_label="— муниципалитет в целом —",
    )
    recommendations = forms.ModelMultipleChoiceField(
        label="По рекомендациям",
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    indicator_code = forms.ChoiceField(
        label="Показатель эффекта",
        choices=(),
        required=False,
        help_text="Его значение в год решения и в следующем году покажет эффект.",
    )
    subject = forms.ModelChoiceField(
        label="Предмет показателя", queryset=Subject.objects.all(), required=False, empty_label="—"
    )
    grade = forms.IntegerField(label="Класс показателя", min_value=1, max_value=11, required=False)
    roadmap = forms.ModelChoiceField(
        label="Дорожная карта мер", queryset=Roadmap.objects.none(), required=False
    )
    measures = forms.CharField(
        label="Меры (новые задачи дорожной карты)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="По одной на строке; срок — после тире: «Провести семинар для учителей "
        "математики — до 1 марта 2026 г.». Без срока — декабрь года акта. Меры войдут в раздел "
        "«Управленческие решения» выбранной дорожной карты.",
    )

    def __init__(
        self, *args: Any, user: User, decision: Decision | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if decision is None:
            self._municipality_field(user)
        schools = School.objects.for_user(user).filter(is_active=True)
        recommendations = recommendations_for(user)
        roadmaps = Roadmap.objects.for_user(user).exclude(status=RoadmapStatus.ARCHIVED)
        if decision is not None:
            schools = School.objects.for_user(user).filter(municipality=decision.municipality_id)
            recommendations = recommendations.filter(municipality=decision.municipality_id)
            if decision.roadmap_id:
                roadmaps = Roadmap.objects.for_user(user).filter(
                    pk__in=[*roadmaps.values_list("pk", flat=True), decision.roadmap_id]
                )
        cast(forms.ModelChoiceField, self.fields["school"]).queryset = schools.order_by(
            "short_name"
        )
        field = cast(forms.ModelMultipleChoiceField, self.fields["recommendations"])
        field.queryset = recommendations.order_by("-year", "-pk")
        field.label_from_instance = _recommendation_label  # type: ignore[method-assign,assignment]
        cast(forms.ModelChoiceField, self.fields["roadmap"]).queryset = roadmaps.order_by(
            "-start_year", "title"
        )
        cast(forms.ChoiceField, self.fields["indicator_code"]).choices = indicator_choices()
        if decision is not None:
            self.fields["measures"].label = "Добавить меры (новые задачи дорожной карты)"


def _recommendation_label(recommendation: Recommendation) -> str:
    text = " ".join(recommendation.text.split())
    short = text if len(text) <= 70 else text[:69] + "…"
    return f"№ {recommendation.number or recommendation.pk} ({recommendation.addressee}): {short}"


def decision_initial(decision: Decision) -> dict[str, Any]:
    """The decision form's initial values from a stored decision."""
    subject = (
        Subject.objects.filter(code=decision.subject).values_list("pk", flat=True).first()
        if decision.subject
        else None
    )
    return {
        "year": decision.year,
        "act_number": decision.act_number,
        "act_date": decision.act_date,
        "title": decision.title,
        "text": decision.text,
        "school": decision.school_id,
        "recommendations": list(decision.recommendations.values_list("pk", flat=True)),
        "indicator_code": decision.indicator_code,
        "subject": subject,
        "grade": decision.grade,
        "roadmap": decision.roadmap_id,
    }


def recommendation_initial(recommendation: Recommendation) -> dict[str, Any]:
    """The recommendation form's initial values; a marker or an indicator is not chosen
    again (its snapshot is kept unless another finding is picked)."""
    initial: dict[str, Any] = {
        "year": recommendation.year,
        "number": recommendation.number,
        "school": recommendation.school_id,
        "group": recommendation.group,
        "text": recommendation.text,
        "due_date": recommendation.due_date,
        "basis_kind": recommendation.basis_kind,
    }
    if recommendation.basis_kind in (BasisKind.CRITERION, BasisKind.OTHER):
        initial.update(
            basis_code=recommendation.basis_code,
            basis_year=recommendation.basis_year,
            basis_value=recommendation.basis_value,
            basis_text=recommendation.basis_text,
            basis_url=recommendation.basis_url,
        )
    return initial
