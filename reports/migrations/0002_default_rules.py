"""The shipped rules, version 1: «ШНОР — базовое правило» and the ШНСУ rule of the index.

The definitions are written out here (not imported), as a used version never changes.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SHNOR_BASIC: dict[str, Any] = {'criteria': [{'code': 'K1',
               'indicator': 'vpr.fail_share_year',
               'threshold': 'percentile',
               'value': '90',
               'procedure': '',
               'subject': '',
               'grade': None,
               'span': 3,
               'need': 2,
               'min_n': 10,
               'weight': '1',
               'description': 'ВПР: доля «2» за год (все предметы и классы) не ниже '
                              '90-го процентиля ОО муниципалитета хотя бы в 2 из 3 '
                              'последних лет'},
              {'code': 'K2',
               'indicator': 'oge.fail_share_year',
               'threshold': 'percentile',
               'value': '90',
               'procedure': '',
               'subject': '',
               'grade': None,
               'span': 3,
               'need': 2,
               'min_n': 10,
               'weight': '1',
               'description': 'ОГЭ (русский язык и математика): доля «2» за год не ниже '
                              '90-го процентиля ОО муниципалитета хотя бы в 2 из 3 '
                              'последних лет'}],
 'combine': 'any',
 'k': 1,
 'min_score': '0',
 'markers': 'flag',
 'context': 'none',
 'context_band': '10',
 'context_min_group': 5}

SHNSU_BASIC: dict[str, Any] = {'criteria': [{'code': 'S1',
               'indicator': 'passport.wellbeing_index',
               'threshold': 'share_of_schools',
               'value': '25',
               'procedure': '',
               'subject': '',
               'grade': None,
               'span': 1,
               'need': 1,
               'min_n': 0,
               'weight': '1',
               'description': 'ИСБШ года в числе 25 % самых низких среди ОО '
                              'муниципалитета'}],
 'combine': 'any',
 'k': 1,
 'min_score': '0',
 'markers': 'ignore',
 'context': 'none',
 'context_band': '10',
 'context_min_group': 5}

RULES = [
    (
        "shnor_basic",
        "ШНОР — базовое правило",
        "shnor",
        "ОО включается в перечень за год Y, если выполнен хотя бы один критерий (K1 — ВПР, "
        "K2 — ОГЭ). ОО с маркерами необъективности включаются с отметкой.",
        SHNOR_BASIC,
    ),
    (
        "shnsu_basic",
        "ШНСУ — индекс социального благополучия",
        "shnsu",
        "25 % общеобразовательных ОО муниципалитета с самым низким ИСБШ года (равные значения "
        "на границе включаются) — правило, действовавшее до версий.",
        SHNSU_BASIC,
    ),
]


def add_rules(apps: Any, schema_editor: Any) -> None:
    rule_model = apps.get_model("reports", "IdentificationRule")
    version_model = apps.get_model("reports", "RuleVersion")
    for code, name, kind, description, definition in RULES:
        rule, _ = rule_model.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "description": description}
        )
        version_model.objects.get_or_create(
            rule=rule, version=1, defaults={"definition": definition, "note": "Исходная версия."}
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_identification")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
