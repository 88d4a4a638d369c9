"""The permission matrix: every URL × every role → the expected status.

Adding a URL without adding it here fails `test_every_url_is_in_the_matrix`. A director
asking for another school's object gets 404 (the object does not exist for him); a role
that lacks the page gets 403; an anonymous visitor is sent to the login page (302).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from msoko.jobs import job_create
from tests.matrix import ROLES, Case, everyone

CORE_CASES: dict[str, Case] = {
    "home": Case(everyone(200)),
    "login": Case(everyone(302, anonymous=200)),
    "logout": Case(everyone(405, anonymous=405)),
    "job_detail": Case(everyone(200, director_a=404, director_b=404), args=lambda w: [w["job"].pk]),
    "admin:index": Case(everyone(302, admin=200)),
}

# Each app lists its URLs in tests/<app>/matrix.py: CASES, and build_world(world) that adds
# the objects its URLs need (one object per school, for the 404 checks).
APP_MATRICES = [
    import_module(f"tests.{app}.matrix") for app in ("schools", "assessments", "roadmaps")
]
MATRIX: dict[str, Case] = dict(CORE_CASES)
for _module in APP_MATRICES:
    MATRIX.update(_module.CASES)

# Django's admin checks is_staff itself; only its entry page is in the matrix.
SKIPPED_NAMESPACES = ("admin",)


def _url_names(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in SKIPPED_NAMESPACES:
                continue
            yield from _url_names(
                pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_is_in_the_matrix() -> None:
    names = set(_url_names(get_resolver().url_patterns))
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without a permission-matrix entry: {missing}"
    stale = sorted(set(MATRIX) - names - {"admin:index"})
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def test_every_role_is_in_every_case() -> None:
    for name, case in MATRIX.items():
        assert set(case.expected) == set(ROLES), name


@pytest.fixture
def world(
    specialist: Any,
    official: Any,
    admin_user: Any,
    director_a: Any,
    director_b: Any,
    school_a: Any,
    school_b: Any,
    passport_a: Any,
    tmp_path: Any,
    settings: Any,
) -> dict[str, Any]:
    world = {
        "anonymous": None,
        "specialist": specialist,
        "official": official,
        "admin": admin_user,
        "director_a": director_a,
        "director_b": director_b,
        "school_a": school_a,
        "school_b": school_b,
        "passport_a": passport_a,
        "job": job_create(kind="test", title="Проверка", created_by=specialist),
    }
    for module in APP_MATRICES:
        module.build_world(world)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name: str, role: str, world: dict[str, Any], client_for: Any) -> None:
    case = MATRIX[name]
    url = reverse(name, args=case.args(world))
    client = client_for(world[role])
    response = getattr(client, case.method)(url, case.data)
    expected = case.expected[role]
    assert response.status_code == expected, f"{case.method.upper()} {url} as {role}"
    if role == "anonymous" and expected == 302 and not name.startswith("admin"):
        assert reverse("login") in response["Location"]
