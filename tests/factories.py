"""factory_boy factories for the registry and users."""

from __future__ import annotations

from decimal import Decimal

import factory

from msoko.choices import Role
from msoko.models import User
from schools.models import Municipality, School, SocialPassport


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("oktmo",)

    name = "Тестовый муниципальный район"
    short_name = "Тестовый МР"
    oktmo = "12345000"
    region = "Тестовая область"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    login = factory.Sequence(lambda n: f"edu{900000 + n:06d}")
    full_name = factory.LazyAttribute(
        lambda o: f"Муниципальное общеобразовательное учреждение {o.short_name}"
    )
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n + 1}")
    org_type = "sosh"
    locality = "urban"


class PassportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialPassport

    school = factory.SubFactory(SchoolFactory)
    year = 2025
    pupils_total = 500
    pupils_ovz = 20
    share_low_income = Decimal("15.0")
    share_large_families = Decimal("12.0")
    share_non_native = Decimal("2.0")
    share_pdn = Decimal("1.0")
    share_single_parent = Decimal("18.0")
    share_parents_no_higher = Decimal("40.0")
    teachers_total = 35
    teacher_vacancies = 1
    share_teachers_pension = Decimal("20.0")
    share_teachers_category = Decimal("75.0")
    distance_km = Decimal("0")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Тест"
    last_name = "Пользователь"
    role = Role.OFFICIAL
    password = factory.django.Password("pass-for-tests-2026")
