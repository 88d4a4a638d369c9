from typing import Any

from django.conf import settings
from django.http import HttpRequest

from msoko.choices import Role


def portal(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_NAME": settings.SITE_NAME, "Role": Role}
