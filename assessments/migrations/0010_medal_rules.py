"""The default rules by which ЕГЭ confirms a medal «За особые успехи в учении», from 2024.

I степени: русский язык ≥ 70 баллов, and математика: профиль ≥ 70 или база «5».
II степени: русский язык ≥ 24 (the attestat minimum), and математика: профиль ≥ 27 или база «3».
Each group of conditions must hold; the conditions of one group are alternatives.
"""

from django.db import migrations

NOTE = "по умолчанию; сверить с действующим приказом"
# medal, group, subject code, min test score, min mark
RULES = (
    ("first", 1, "russian", 70, None),
    ("first", 2, "math_profile", 70, None),
    ("first", 2, "math_base", None, 5),
    ("second", 1, "russian", 24, None),
    ("second", 2, "math_profile", 27, None),
    ("second", 2, "math_base", None, 3),
)
YEAR = 2024


def load(apps, schema_editor):
    Subject = apps.get_model("assessments", "Subject")
    MedalRule = apps.get_model("assessments", "MedalRule")
    subjects = {s.code: s for s in Subject.objects.filter(code__in={r[2] for r in RULES})}
    if MedalRule.objects.filter(year=YEAR).exists():
        return  # rules of the year were entered already: never overwrite a used version
    for medal, group, code, score, mark in RULES:
        if code not in subjects:
            continue  # a database without the reference subjects (0002) gets no rules
        MedalRule.objects.create(
            year=YEAR,
            medal=medal,
            group=group,
            subject=subjects[code],
            min_test_score=score,
            min_mark=mark,
            note=NOTE,
        )


def unload(apps, schema_editor):
    MedalRule = apps.get_model("assessments", "MedalRule")
    MedalRule.objects.filter(year=YEAR, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0009_indicator_values")]

    operations = [migrations.RunPython(load, unload)]
