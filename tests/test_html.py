"""Every page a role can open is well-formed for assistive technology.

Runs over the permission matrix: for each page that answers 200 with HTML, ids are
unique and every <label for=…> points at an element that exists. Two forms on one page
with the same field names once sent a comment into the wrong box; this keeps it so.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from tests.test_permissions import MATRIX, worlds  # noqa: F401 — the shared fixture


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids[values["id"] or ""] += 1
        if tag == "label" and values.get("for"):
            self.label_targets.append(values["for"] or "")


# Every page a specialist or a director opens (status 200 in the matrix).
PAGES = sorted(
    (name, role)
    for name, case in MATRIX.items()
    for role in ("specialist", "director_a")
    if case.method == "get" and not name.startswith("admin:") and case.expected[role] == 200
)
# Downloads answer 200 too, with files: they have no HTML to check.
DOWNLOAD_CONTENT = ("application/", "text/csv", "text/calendar")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), PAGES)
def test_ids_are_unique_and_labels_point_at_fields(
    name: str,
    role: str,
    worlds: dict[int, dict[str, Any]],  # noqa: F811 — the fixture imported above
    client_for: Any,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = worlds[0]["media"]
    case = MATRIX[name]
    world = worlds[1]
    response = client_for(world[role]).get(reverse(name, args=case.url_args(world)))
    assert response.status_code == 200
    if response["Content-Type"].startswith(DOWNLOAD_CONTENT):
        return  # a file download: nothing to check here
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    parser = _Ids()
    parser.feed(response.content.decode())
    duplicates = sorted(i for i, count in parser.ids.items() if count > 1)
    assert not duplicates, f"duplicate ids on {name}: {duplicates}"
    dangling = sorted(set(parser.label_targets) - set(parser.ids))
    assert not dangling, f"labels pointing nowhere on {name}: {dangling}"
