"""The filled template of a data collection through the shared upload flow.

`template_check` reads the file (roadmaps/importing_collections.py) and checks it whole
against the upload's collection: the collection and year it names, the lock, each row's
school (in the collection, and the uploader's to change), each value (through
`values_check`, with the row in every message); `CollectionImportFlow` applies it all or
nothing through `values_save`, as the web form does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from msoko.problems import Problem
from msoko.uploads import WholeFileFlow, flow_register, problems_report
from roadmaps.importing_collections import read_values_file
from roadmaps.models import Collection, CollectionUpload, Submission
from roadmaps.services_collections import locked_message, may_edit, values_check, values_save


@dataclass
class TemplateChecked:
    """A filled template matched against its collection: the values per submission."""

    collection: Collection
    municipality_id: int | None
    per_submission: dict[int, dict[str, Any]] = field(default_factory=dict)
    places: dict[int, dict[str, str]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    lines: int = 0


def _refused(checked: TemplateChecked, message: str) -> TemplateChecked:
    checked.errors.append(Problem(sheet=None, row=None, column=None, message=message))
    return checked


def template_check(*, upload: CollectionUpload, data: bytes) -> TemplateChecked:
    """Read a filled template and check it whole against the upload's collection."""
    collection = upload.collection
    checked = TemplateChecked(collection=collection, municipality_id=collection.municipality_id)
    read = read_values_file(upload.filename, data, template=True)
    checked.errors = list(read.errors)
    if read.errors:
        return checked
    if read.collection_id != collection.pk:
        other = Collection.objects.filter(pk=read.collection_id or 0).first()
        named = f"сбора «{other.title}» за {other.year} год" if other else "другого сбора"
        return _refused(
            checked,
            f"Это шаблон {named}, а загружается сбор «{collection.title}» за "
            f"{collection.year} год: скачайте шаблон этого сбора.",
        )
    if read.year != collection.year:
        return _refused(
            checked,
            f"Это шаблон за {read.year or '?'} год, а сбор «{collection.title}» — за "
            f"{collection.year} год: скачайте шаблон этого сбора.",
        )
    if collection.locked:
        checked.errors.append(
            Problem(sheet=None, row=None, column=None, message=locked_message(collection))
        )
        return checked
    user = upload.uploaded_by
    submissions = {
        _login(s): s for s in collection.submissions.select_related("school", "collection")
    }
    for line in read.lines:
        checked.lines += 1
        submission = submissions.get(line.login)
        if submission is None:
            read.problem(
                f"ОО «{line.login}» не входит в сбор «{collection.title}»",
                row=line.row,
                key="login",
            )
            continue
        refusal = may_edit(user, submission) if user is not None else "нет пользователя"
        if refusal:
            read.problem(f"{line.login}: {refusal}", row=line.row, key="login")
            continue
        values = checked.per_submission.setdefault(submission.pk, {})
        if line.code in values:
            read.problem(
                f"показатель {line.code} для {line.login} указан дважды", row=line.row, key="code"
            )
            continue
        values[line.code] = line.value
        checked.places.setdefault(submission.pk, {})[line.code] = f"строка {line.row}"
    by_pk = {s.pk: s for s in submissions.values()}
    for pk, values in checked.per_submission.items():
        result = values_check(by_pk[pk], values, where=checked.places[pk])
        for message in result.problems:
            read.problem(f"{_login(by_pk[pk])}, {message}")
    checked.errors += read.errors
    if not checked.errors and not checked.per_submission:
        checked.errors.append(
            Problem(sheet=None, row=None, column=None, message="в файле нет ни одного значения")
        )
    return checked


def _login(submission: Submission) -> str:
    """How a template names the row's school: its login, «МО» for the municipality."""
    return submission.school.login if submission.school is not None else "МО"


class CollectionImportFlow(WholeFileFlow):
    """A filled template of a collection: checked whole, written all or nothing."""

    name = "collection"
    model = CollectionUpload
    title = "Загрузка шаблона сбора"
    writing = "Запись значений…"

    def parse(self, upload: CollectionUpload, data: bytes) -> TemplateChecked:
        return template_check(upload=upload, data=data)

    def report(self, parsed: TemplateChecked) -> dict[str, Any]:
        return {
            **problems_report(parsed.errors),
            "lines": parsed.lines,
            "schools": len(parsed.per_submission),
        }

    @transaction.atomic
    def apply(self, parsed: TemplateChecked, upload: CollectionUpload) -> dict[str, Any]:
        changed = 0
        assert upload.uploaded_by is not None
        for pk, values in parsed.per_submission.items():
            submission = Submission.objects.get(pk=pk)
            changed += values_save(
                submission=submission,
                user=upload.uploaded_by,
                raw=values,
                reason=f"шаблон «{upload.filename}»"[:100],
                where=parsed.places[pk],
            )
        return {"schools": len(parsed.per_submission), "changed": changed}

    def message(
        self, counts: dict[str, Any], parsed: TemplateChecked, upload: CollectionUpload
    ) -> str:
        return (
            f"Значения сбора «{parsed.collection.title}» загружены: ОО {counts['schools']}, "
            f"изменено значений {counts['changed']}. Не забудьте сдать данные."
        )


COLLECTIONS = CollectionImportFlow()
flow_register(COLLECTIONS)
