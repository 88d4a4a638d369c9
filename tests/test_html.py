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

from tests.test_csp import _Inline
from tests.test_permissions import HTML_PAGES, page_html, worlds  # noqa: F401 — the fixture


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


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), HTML_PAGES)
def test_pages_are_well_formed(
    name: str,
    role: str,
    worlds: dict[int, dict[str, Any]],  # noqa: F811 — the fixture imported above
    client_for: Any,
    settings: Any,
) -> None:
    """Ids unique and labels pointing at fields; no inline script or style, no javascript:
    links (the CSP allows none: tests/test_csp.py) — one rendering of the page for both."""
    settings.MEDIA_ROOT = worlds[0]["media"]
    html = page_html(name, role, worlds, client_for)
    if not html:
        return  # a file download: nothing to check here
    parser = _Ids()
    parser.feed(html)
    duplicates = sorted(i for i, count in parser.ids.items() if count > 1)
    assert not duplicates, f"duplicate ids on {name}: {duplicates}"
    dangling = sorted(set(parser.label_targets) - set(parser.ids))
    assert not dangling, f"labels pointing nowhere on {name}: {dangling}"
    inline = _Inline()
    inline.feed(html)
    assert inline.found == [], name


def test_template_comments_close_on_their_line() -> None:
    """Django's {# … #} is one line only: a comment over two lines is shown on the page."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    open_comments = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == [], f"use {{% comment %}} for these: {open_comments}"
