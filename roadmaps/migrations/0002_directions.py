"""Reference data: the directions of DOMAIN §8 (fixtures/roadmaps/directions.json)."""

import json
from pathlib import Path

from django.db import migrations

DIRECTIONS = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps" / "directions.json"


def load(apps, schema_editor):
    Direction = apps.get_model("roadmaps", "Direction")
    for row in json.loads(DIRECTIONS.read_text(encoding="utf-8")):
        Direction.objects.update_or_create(
            code=row["code"], defaults={"title": row["title"], "order": row["order"]}
        )


class Migration(migrations.Migration):
    dependencies = [("roadmaps", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
