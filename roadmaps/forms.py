"""Forms of the road-map pages; rules live in services.py, forms only shape the input."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone

from msoko.choices import Role
from msoko.forms import RussianNumbersMixin
from msoko.models import User
from msoko.spreadsheets import FileRejected, refuse_size
from roadmaps.choices import ActKind, CycleElement, OccurrenceStatus, RoadmapStatus, Score
from roadmaps.models import CycleAssessment, Direction, Roadmap, Section, Task
from schools.models import School

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoadmapForm(forms.ModelForm):
    class Meta:
        model = Roadmap
        fields = [
            "title",
            "act_kind",
            "act_number",
            "act_date",
            "act_issuer",
            "start_year",
            "end_year",
            "status",
        ]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "act_date": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            self.add_error("end_year", "Последний год периода раньше первого.")
        return data


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["direction", "title", "order"]


class DirectionForm(forms.Form):
    title = forms.CharField(label="Наименование направления", max_length=300)


def department_staff(user: User) -> Any:
    """Specialists who may be made responsible: of the user's municipality (or unbound)."""
    staff = User.objects.filter(is_active=True, role__in=[Role.SPECIALIST, Role.ADMIN])
    if user.municipality_id:
        staff = staff.filter(Q(municipality=user.municipality_id) | Q(municipality__isnull=True))
    return staff


class TaskForm(RussianNumbersMixin, forms.ModelForm):
    class Meta:
        model = Task
        fields = [
            "section",
            "number",
            "title",
            "description",
            "deadline_text",
            "responsible_units",
            "responsible_users",
            "responsible_schools",
            "indicator_kind",
            "indicator_text",
            "comparison",
            "target_value",
            "target_unit",
            "expected_result",
            "cycle_element",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "responsible_units": forms.Textarea(attrs={"rows": 2}),
            "indicator_text": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "responsible_schools": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "number": "Например: 1, 1.1, 1.1.2. Пункт верхнего уровня должен уже быть.",
            "deadline_text": "Как в документе: «ежегодно, декабрь», «до 1 августа 2020 г.», "
            "«ежеквартально». Нераспознанная фраза сохраняется и отмечается для проверки.",
            "responsible_schools": "По каждой выбранной ОО создаётся своё исполнение задачи.",
        }

    def __init__(self, *args: Any, roadmap: Roadmap, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["section"]).queryset = roadmap.sections.order_by(
            "order"
        )
        cast(forms.ModelChoiceField, self.fields["responsible_users"]).queryset = department_staff(
            user
        )
        cast(
            forms.ModelChoiceField, self.fields["responsible_schools"]
        ).queryset = School.objects.for_user(user).filter(is_active=True)


