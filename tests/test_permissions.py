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
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from msoko.choices import Role
from msoko.jobs import job_create
from tests.factories import MunicipalityFactory, PassportFactory, SchoolFactory, UserFactory
from tests.matrix import BOUND_TO_M1, BOUND_TO_M2, ROLES, Case, everyone

CORE_CASES: dict[str, Case] = {
    "home": Case(everyone(200)),
    "login": Case(everyone(302, anonymous=200, no_role=302)),
    "logout": Case(everyone(405, anonymous=405, no_role=405)),
    "job_detail": Case(everyone(200, director_a=404, director_b=404), args=lambda w: [w["job"].pk]),
    "indicator_catalogue": Case(everyone(200)),
    "admin:index": Case(everyone(302, admin=200, no_role=302)),
    "healthz": Case(everyone(200, anonymous=200, no_role=200)),
}

# Each app lists its URLs in tests/<app>/matrix.py: CASES, and build_world(world) that adds
# the objects its URLs need (one object per school, for the 404 checks).
APP_MATRICES = [
    import_module(f"tests.{app}.matrix")
    for app in ("schools", "assessments", "roadmaps", "reports")
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


# Objects that belong to no municipality: made with the first world, shared by the second.
SHARED = ("campaign", "threshold", "profile")


def _build_world(
    municipality: Any,
    personas: dict[str, Any],
    schools: dict[str, Any],
    shared: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One municipality's objects, made by every app's build_world from the same keys."""
    world: dict[str, Any] = {"municipality": municipality, **personas, **schools, **(shared or {})}
    world["passport_a"] = PassportFactory(school=schools["school_a"], year=2025)
    world["job"] = job_create(
        kind="test",
        title="Проверка",
        created_by=personas["specialist"],
        municipality_id=municipality.pk,
    )
    for module in APP_MATRICES:
        module.build_world(world)
    return world


@pytest.fixture(scope="module")
def worlds(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[dict[int, dict[str, Any]]]:
    """Two municipalities with every object the URLs need, built once for the module.

    The objects live in a transaction that is rolled back after the module; each test runs
    in a savepoint inside it, so what one request changes is gone for the next.
    """
    media = tmp_path_factory.mktemp("matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        m1 = MunicipalityFactory()
        m2 = MunicipalityFactory(
            name="Второй муниципальный округ", short_name="Второй МО", oktmo="87654000"
        )
        schools1 = {
            "school_a": SchoolFactory(municipality=m1, short_name="МБОУ СОШ № 1"),
            "school_b": SchoolFactory(
                municipality=m1, short_name="МБОУ Каменская СОШ", locality="rural"
            ),
        }
        schools2 = {
            "school_a": SchoolFactory(municipality=m2, short_name="МБОУ Озёрная СОШ"),
            "school_b": SchoolFactory(municipality=m2, short_name="МБОУ Лесная ООШ"),
        }
        personas = {
            "anonymous": None,
            "specialist": UserFactory(role=Role.SPECIALIST, username="specialist"),
            "official": UserFactory(role=Role.OFFICIAL, username="official"),
            "admin": UserFactory(role=Role.ADMIN, username="admin", is_superuser=True),
            "director_a": UserFactory(
                role=Role.DIRECTOR, username="director_a", school=schools1["school_a"]
            ),
            "director_b": UserFactory(
                role=Role.DIRECTOR, username="director_b", school=schools1["school_b"]
            ),
            "specialist_m2": UserFactory(
                role=Role.SPECIALIST, username="specialist_m2", municipality=m2
            ),
            "official_m1": UserFactory(role=Role.OFFICIAL, username="official_m1", municipality=m1),
            "plain_admin": UserFactory(role=Role.ADMIN, username="plain_admin"),
            "no_role": UserFactory(role="", username="no_role"),
        }
        # In municipality 2 the same keys name its own people: its specialist makes the
        # department's objects, its directors their schools' ones.
        personas2 = dict(personas)
        personas2.update(
            specialist=personas["specialist_m2"],
            director_a=UserFactory(
                role=Role.DIRECTOR, username="director_m2a", school=schools2["school_a"]
            ),
            director_b=UserFactory(
                role=Role.DIRECTOR, username="director_m2b", school=schools2["school_b"]
            ),
        )
        world1 = _build_world(m1, personas, schools1)
        world2 = _build_world(m2, personas2, schools2, {key: world1[key] for key in SHARED})
        yield {1: world1, 2: world2, 0: {"media": media}}
        transaction.set_rollback(True)


# On the second municipality's objects only the personas bound to a municipality can get
# another answer than at home (404 for those of municipality 1, the specialist's for its
# own); the unbound ones, the anonymous and the roleless get what they get at home.
MIRRORED = (*BOUND_TO_M1, *BOUND_TO_M2)


def _cases() -> Iterator[Any]:
    for name in sorted(MATRIX):
        case = MATRIX[name]
        for municipality in (1, 2) if case.has_objects and case.scoped else (1,):
            for role in ROLES if municipality == 1 else MIRRORED:
                yield pytest.param(name, municipality, role, id=f"{name}-m{municipality}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "municipality", "role"), list(_cases()))
def test_permission_matrix(
    name: str,
    municipality: int,
    role: str,
    worlds: dict[int, dict[str, Any]],
    client_for: Any,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = worlds[0]["media"]
    case = MATRIX[name]
    world = worlds[municipality]
    url = reverse(name, args=case.url_args(world))
    client = client_for(worlds[1][role])
    response = getattr(client, case.method)(url, case.data)
    expected = case.status(role, municipality)
    assert response.status_code == expected, f"{case.method.upper()} {url} as {role}"
    if role == "anonymous" and expected == 302 and not name.startswith("admin"):
        assert reverse("login") in response["Location"]


# --- the pages the HTML guards read (test_html.py, test_csp.py) -------------------------

# Every page a specialist or a director opens (status 200 in the matrix).
HTML_PAGES = sorted(
    (name, role)
    for name, case in MATRIX.items()
    for role in ("specialist", "director_a")
    if case.method == "get" and not name.startswith("admin:") and case.expected[role] == 200
)
# Downloads answer 200 too, with files: they have no HTML to check.
DOWNLOAD_CONTENT = ("application/", "text/csv", "text/calendar")


def page_html(name: str, role: str, worlds: dict[int, dict[str, Any]], client_for: Any) -> str:
    """The HTML a persona gets on a page of municipality 1 ("" for a file download)."""
    world = worlds[1]
    response = client_for(world[role]).get(reverse(name, args=MATRIX[name].url_args(world)))
    assert response.status_code == 200
    if response["Content-Type"].startswith(DOWNLOAD_CONTENT):
        return ""
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return str(response.content.decode())
