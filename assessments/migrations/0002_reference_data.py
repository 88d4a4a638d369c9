from django.db import migrations


def load(apps, schema_editor):
    from assessments.reference import EGE_MINIMUMS, EGE_THRESHOLD_YEARS, PROCEDURES, SUBJECTS

    Procedure = apps.get_model("assessments", "Procedure")
    Subject = apps.get_model("assessments", "Subject")
    EgeThreshold = apps.get_model("assessments", "EgeThreshold")
    for order, (code, name, grades, has_marks, has_test_score) in enumerate(PROCEDURES):
        Procedure.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "grades": grades,
                "has_marks": has_marks,
                "has_test_score": has_test_score,
                "order": order,
            },
        )
    subjects = {}
    for order, (code, name, rcoi_code, synonyms) in enumerate(SUBJECTS):
        subjects[code], _ = Subject.objects.update_or_create(
            code=code,
            defaults={"name": name, "rcoi_code": rcoi_code, "synonyms": synonyms, "order": order},
        )
    for year in EGE_THRESHOLD_YEARS:
        for code, kinds in EGE_MINIMUMS.items():
            for kind, value in kinds.items():
                EgeThreshold.objects.update_or_create(
                    year=year,
                    subject=subjects[code],
                    kind=kind,
                    defaults={"value": value, "note": "Рособрнадзор"},
                )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