class OccurrenceForm(RussianNumbersMixin, forms.Form):
    """The status of one occurrence and its completion mark."""

    status = forms.ChoiceField(label="Статус", choices=OccurrenceStatus.choices)
    achieved_value = forms.DecimalField(
        label="Достигнутое значение", required=False, max_digits=12, decimal_places=2
    )
    comment = forms.CharField(
        label="Отметка о выполнении (комментарий)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: User, numeric: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.can_edit:
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                c for c in OccurrenceStatus.choices if c[0] != OccurrenceStatus.CANCELLED
            ]
        if not numeric:
            del self.fields["achieved_value"]


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, ODS, JPG или PNG, до 20 МБ.",
    )
    link = forms.URLField(
        label="или ссылка", required=False, max_length=1000, assume_scheme="https"
    )
    comment = forms.CharField(
        label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_file(self) -> UploadedFile | None:
        from roadmaps.services import EVIDENCE_MAX_MB

        limit = min(
            settings.UPLOAD_MAX_MB,
            int(getattr(settings, "ROADMAP_EVIDENCE_MAX_MB", EVIDENCE_MAX_MB)),
        )
        return _size_checked(self.cleaned_data.get("file"), limit)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("file") and not data.get("link"):
            raise forms.ValidationError("Приложите файл или укажите ссылку.")
        return data


class CommentForm(forms.Form):
    text = forms.CharField(label="Комментарий", widget=forms.Textarea(attrs={"rows": 2}))


class OccurrenceAddForm(forms.Form):
    label = forms.CharField(label="Период", max_length=120, help_text="Например: «2021 год».")
    due = forms.DateField(label="Срок", widget=DATE_INPUT)
    school = forms.ModelChoiceField(
        label="ОО", queryset=School.objects.none(), required=False, empty_label="— отдел —"
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["school"]
        ).queryset = task.responsible_schools.all()


def _size_checked(uploaded: UploadedFile | None, limit_mb: int) -> UploadedFile | None:
    """Refuse an oversize upload in the form, before the view reads or stores it."""
    if uploaded is not None:
        try:
            refuse_size(uploaded.name or "", uploaded.size, limit_mb * 1024 * 1024)
        except FileRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
    return uploaded


class ImportForm(forms.Form):
    file = forms.FileField(label="Файл дорожной карты (.xlsx или .docx)")
    title = forms.CharField(
        label="Наименование дорожной карты",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    act_kind = forms.ChoiceField(label="Вид акта", choices=ActKind.choices)
    act_number = forms.CharField(label="Номер акта", max_length=64, required=False)
    act_date = forms.DateField(label="Дата акта", required=False, widget=DATE_INPUT)
    act_issuer = forms.CharField(label="Кем утверждена", max_length=300, required=False)
    start_year = forms.IntegerField(label="Первый год", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Последний год", min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label="Состояние", choices=RoadmapStatus.choices, initial=RoadmapStatus.DRAFT
    )

    def clean_file(self) -> UploadedFile | None:
        from roadmaps.importing import IMPORT_LIMITS

        limit = min(settings.UPLOAD_MAX_MB, IMPORT_LIMITS.max_bytes // (1024 * 1024))
        return _size_checked(self.cleaned_data.get("file"), limit)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and start > end:
            self.add_error("end_year", "Последний год периода раньше первого.")
        return data

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "act_kind": data["act_kind"],
            "act_number": data["act_number"],
            "act_date": data["act_date"].isoformat() if data["act_date"] else "",
            "act_issuer": data["act_issuer"],
            "start_year": data["start_year"],
            "end_year": data["end_year"],
            "status": data["status"],
        }


class CycleCreateForm(forms.Form):
    direction = forms.ModelChoiceField(label="Направление", queryset=Direction.objects.all())
    year = forms.IntegerField(label="Год", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


WEB_SCHEMES = ("http", "https")


def is_web_link(value: str) -> bool:
    """An absolute http(s) address with a host: the only kind of link shown as a link.

    `javascript:`, `data:`, `vbscript:` would run in the reader's browser; a relative or
    schemeless value would point inside the portal. Whitespace, control characters and
    backslashes are refused too: browsers drop or reinterpret them, so what the check sees
    would not be what the browser opens.
    """
    if not value or any(
        ch.isspace() or ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in value
    ):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


class WebLinksField(forms.CharField):
    """Links to documents, one per line, each an http(s) address; cleans to one per line."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        bad = [
            forms.ValidationError(
                "Строка %(number)s: «%(link)s» — не адрес сайта. "
                "Ссылка должна начинаться с http:// или https://.",
                code="web_link",
                params={"number": number, "link": line[:80]},
            )
            for number, line in enumerate(lines, start=1)
            if not is_web_link(line)
        ]
        if bad:
            raise forms.ValidationError(bad)
        return "\n".join(lines)


class CycleForm(forms.Form):
    """The nine elements of one self-assessment: score, comment, links, tasks, a document."""

    comment = forms.CharField(
        label="Вывод по направлению", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, assessment: CycleAssessment, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        tasks = (
            Task.objects.for_user(user)
            .select_related("roadmap")
            .order_by("roadmap__title", "sort_key")
        )
        rows = {row.element: row for row in assessment.scores.all()}
        self.fields["comment"].initial = assessment.comment
        self.elements = []
        for element, label in CycleElement.choices:
            row = rows.get(element)
            self.fields[f"score_{element}"] = forms.TypedChoiceField(
                label=f"{label}: оценка",
                choices=Score.choices,
                coerce=int,
                initial=row.score if row else 0,
            )
            self.fields[f"comment_{element}"] = forms.CharField(
                label="Комментарий",
                required=False,
                initial=row.comment if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"links_{element}"] = WebLinksField(
                label="Ссылки на документы (по одной на строке)",
                required=False,
                initial=row.links if row else "",
            )
            self.fields[f"tasks_{element}"] = forms.ModelMultipleChoiceField(
                label="Задачи дорожных карт",
                queryset=tasks,
                required=False,
                initial=list(row.tasks.values_list("pk", flat=True)) if row else [],
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"document_{element}"] = forms.FileField(label="Документ", required=False)
            self.elements.append((element, label))

    def element_fields(self) -> list[tuple[str, list[Any]]]:
        return [
            (
                label,
                [
                    self[f"{key}_{element}"]
                    for key in ("score", "comment", "links", "tasks", "document")
                ],
            )
            for element, label in self.elements
        ]

    def scores(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            element: {
                "score": data[f"score_{element}"],
                "comment": data[f"comment_{element}"],
                "links": data[f"links_{element}"],
                "tasks": data[f"tasks_{element}"],
                "document": data.get(f"document_{element}"),
            }
            for element, _label in self.elements
        }
