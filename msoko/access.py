"""Access checks of views: the role a page needs, and lookups through `for_user`.

Row-level rules live in `msoko.querysets.ScopedQuerySet`; views take every object through
`Model.objects.for_user(user)` (`ScopedObjectMixin`, `get_object_or_404` on that queryset),
so a school outside the user's reach gives 404, and a role without the page gives 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse

from msoko.choices import ALL_ROLES

if TYPE_CHECKING:
    from msoko.models import User


class AuthedHttpRequest(HttpRequest):
    """The request of a view behind `role_required`: its user is signed in."""

    user: User


class RoleRequiredMixin(LoginRequiredMixin):
    """Allows the view only to signed-in users whose role is in `roles` (403 otherwise)."""

    roles: ClassVar[Iterable[str]] = ALL_ROLES

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_has_role(request.user, self.roles):
            raise PermissionDenied("Раздел недоступен для вашей роли.")
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin:
    """Takes the queryset of list and detail views from `Model.objects.for_user`."""

    model: Any
    request: HttpRequest

    def get_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all().for_user(self.request.user)


def user_has_role(user: Any, roles: Iterable[str]) -> bool:
    if user.is_superuser:
        return True
    return user.is_active and user.role in set(roles)


_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[_View], _View]:
    """The function-view form of `RoleRequiredMixin`."""
    allowed = roles or tuple(ALL_ROLES)

    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, allowed):
                raise PermissionDenied("Раздел недоступен для вашей роли.")
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
