"""The catalogue of annual analytic documents (seed 002, Таблица 1): one class per kind.

A report class has a `kind` code, a Russian `title`, whether it is about one school
(`per_school`), and `build(params) -> Document` that reads only stored figures (through the
selectors of the apps) and names the computation ids it read in `Document.inputs`. A year
without the data a report needs raises `NoData` with a sentence that says what is missing.
Register a class with `@report`; `REPORTS[kind]` is the class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from reports.documents.blocks import Document

REPORTS: dict[str, type[Report]] = {}


class NoData(Exception):
    """The year has none of the data the report is written from; the message says which."""


@dataclass
class Params:
    year: int
    municipality: Any  # schools.Municipality
    user: Any  # msoko.User (None from the command line)
    school: Any = None  # schools.School, for the reports about one school

    @property
    def reader(self) -> Any:
        """The user the report reads as: the one who asked, or (the command line, no user) a
        specialist of the municipality — an unsaved user, so that every read goes through
        the same `for_user` as the pages."""
        if self.user is not None:
            return self.user
        from msoko.choices import Role
        from msoko.models import User

        return User(
            username="render_report",
            role=Role.SPECIALIST,
            municipality=self.municipality,
            is_active=True,
        )


class Report:
    kind: ClassVar[str]
    title: ClassVar[str]
    per_school: ClassVar[bool] = False
    description: ClassVar[str] = ""
    order: ClassVar[int] = 100

    def build(self, params: Params) -> Document:
        raise NotImplementedError

    # --- what every document starts with ----------------------------------------------
    def document(self, params: Params, *, subtitle: str = "") -> Document:
        municipality = params.municipality
        name = getattr(municipality, "short_name", "") or municipality.name
        return Document(
            kind=self.kind,
            title=self.title,
            year=params.year,
            municipality=municipality.name,
            department=f"Орган местного самоуправления, осуществляющий управление в сфере "
            f"образования, — {name}",
            subtitle=subtitle or f"по итогам {params.year} года",
            approval=[
                "УТВЕРЖДАЮ",
                "Руководитель органа управления образованием",
                "_______________ / _______________ /",
                f"«___» ____________ {params.year} г.",
            ],
            school=params.school.short_name if params.school is not None else "",
        )


def report(cls: type[Report]) -> type[Report]:
    """Register a report class under its kind."""
    REPORTS[cls.kind] = cls
    return cls


def kinds() -> list[type[Report]]:
    _load()
    return sorted(REPORTS.values(), key=lambda cls: (cls.order, cls.kind))


def get(kind: str) -> type[Report]:
    _load()
    return REPORTS[kind]


def _load() -> None:
    """Import the modules of the kinds (each registers itself)."""
    from reports.documents import kinds as _kinds  # noqa: F401
