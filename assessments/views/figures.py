"""The specialist's button that recomputes every stored figure of a year."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from assessments.services.figures import figures_request_year
from msoko.access import AuthedHttpRequest, role_required
from msoko.choices import EDITOR_ROLES


@require_POST
@role_required(*EDITOR_ROLES)
def year_compute(request: AuthedHttpRequest) -> HttpResponse:
    """Queue the computation of every figure of the posted year; back to where it came from."""
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "Не указан год: укажите год, показатели которого пересчитать.")
        return redirect(back)
    jobs = figures_request_year(year=year, user=request.user)
    if jobs:
        messages.success(
            request,
            f"Пересчёт показателей {year} года поставлен в очередь ({len(jobs)} задач); "
            "страницы покажут новые значения, когда он завершится.",
        )
    else:
        messages.info(request, f"За {year} год нет данных: пересчитывать нечего.")
    return redirect(back)


urlpatterns = [path("figures/compute/", year_compute, name="year_compute")]
