"""Forms of the road-map pages; rules live in services.py, forms only shape the input."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from msoko.choices import Role
from msoko.forms import RussianNumbersMixin
from msoko.models import User
from msoko.spreadsheets import FileRejected, refuse_size
from roadmaps.choices import ActKind, CycleElement, OccurrenceStatus, RoadmapStatus, Score
from roadmaps.models import CycleAssessment, Direction, Roadmap, Section, Task
from roadmaps.selectors_decisions import pick_chosen, pick_queryset
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
            "report_kind",
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
        return size_checked(self.cleaned_data.get("file"), limit)

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


def size_checked(uploaded: UploadedFile | None, limit_mb: int) -> UploadedFile | None:
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
        return size_checked(self.cleaned_data.get("file"), limit)

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


def posted_list(data: Any, name: str) -> list[Any]:
    """Every value posted under `name` (a QueryDict, or a plain dict in tests)."""
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class PickerWidget(forms.Widget):
    """A search-as-you-type picker (templates/roadmaps/_picker.html, static/js/picker.js).

    The chosen items are chips, each a checkbox of the field's name; typing in the search
    box asks `search_url` (htmx) for matches, and a click on one adds its chip. Without
    JavaScript the chips are plain checkboxes (untick to remove) and the search box is sent
    with the form: the page then comes back with the matches as checkboxes to tick
    (`found`), nothing saved. Only the chosen items are rendered, never the whole list.
    """

    template_name = "roadmaps/_picker.html"
    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.items: dict[int, Any] = {}  # id → selectors_decisions.PickItem of the chosen
        self.found: list[Any] = []  # the no-JS search's matches
        self.term = ""
        self.search_url = ""
        self.empty_text = "ничего не выбрано"

    def format_value(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return posted_list(data, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # nothing ticked sends nothing: that is an empty choice, not "omitted"

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_search" if id_ else id_

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        # The project's template engine (templates/), not the form renderer's own, which
        # reads only Django's and the apps' widget templates.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 — a template

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = []
        for raw in context["widget"]["value"]:
            item = self.items.get(int(raw)) if str(raw).isdigit() else None
            if item is not None:
                chosen.append(item)
        chosen_ids = {item.pk for item in chosen}
        context["widget"].update(
            chosen=chosen,
            found=[item for item in self.found if item.pk not in chosen_ids],
            term=self.term,
            search_url=self.search_url,
            empty_text=self.empty_text,
        )
        return context


#: The pickers of each self-assessment element: field prefix, label, what the search finds.
PICKERS = (
    ("tasks", "Задачи дорожных карт", "Номер или слова из названия задачи"),
    ("recommendations", "Адресные рекомендации", "Номер, ОО или слова из рекомендации"),
    ("decisions", "Управленческие решения", "Номер акта или слова из названия"),
)


class CycleForm(forms.Form):
    """The nine elements of one self-assessment: score, comment, links, a document, and the
    road-map tasks, recommendations and decisions that prove it (chosen with pickers)."""

    comment = forms.CharField(
        label="Вывод по направлению", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, assessment: CycleAssessment, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        rows = {
            row.element: row
            for row in assessment.scores.prefetch_related("tasks", "recommendations", "decisions")
        }
        self.fields["comment"].initial = assessment.comment
        self.elements = []
        chosen_ids: dict[str, set[int]] = {kind: set() for kind, _l, _h in PICKERS}
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
            self.fields[f"document_{element}"] = forms.FileField(label="Документ", required=False)
            for kind, kind_label, hint in PICKERS:
                name = f"{kind}_{element}"
                initial = [obj.pk for obj in getattr(row, kind).all()] if row else []
                widget = PickerWidget(attrs={"placeholder": hint})
                widget.search_url = (
                    reverse("roadmaps:cycle_pick", args=[assessment.pk, kind])
                    + f"?element={element}"
                )
                self.fields[name] = forms.ModelMultipleChoiceField(
                    label=kind_label,
                    queryset=pick_queryset(kind, user, assessment),
                    required=False,
                    initial=initial,
                    widget=widget,
                )
                shown = posted_list(self.data, name) if self.is_bound else initial
                chosen_ids[kind].update(int(v) for v in shown if str(v).isdigit())
            self.elements.append((element, label))
        items = {
            kind: pick_chosen(kind, user, assessment, sorted(ids))
            for kind, ids in chosen_ids.items()
        }
        for kind, _label, _hint in PICKERS:
            for element, _ in self.elements:
                cast(PickerWidget, self.fields[f"{kind}_{element}"].widget).items = items[kind]

    def picker_names(self) -> list[tuple[str, str]]:
        """(field name, kind) of every picker of the form."""
        return [
            (f"{kind}_{element}", kind) for element, _ in self.elements for kind, _l, _h in PICKERS
        ]

    def fallback_search(self, found: dict[str, tuple[str, list[Any]]]) -> None:
        """Show the no-JS search's matches (field name → (term, items)) under their pickers."""
        for name, (term, items) in found.items():
            widget = cast(PickerWidget, self.fields[name].widget)
            widget.found, widget.term = items, term

    def element_fields(self) -> list[tuple[str, list[Any], list[Any]]]:
        """Per element: its label, the plain fields, and the pickers."""
        plain = ("score", "comment", "links", "document")
        return [
            (
                label,
                [self[f"{key}_{element}"] for key in plain],
                [self[f"{kind}_{element}"] for kind, _l, _h in PICKERS],
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
                "recommendations": data[f"recommendations_{element}"],
                "decisions": data[f"decisions_{element}"],
                "document": data.get(f"document_{element}"),
            }
            for element, _label in self.elements
        }
