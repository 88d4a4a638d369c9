"""Middleware of the portal: the Content-Security-Policy header and Russian error pages.

Content-Security-Policy: everything the pages use is vendored under static/ (Bootstrap,
htmx, our own JS and CSS), so the policy allows only our own origin and no inline script
or style at all. Text a user typed can therefore never run as script on a page, even if a
template forgot to escape it.

Error pages: with DEBUG off Django already renders templates/404.html and 500.html. With
DEBUG on (the embedded default, see README) it would show its English technical pages,
which also list URL patterns and settings. The portal is for Russian-speaking school and
department staff in both modes, so `ErrorPagesMiddleware` renders the same Russian pages
under DEBUG too; the traceback of a 500 goes to the log («django.request», the console),
exactly as it does in production.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.log import log_response
from django.views import defaults

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws its icons (menu toggler, selects) as data: SVG
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django 5.2's admin runs under the strict policy (its scripts are all files), but templates
# we do not own still carry inline styles: django-simple-history's history list
# (style="border-top: 0", seen blocked in the browser test) and admin/change_list.html of a
# model without actions (a <style> block). Admin pages are for staff only and scripts stay
# 'self' there, so only inline styles are allowed, and only under /admin/.
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy on every response (pages, errors, downloads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if not self.admin_prefix:
                self.admin_prefix = reverse("admin:index")
            admin = request.path.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = (
                ADMIN_CONTENT_SECURITY_POLICY if admin else CONTENT_SECURITY_POLICY
            )
        return response


class ErrorPagesMiddleware:
    """Under DEBUG, the Russian 404 and 500 pages instead of Django's technical ones.

    With DEBUG off it does nothing: Django's own handlers render the same templates.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            # No URL matched: Django built its technical 404 before any view ran.
            response = defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # Django's own 403 / 400 handling
        # What Django does with DEBUG off: tell the error reporters, log the traceback.
        got_request_exception.send(sender=None, request=request)
        response = defaults.server_error(request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
