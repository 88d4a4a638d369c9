"""Benchmark: a municipal ВПР Ф1 file (100,000 participants × 20 tasks, 100 schools).

    .venv/bin/python bench/import_vpr.py [--rows 100000] [--schools 100] [--tasks 20]

One run:

1. writes the Ф1 workbook «Индивидуальные результаты» (openpyxl, write-only);
2. times a bare python-calamine read of it (open + every cell to Python values);
3. creates a throwaway PostgreSQL database `msoko_bench` (DATABASE_URL names the server;
   default postgres://msoko:msoko@127.0.0.1:5432/msoko), migrates it, creates the
   municipality, the 100 schools and the campaign (tasks + scale), and runs the dry run
   (`upload_check`) — untimed set-up;
4. times the full import in a fresh process: `upload_import` (read with every safety check,
   format detection, validation against the database and the scale, one DELETE, COPY of
   the rows) plus the campaign figures per school and for the municipality
   (`assessments.stats.campaign_report`, the code of the results page, over the stored rows);
5. prints both times, the ratio, rows per second and the import's peak memory, then drops
   the database.

Peak memory is the peak resident set size of the process that runs step 4
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`): Rust allocations of calamine included,
which tracemalloc would not see. Each step runs in its own process, so one step's peak
does not hide in another's. Targets: ratio ≤ 3, peak ≤ 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "msoko_bench"
THRESHOLDS = {3: 10, 4: 20, 5: 30}  # the campaign's scale; the generator follows it


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or "postgres://msoko:msoko@127.0.0.1:5432/msoko"


def bench_url() -> str:
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def tasks_of(count: int) -> list[tuple[str, int, str]]:
    return [(str(i + 1), 1 + i % 3, "Б" if i < count * 3 // 5 else "П") for i in range(count)]


def mark_of(primary: float) -> int:
    mark = 2
    for value, minimum in sorted(THRESHOLDS.items()):
        if primary >= minimum:
            mark = value
    return mark


# --- step 1: the workbook ------------------------------------------------------------------


def write_workbook(path: Path, rows: int, schools: int, tasks: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(2026)
    spec = tasks_of(tasks)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Индивидуальные результаты")
    sheet.append(["Индивидуальные результаты"])
    sheet.append(["ВПР 2026 Русский язык 4 класс"])
    sheet.append(["Предмет:", "Русский язык"])
    sheet.append(["Максимальный первичный балл:", sum(m for _n, m, _l in spec)])
    sheet.append(["Дата:", "15.04.2026"])
    sheet.append([])
    sheet.append(["Уровень сложности задания", "", "", "", "", "", *[lv for *_x, lv in spec]])
    sheet.append(
        [
            "ОО",
            "Муниципалитет",
            "Название ОО",
            "Код участника",
            "Класс",
            "Вариант",
            *[f"{n} ({m}б)" for n, m, _l in spec],
            "Первичный балл",
            "Отметка",
            "Отметка по журналу",
        ]
    )
    code = 100_000
    per_school = rows // schools
    for s in range(schools):
        login = f"edu{700000 + s:06d}"
        name = f"МБОУ СОШ № {s + 1}"
        count = per_school + (1 if s < rows % schools else 0)
        sheet.append([f"{name}({login})", "", "", f"Кол-во участников: {count}"])
        for p in range(count):
            code += 1
            if p % 97 == 96:
                sheet.append(
                    [login, "Городской округ", name, code, f"4{'АБВ'[p % 3]}", "отсутствовал"]
                )
                continue
            scores: list[Any] = [rng.randint(0, m) for _n, m, _l in spec]
            if p % 13 == 0:
                scores[rng.randrange(tasks)] = "X"
            primary = sum(v for v in scores if v != "X")
            journal = rng.choice((3, 4, 4, 5, "нет отметки"))
            sheet.append(
                [
                    login,
                    "Городской округ",
                    name,
                    code,
                    f"4{'АБВ'[p % 3]}",
                    1 + p % 2,
                    *scores,
                    primary,
                    mark_of(primary),
                    journal,
                ]
            )
    book.save(path)


# --- step 2: bare calamine -------------------------------------------------------------------


def phase_calamine(path: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in workbook.sheet_names:
        grid = workbook.get_sheet_by_name(name).to_python()
        cells += sum(len(row) for row in grid)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cells": cells, "peak_mb": peak_mb()}


# --- steps 3 and 4: Django ------------------------------------------------------------------


def django_setup(media: str) -> None:
    os.environ["DATABASE_URL"] = bench_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    os.environ["MEDIA_ROOT"] = media
    os.environ["DATA_DIR"] = media
    os.environ.pop("REDIS_URL", None)  # run the task body in process: we time the service
    os.environ["UPLOAD_CHECK_INLINE_MB"] = "100"  # the dry run is timed here, not in a job
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database(drop_only: bool = False) -> None:
    import psycopg2

    connection = psycopg2.connect(server_url())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    connection.close()


def phase_setup(path: Path, schools: int, tasks: int, media: str) -> dict[str, Any]:
    recreate_database()
    django_setup(media)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from assessments.models import Campaign, CampaignTask, Procedure, Subject
    from assessments.scales import Scale
    from assessments.services.imports import upload_check
    from msoko.choices import Role
    from msoko.models import User
    from schools.models import Municipality, School

    municipality = Municipality.objects.create(
        name="Городской округ", short_name="ГО", oktmo="12345000", region="Тестовая область"
    )
    School.objects.bulk_create(
        School(
            municipality=municipality,
            login=f"edu{700000 + s:06d}",
            full_name=f"Муниципальное бюджетное общеобразовательное учреждение СОШ № {s + 1}",
            short_name=f"МБОУ СОШ № {s + 1}",
            org_type="sosh",
        )
        for s in range(schools)
    )
    user = User.objects.create(username="bench", role=Role.SPECIALIST)
    spec = tasks_of(tasks)
    max_primary = sum(m for _n, m, _l in spec)
    campaign = Campaign.objects.create(
        procedure=Procedure.objects.get(code="vpr"),
        year=2026,
        subject=Subject.objects.get(code="russian"),
        grade=4,
        max_primary=max_primary,
        scale=Scale.from_thresholds(max_primary=max_primary, thresholds=THRESHOLDS).to_dict(),
    )
    CampaignTask.objects.bulk_create(
        CampaignTask(campaign=campaign, order=i, number=n, max_score=m, level=lv)
        for i, (n, m, lv) in enumerate(spec, start=1)
    )
    started = time.perf_counter()
    upload = upload_check(user=user, filename=path.name, data=path.read_bytes())
    dry_run = time.perf_counter() - started
    if upload.report["errors"]:
        raise SystemExit(f"dry run found errors: {upload.report['problems'][:5]}")
    return {"upload_id": upload.pk, "dry_run_seconds": dry_run, "peak_mb": peak_mb()}


def phase_import(upload_id: int, media: str) -> dict[str, Any]:
    django_setup(media)
    from django.db import connection

    from assessments.services.figures import figures_compute
    from assessments.services.imports import upload_import
    from assessments.stored import stored_report
    from msoko.celery import app

    # The figures job that the import queues is timed on its own below: here its message
    # goes to an in-memory queue that no worker reads.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    connection.ensure_connection()
    baseline = peak_mb()
    started = time.perf_counter()
    outcome = upload_import(upload_id=upload_id)
    stored = time.perf_counter()
    from assessments.models import Campaign

    campaign = Campaign.objects.select_related("procedure").get(pk=outcome["campaign_id"])
    # The figures job's work (assessments/services/figures.py), then the page's read of them.
    municipality_id = campaign.results.values_list("school__municipality_id", flat=True)[0]
    figures_compute(campaign=campaign, municipality_id=municipality_id)
    report = stored_report(campaign, municipality_id=municipality_id)
    assert report is not None
    finished = time.perf_counter()
    return {
        "created": outcome["created"],
        "import_seconds": stored - started,
        "figures_seconds": finished - stored,
        "seconds": finished - started,
        "schools_with_figures": len(report.schools),
        "municipal_participants": report.total.participants,
        "municipal_quality": str(report.total.quality_rate),
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }


# --- driver -----------------------------------------------------------------------------------


def run_phase(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--file", type=Path, help="reuse (or keep) the workbook at this path")
    parser.add_argument("--keep-db", action="store_true", help="do not drop msoko_bench")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        name, *rest = args.phase
        if name == "calamine":
            result = phase_calamine(Path(rest[0]))
        elif name == "setup":
            result = phase_setup(Path(rest[0]), int(rest[1]), int(rest[2]), rest[3])
        else:
            result = phase_import(int(rest[0]), rest[1])
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="msoko-bench-") as tmp:
        path = args.file or Path(tmp) / "vpr-f1.xlsx"
        if not path.exists():
            started = time.perf_counter()
            write_workbook(path, args.rows, args.schools, args.tasks)
            print(
                f"Файл Ф1: {args.rows:,} участников × {args.tasks} заданий, {args.schools} ОО, "
                f"{path.stat().st_size / 2**20:.1f} МБ (записан за {time.perf_counter() - started:.1f} с)"
            )
        try:
            setup = run_phase("setup", str(path), str(args.schools), str(args.tasks), tmp)
            bare = run_phase("calamine", str(path))
            full = run_phase("import", str(setup["upload_id"]), tmp)
        finally:
            if not args.keep_db:
                recreate_database(drop_only=True)
    # The figures are a separate job (issue 8): the ratio is the import's alone.
    ratio = full["import_seconds"] / bare["seconds"]
    print(f"Чтение python-calamine (без проверок):   {bare['seconds']:.2f} с")
    print(f"Импорт в PostgreSQL:                     {full['import_seconds']:.2f} с")
    print(f"Задача расчёта показателей (отдельно):   {full['figures_seconds']:.2f} с")
    print(f"Отношение импорт / calamine:             {ratio:.2f} (цель ≤ 3)")
    print(
        f"Строк в секунду:                         {full['created'] / full['import_seconds']:,.0f}"
    )
    print(
        f"Пиковая память процесса импорта (RSS):   {full['peak_mb']:.0f} МБ "
        f"(после запуска Django {full['baseline_mb']:.0f} МБ; цель ≤ 600 МБ)"
    )
    print(f"Проверка (dry run, не входит во время):  {setup['dry_run_seconds']:.2f} с")
    print(
        f"Показатели: ОО {full['schools_with_figures']}, участников "
        f"{full['municipal_participants']:,}, качество знаний {full['municipal_quality'][:5]} %"
    )


if __name__ == "__main__":
    main()
