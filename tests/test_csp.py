"""The Content-Security-Policy header, pages that work under it, and the Russian error pages.

The policy allows no inline script or style, so every page is also checked for inline
<script>/<style> blocks, style="…" and on…= attributes: one of them would silently break
under the header (the browser test in test_csp_browser.py sees the page for real).
"""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from typing import Any

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path, reverse

from msoko.middleware import ADMIN_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY

EXPECTED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: DATABASE password")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("No School matches the given query.")


# This module is also a URLconf (pytest.mark.urls below): the portal's URLs plus two that fail.
urlpatterns = [
    path("boom/", boom),
    path("missing/", missing),
    path("", include("msoko.urls")),
]


# ------------------------------------------------------------------ the header


def test_the_policy_is_self_only() -> None:
    assert CONTENT_SECURITY_POLICY == EXPECTED_POLICY
    # Admin differs in one word only: inline styles (see msoko/middleware.py), never scripts.
    assert ADMIN_CONTENT_SECURITY_POLICY.replace(" 'unsafe-inline'", "", 1) == EXPECTED_POLICY
    assert "style-src 'self' 'unsafe-inline'" in ADMIN_CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_header_is_on_a_page_and_a_redirect(client_for: Any, specialist: Any) -> None:
    assert client_for(specialist).get(reverse("home"))["Content-Security-Policy"] == EXPECTED_POLICY
    assert client_for(None).get(reverse("home"))["Content-Security-Policy"] == EXPECTED_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_header_is_on_a_404(client_for: Any, specialist: Any, settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    response = client_for(specialist).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == EXPECTED_POLICY


@pytest.mark.django_db
def test_admin_only_relaxes_inline_styles(client_for: Any, admin_user: Any) -> None:
    response = client_for(admin_user).get(reverse("admin:index"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ADMIN_CONTENT_SECURITY_POLICY
    # …and only /admin/: the same user on a portal page gets the strict one.
    assert client_for(admin_user).get(reverse("home"))["Content-Security-Policy"] == EXPECTED_POLICY


# ------------------------------------------------------------------ pages work under it


class _Inline(HTMLParser):
    """What the policy would block: inline scripts and styles, handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")


# Every page's HTML is checked for inline scripts and styles by
# tests/test_html.py::test_pages_are_well_formed (with _Inline below), in the same request
# as its ids and labels: one rendering of each page, one world.


def test_base_page_tells_htmx_not_to_inject_styles_or_eval() -> None:
    html = render_to_string("base.html", {})
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


# ------------------------------------------------------------------ error pages


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/no-such-page/", "/missing/", "/schools/999999/"])
def test_404_is_the_russian_page_in_both_modes(
    client_for: Any, specialist: Any, settings: Any, debug: bool, url: str
) -> None:
    settings.DEBUG = debug
    response = client_for(specialist).get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Страница не найдена" in html
    assert f'<code class="text-break">{url}</code>' in html  # the path asked for
    assert f'href="{reverse("home")}"' in html
    # Nothing of Django's technical page or of the exception.
    for internal in ("Page not found", "URLconf", "No School matches", "DEBUG = True"):
        assert internal not in html
    assert response["Content-Security-Policy"] == EXPECTED_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_404_shows_a_cyrillic_path_readably_and_escaped(
    client_for: Any, specialist: Any, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    response = client_for(specialist).get("/нет/<b>x</b>/")
    html = response.content.decode()
    assert "/нет/&lt;b&gt;x&lt;/b&gt;/" in html and "<b>x</b>" not in html


@pytest.mark.django_db
def test_404_for_an_anonymous_visitor_offers_sign_in(client_for: Any, settings: Any) -> None:
    settings.DEBUG = True
    html = client_for(None).get("/no-such-page/").content.decode()
    assert "Страница не найдена" in html and f'href="{reverse("login")}"' in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
def test_500_is_the_russian_page_in_both_modes(
    specialist: Any, settings: Any, debug: bool, caplog: Any
) -> None:
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(specialist)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ошибка на сервере" in html and 'href="/"' in html
    assert "secret internals" not in html and "Traceback" not in html
    assert response["Content-Security-Policy"] == EXPECTED_POLICY
    # The traceback is in the log, as in production.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None and "secret internals" in str(record.exc_info[1])


def test_500_renders_without_a_request_or_a_database() -> None:
    # No django_db mark: touching the database here would fail the test.
    html = render_to_string("500.html")
    assert "Ошибка на сервере" in html and "{%" not in html and "{{" not in html
    assert "<script" not in html and "<style" not in html and "style=" not in html
