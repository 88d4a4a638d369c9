"""Benchmark: the analytics of a municipality — recomputing a year, and the pages that read it.

    .venv/bin/python bench/analytics.py                # generate, measure, drop the database
    .venv/bin/python bench/analytics.py --keep-db      # keep msoko_bench_analytics
    .venv/bin/python bench/analytics.py --reuse-db     # measure the kept database again

One run:

1. PostgreSQL 15 (started with pg_ctlcluster if it is down, and left running: other
   people's tests share the cluster; DATABASE_URL names the server, default
   postgres://msoko:msoko@127.0.0.1:5432/msoko): a database of its own,
   `msoko_bench_analytics`, is created and migrated;
2. generates, from fixed seeds and without the import pipeline (bulk_create, and COPY for
   the results): one municipality of 100 general schools with a social passport for every
   school and year (ИСБШ and ШНСУ computed by `schools.services.wellbeing_recompute`); for
   each of 3 years (2024–2026) the 14 campaigns of the demo (assessments/demo.py: ВПР 4–8
   русский and математика, ОГЭ русский and математика, ЕГЭ русский and математика профиль,
   with the demo's task lists, scales and scale versions): 100,000 ВПР participants a year
   (10,000 a campaign) with per-task scores, X, journal marks and about 5 % absent pupils
   on top, 8,000 ОГЭ and 5,000 ЕГЭ participants a year (ЕГЭ with test scores), the region's
   and Russia's rows of the ФИС ОКО forms for every ВПР campaign, and an official bound to
   the municipality; then stores every year's figures once (`compute_indicators --year Y`);
3. in a fresh process, recomputes every indicator of the last year with
   `call_command("compute_indicators", year=Y)`: wall time, and the peak resident set size
   of that process (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, so the Django start-up is
   included and printed apart); where the time goes is measured in the same run by thin
   timers around the services (`stats.campaign_report`, the indicator-value rows, the
   class rows, the year computations) and a database execute wrapper (SQL time by
   statement kind);
4. in another fresh process with DEBUG=0 (after `collectstatic` into a temporary folder),
   signs in the official with `django.test.Client.force_login` and opens each page of
   `PAGES`: 2 warm-up requests, one counted with `CaptureQueriesContext`, then 20 timed
   ones (server time = the time of `client.get` in process); a page whose route does not
   resolve yet is reported and skipped;
5. prints every figure on its own line and, as the very last line,
   `slowest page median N ms; recompute S s`.

Targets: recompute ≤ 30 s and ≤ 600 MB; every page median ≤ 150 ms and ≤ 15 queries.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import shared  # bench/shared.py (bench/ is the script's folder)

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "msoko_bench_analytics"
YEARS = (2024, 2025, 2026)
SCHOOLS = 100
PER_CAMPAIGN = {"vpr": 10_000, "oge": 4_000, "ege": 2_500}  # participants who wrote
ABSENT_SHARE = {"vpr": 0.05, "oge": 0.015, "ege": 0.015}  # absent pupils, on top
NULL = "\\N"  # COPY's text format for NULL
ABSENT_TAIL = "\t".join([NULL, NULL, NULL, NULL, "t", NULL])  # primary … absent, upload
CLASS_LETTERS = "АБВГДЕЖИКЛМНПРСТ"  # up to 16 classes of 26 in a grade
TIMED_REQUESTS = 20
WARM_UP = 2
TARGET_RECOMPUTE_S = 30
TARGET_RECOMPUTE_MB = 600
TARGET_PAGE_MS = 150
TARGET_QUERIES = 15


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or "postgres://msoko:msoko@127.0.0.1:5432/msoko"


def bench_url(server: str, name: str = BENCH_DB) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


# --- the database server ----------------------------------------------------------------------


def ensure_postgres(server: str) -> None:
    """Start the machine's PostgreSQL 15 if it is down (and leave it running: it is shared)."""
    parts = urlsplit(server)
    ready = ["pg_isready", "-q", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if subprocess.run(ready, check=False).returncode == 0:
        return
    print("PostgreSQL не отвечает: pg_ctlcluster 15 main start", flush=True)
    subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)
    deadline = time.monotonic() + 30
    while subprocess.run(ready, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise SystemExit("PostgreSQL не запустился за 30 с")
        time.sleep(0.5)


def database_exists(server: str, name: str = BENCH_DB) -> bool:
    import psycopg2

    connection = psycopg2.connect(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def recreate_database(server: str, drop_only: bool = False, name: str = BENCH_DB) -> None:
    import psycopg2

    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def django_setup(server: str, tmp: str, production: bool = False, name: str = BENCH_DB) -> None:
    os.environ["DATABASE_URL"] = bench_url(server, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    os.environ["DATA_DIR"] = tmp
    os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
    os.environ["STATIC_ROOT"] = str(Path(tmp) / "static")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)  # nothing is queued: the services run in process
    if production:  # the pages as a deployment serves them
        os.environ.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            SECURE_HSTS_PRELOAD="0",
        )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- step 2: the data -------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchSchool:
    login: str
    short_name: str
    org_type: str
    rural: bool
    context: float  # 0 favourable … 1 poor (as schools.demo)
    weight: float  # its share of a campaign's participants
    distance: float


def bench_schools(count: int) -> list[BenchSchool]:
    rnd = random.Random(f"analytics-schools-{count}")
    schools = []
    for i in range(count):
        kind = "gymnasium" if i % 10 == 3 else "lyceum" if i % 10 == 7 else "sosh"
        rural = i % 3 == 2
        context = rnd.uniform(0.4, 0.95) if rural else rnd.uniform(0.05, 0.65)
        label = {"sosh": "СОШ", "gymnasium": "Гимназия", "lyceum": "Лицей"}[kind]
        schools.append(
            BenchSchool(
                login=f"edu{510000 + i + 1:06d}",
                short_name=f"МБОУ {label} № {i + 1}",
                org_type=kind,
                rural=rural,
                context=round(context, 2),
                weight=rnd.uniform(0.35, 1.65) * (0.6 if rural else 1.0),
                distance=rnd.randint(8, 70) if rural else 0,
            )
        )
    return schools


def split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders: the sum is exact)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[
        : total - sum(counts)
    ]:
        counts[i] += 1
    return counts


@dataclass
class Row:
    """What the reference forms are made from (assessments.demo._references reads these)."""

    absent: bool
    mark: int | None
    journal_mark: int | None


EASE = {("oge", "russian"): 0.1, ("ege", "russian"): 0.14, ("ege", "math_profile"): -0.08}
LEVEL_FACTOR = {"Б": 1.1, "П": 0.8, "В": 0.55}


def campaign_rows(
    *,
    spec: Any,
    year: int,
    campaign_id: int,
    scale: Any,
    schools: list[tuple[int, BenchSchool]],
    seed: int,
) -> tuple[str, list[Row], int]:
    """The campaign's results in COPY's text format, the rows for the reference forms, and
    the number of participants who wrote."""
    import numpy as np

    from assessments import demo

    rng = np.random.default_rng(seed)
    procedure = spec.procedure
    numbers = [t[0] for t in spec.tasks]
    maxima = np.array([t[1] for t in spec.tasks])
    factors = np.array([LEVEL_FACTOR[t[2]] for t in spec.tasks])
    hard = np.array([t[2] != "Б" for t in spec.tasks])
    present = split(PER_CAMPAIGN[procedure], [s.weight for _pk, s in schools])
    mark_of_primary: list[int] | None = None
    if scale is not None and not scale.conditions:
        mark_of_primary = [scale.mark_for(p) for p in range(int(sum(maxima)) + 1)]
    conversion = demo.EGE_CONVERSION.get(spec.subject) if procedure == "ege" else None
    xs, ys = zip(*conversion, strict=True) if conversion else ((), ())
    lines: list[str] = []
    rows: list[Row] = []
    token = {-1: "null", **{v: str(v) for v in range(int(maxima.max()) + 1)}}
    written = 0
    for (school_id, school), wrote in zip(schools, present, strict=True):
        absent_count = int(rng.binomial(wrote, ABSENT_SHARE[procedure]))
        count = wrote + absent_count
        if not count:
            continue
        absent = np.zeros(count, dtype=bool)
        absent[rng.choice(count, size=absent_count, replace=False)] = True
        level = 0.72 - 0.35 * school.context + EASE.get((procedure, spec.subject), 0.0)
        level += 0.06 if school.org_type in ("gymnasium", "lyceum") else 0.0
        level += rng.uniform(-0.025, 0.025)  # this year's luck
        ability = np.clip(rng.normal(level, 0.16, count), 0.03, 0.99)
        p = np.clip(ability[:, None] * factors[None, :], 0.0, 0.995)
        scores = rng.binomial(maxima[None, :], p)
        x = hard[None, :] & (rng.random(scores.shape) < 0.1 * (1 - ability)[:, None])
        scores[x] = -1
        primary = np.where(scores < 0, 0, scores).sum(axis=1)
        journal_draw = rng.random(count)
        journal_delta = rng.random(count)
        classes = min(len(CLASS_LETTERS), max(1, math.ceil(count / 26)))
        up = 0.1 + 0.3 * school.context  # journal marks are kinder where the context is poor
        for i in range(count):
            code = f"{spec.grade:02d}{school.login[-3:]}{i + 1:04d}"
            class_name = f"{spec.grade}{CLASS_LETTERS[i % classes]}"
            if absent[i]:
                lines.append(
                    f"{campaign_id}\t{school_id}\t{code}\t{class_name}\t\t[]\t{ABSENT_TAIL}"
                )
                rows.append(Row(True, None, None))
                continue
            written += 1
            task_scores = scores[i].tolist()
            total = int(primary[i])
            mark: int | None = None
            if mark_of_primary is not None:
                mark = mark_of_primary[total]
            elif scale is not None:
                mark = scale.mark_for(
                    total,
                    {n: (None if v < 0 else v) for n, v in zip(numbers, task_scores, strict=True)},
                )
            journal: int | None = None
            if procedure == "vpr" and mark is not None and journal_draw[i] >= 0.12:
                r = journal_delta[i]
                delta = 1 if r < up else -1 if r > 0.9 else 0
                journal = min(max(mark + delta, 2), 5)
            test = NULL
            if conversion is not None:
                test = str(round(float(np.interp(total, xs, ys))))
            lines.append(
                f"{campaign_id}\t{school_id}\t{code}\t{class_name}\t{1 + i % 2}\t"
                f"[{','.join(token[v] for v in task_scores)}]\t{total}\t"
                f"{NULL if mark is None else mark}\t{NULL if journal is None else journal}\t"
                f"{test}\tf\t{NULL}"
            )
            rows.append(Row(False, mark, journal))
    return "\n".join(lines) + "\n", rows, written


def phase_setup(server: str, tmp: str) -> dict[str, Any]:
    started = time.perf_counter()
    recreate_database(server)
    django_setup(server, tmp)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()

    from assessments import demo
    from assessments.models import Campaign, Procedure, ReferenceValue, Result, Subject
    from msoko.choices import Role
    from msoko.models import User
    from schools.demo import DemoSchool, _passport
    from schools.models import PASSPORT_FIELDS, Municipality, School, SocialPassport
    from schools.services import wellbeing_recompute

    with transaction.atomic():
        municipality = Municipality.objects.create(
            name="Замерный муниципальный округ",
            short_name="Замерный МО",
            oktmo="17999000",
            region="Владимирская область",
        )
        specs = bench_schools(SCHOOLS)
        School.objects.bulk_create(
            School(
                municipality=municipality,
                login=s.login,
                full_name=f"Муниципальное бюджетное общеобразовательное учреждение {s.short_name[5:]}",
                short_name=s.short_name,
                org_type=s.org_type,
                locality="rural" if s.rural else "urban",
            )
            for s in specs
        )
        ids = dict(School.objects.values_list("login", "pk"))
        schools = [(ids[s.login], s) for s in specs]
        rnd = random.Random(2026)
        passports = []
        for school_id, s in schools:
            size = round(900 * s.weight)
            demo_school = DemoSchool(
                s.login, "", s.short_name, "СОШ", s.rural, size, s.context, s.distance, ""
            )
            for year in YEARS:
                values = _passport(demo_school, year, rnd)[2:]
                passports.append(
                    SocialPassport(
                        school_id=school_id,
                        year=year,
                        **dict(zip(PASSPORT_FIELDS, values, strict=True)),
                    )
                )
        SocialPassport.objects.bulk_create(passports)
        wellbeing_recompute(municipality_id=municipality.pk)
        specialist = User.objects.create(username="bench-specialist", role=Role.SPECIALIST)
        User.objects.create(
            username="bench-official", role=Role.OFFICIAL, municipality=municipality
        )
        procedures = {p.code: p for p in Procedure.objects.all()}
        subjects = {s.code: s for s in Subject.objects.all()}
    registry = time.perf_counter()

    columns = ", ".join(
        f.column for f in Result._meta.concrete_fields if f.column != "id"
    )  # campaign_id, school_id, participant_code, class_name, variant, scores, primary_score,
    # mark, journal_mark, test_score, absent, upload_id — the order of the generated lines
    copy_sql = f"COPY {Result._meta.db_table} ({columns}) FROM STDIN"
    counts: Counter[str] = Counter()
    generating = copying = 0.0
    for year in YEARS:
        for index, spec in enumerate(demo.campaign_specs()):
            with transaction.atomic():
                campaign, scale = demo._campaign(spec, year, procedures, subjects, specialist)
                t0 = time.perf_counter()
                text, rows, written = campaign_rows(
                    spec=spec,
                    year=year,
                    campaign_id=campaign.pk,
                    scale=scale,
                    schools=schools,
                    seed=year * 100 + index,
                )
                t1 = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.cursor.copy_expert(copy_sql, io.StringIO(text))
                copying += time.perf_counter() - t1
                generating += t1 - t0
                if spec.procedure == "vpr":
                    refs = demo._references(campaign, rows, random.Random(f"ref-{year}-{index}"))  # type: ignore[arg-type]
                    ReferenceValue.objects.bulk_create(refs)
                    counts["эталонных строк (регион, Россия)"] += len(refs)
            counts[f"{spec.procedure} {year}"] += written
            counts[f"отсутствовали {spec.procedure} {year}"] += len(rows) - written
    Campaign.objects.filter(year__lt=YEARS[-1]).update(is_locked=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Result._meta.db_table}")
    loaded = time.perf_counter()

    first_compute = {}
    for year in YEARS:  # the stored figures every page reads; the last year is recomputed later
        t0 = time.perf_counter()
        call_command("compute_indicators", year=year, stdout=io.StringIO())
        first_compute[year] = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "migrate_seconds": migrated - started,
        "registry_seconds": registry - migrated,
        "generate_seconds": generating,
        "copy_seconds": copying,
        "results_seconds": loaded - registry,
        "first_compute": first_compute,
        "counts": dict(counts),
        "campaigns": Campaign.objects.count(),
        "results": Result.objects.count(),
        "passports": SocialPassport.objects.count(),
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(),
    }


# --- step 3: the recompute --------------------------------------------------------------------


class Timers:
    """Seconds and calls per label; `wrap` puts a timer around a module's function."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def wrap(
        self, module: Any, name: str, label: str, by: Callable[..., str] | None = None
    ) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                key = f"{label} {by(*args, **kwargs)}" if by else label
                self.seconds[key] += time.perf_counter() - started
                self.calls[key] += 1

        setattr(module, name, timed)


def phase_recompute(server: str, tmp: str, year: int) -> dict[str, Any]:
    django_setup(server, tmp)
    from django.core.management import call_command
    from django.db import connection

    import assessments.services.figures as figures_module
    from assessments import stats
    from assessments.management.commands import compute_indicators
    from assessments.models import FiguresRun, IndicatorValue

    connection.ensure_connection()
    baseline = peak_mb()
    timers = Timers()
    timers.wrap(
        compute_indicators,
        "figures_compute",
        "figures_compute",
        by=lambda *, campaign, **_k: campaign.procedure.code,
    )
    timers.wrap(
        compute_indicators,
        "year_figures_compute",
        "year_figures_compute",
        by=lambda *, procedure, **_k: procedure,
    )
    timers.wrap(stats, "campaign_report", "  stats.campaign_report (чтение результатов и расчёт)")
    timers.wrap(figures_module, "_values", "  _values (строки IndicatorValue, всего)")
    timers.wrap(figures_module, "_class_values", "    _class_values (строки классов)")
    timers.wrap(figures_module, "_reference_values", "    _reference_values (регион, Россия)")
    sql: Counter[str] = Counter()
    sql_calls: Counter[str] = Counter()

    def execute(
        run: Callable[..., Any], statement: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return run(statement, params, many, context)
        finally:
            kind = statement.lstrip().split(None, 1)[0].upper()
            sql[kind] += time.perf_counter() - started
            sql_calls[kind] += 1

    out = io.StringIO()
    with connection.execute_wrapper(execute):
        started, cpu_started = time.perf_counter(), time.process_time()
        call_command("compute_indicators", year=year, stdout=out)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
        "timers": {k: [v, timers.calls[k]] for k, v in timers.seconds.items()},
        "sql": {k: [v, sql_calls[k]] for k, v in sql.items()},
        "runs": FiguresRun.objects.filter(year=year).count(),
        "values": IndicatorValue.objects.filter(year=year).count(),
        "message": out.getvalue().strip(),
    }


# --- step 4: the pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What the pages are opened with: one campaign, one school, one year, one subject."""

    campaign: int
    school: int
    year: int
    subject: int


#: The measured pages: (route name, its positional arguments, its GET parameters).
PAGES: list[tuple[str, Callable[[Target], tuple[list[Any], dict[str, Any]]]]] = [
    ("assessments:campaign_detail", lambda t: ([t.campaign], {})),
    ("home", lambda t: ([], {})),
    ("reports:school_card", lambda t: ([t.school], {})),
    (
        "reports:indicator",
        lambda t: (
            [],
            {
                "code": "vpr.fail_share",
                "procedure": "vpr",
                "subject": t.subject,
                "grade": 5,
                "year": t.year,
            },
        ),
    ),
]


def phase_pages(server: str, tmp: str, year: int) -> dict[str, Any]:
    django_setup(server, tmp, production=True)
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from assessments.models import Campaign, Result
    from msoko.models import User
    from schools.models import School

    t0 = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    collectstatic = time.perf_counter() - t0
    official = User.objects.get(username="bench-official")
    largest = (
        Result.objects.filter(campaign__year=year, campaign__procedure__code="vpr")
        .values("campaign")
        .annotate(n=Count("id"))
        .order_by("-n", "campaign")
        .first()
    )
    campaign = Campaign.objects.select_related("subject").get(pk=largest["campaign"])
    schools = list(School.objects.order_by("login").values_list("pk", flat=True))
    target = Target(
        campaign=campaign.pk,
        school=schools[len(schools) // 2],
        year=year,
        subject=Campaign.objects.get(
            year=year, procedure__code="vpr", grade=5, subject__code="russian"
        ).subject_id,
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(official)
    load_before = os.getloadavg()[0]
    pages: dict[str, Any] = {}
    for name, build in PAGES:
        args, params = build(target)
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            pages[name] = {"missing": True}
            continue
        url = f"{path}?{urlencode(params)}" if params else path
        for _ in range(WARM_UP):
            response = client.get(url)
        if response.status_code != 200:
            pages[name] = {"url": url, "status": response.status_code}
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # Read now: the next request's request_started signal empties the connection's log.
        queries = list(captured.captured_queries)
        shapes = Counter(re.sub(r"\b\d+\b", "N", q["sql"])[:120] for q in queries)
        times, cpu = [], []
        for _ in range(TIMED_REQUESTS):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        pages[name] = {
            "url": url,
            "status": response.status_code,
            "median_ms": statistics.median(times),
            "cpu_ms": statistics.median(cpu),
            "max_ms": max(times),
            "min_ms": min(times),
            "queries": len(queries),
            "sql_ms": sum(float(q["time"]) * 1000 for q in queries),
            "kb": len(response.content) / 1024,
            "repeated": shapes.most_common(1)[0] if shapes else ["", 0],
        }
    return {
        "pages": pages,
        "campaign": str(campaign),
        "collectstatic_seconds": collectstatic,
        "load": [load_before, os.getloadavg()[0]],
        "peak_mb": peak_mb(),
    }


# --- driver -----------------------------------------------------------------------------------


def run_phase(*args: str) -> dict[str, Any]:
    return shared.run_phase(__file__, *args)


def report_setup(setup: dict[str, Any]) -> None:
    counts = setup["counts"]
    for year in YEARS:
        print(
            f"Участников {year}: ВПР {counts.get(f'vpr {year}', 0):,} "
            f"(+ отсутствовали {counts.get(f'отсутствовали vpr {year}', 0):,}), "
            f"ОГЭ {counts.get(f'oge {year}', 0):,}, ЕГЭ {counts.get(f'ege {year}', 0):,}"
        )
    print(
        f"Данные: ОО {SCHOOLS}, кампаний {setup['campaigns']}, строк результатов "
        f"{setup['results']:,}, паспортов {setup['passports']}, эталонных строк "
        f"{counts.get('эталонных строк (регион, Россия)', 0)}"
    )
    print(
        f"Подготовка: миграции {setup['migrate_seconds']:.1f} с, реестр и паспорта "
        f"{setup['registry_seconds']:.1f} с, результаты {setup['results_seconds']:.1f} с "
        f"(генерация {setup['generate_seconds']:.1f} с, COPY {setup['copy_seconds']:.1f} с), "
        f"пик памяти {setup['peak_mb']:.0f} МБ"
    )
    print(
        "Первый расчёт показателей (без прежних): "
        + ", ".join(f"{y} — {s:.1f} с" for y, s in setup["first_compute"].items())
    )


def report_recompute(full: dict[str, Any], year: int) -> None:
    print(
        f"Пересчёт показателей {year} года (compute_indicators --year {year}): "
        f"{full['seconds']:.1f} с (цель ≤ {TARGET_RECOMPUTE_S} с)"
    )
    print(
        f"Из них процессор процесса пересчёта (Python): {full['cpu_seconds']:.1f} с; "
        f"остальное — ожидание PostgreSQL (и свободного ядра)"
    )
    print(
        f"Пиковая память процесса пересчёта (ru_maxrss): {full['peak_mb']:.0f} МБ "
        f"(после запуска Django {full['baseline_mb']:.0f} МБ; цель ≤ {TARGET_RECOMPUTE_MB} МБ)"
    )
    print(
        f"Записано: расчётов {full['runs']}, значений показателей {full['values']:,} "
        f"({full['message']})"
    )
    print("Где время пересчёта (с, вызовов):")
    for label, (seconds, calls) in sorted(
        full["timers"].items(), key=lambda item: (not item[0].startswith(("f", "y")), item[0])
    ):
        print(f"  {label:<58} {seconds:6.2f} с  ×{calls}")
    sql_total = sum(s for s, _n in full["sql"].values())
    print(
        f"  SQL всего {sql_total:.2f} с: "
        + ", ".join(
            f"{kind} {s:.2f} с ×{n}"
            for kind, (s, n) in sorted(full["sql"].items(), key=lambda kv: -kv[1][0])
        )
    )


def report_pages(pages: dict[str, Any]) -> float:
    slowest = 0.0
    for name, page in pages["pages"].items():
        if page.get("missing"):
            print(f"Страница {name}: маршрута ещё нет, не измерена")
            continue
        if page.get("status") != 200:
            print(f"Страница {name}: ответ {page['status']} на {page['url']}, не измерена")
            continue
        slowest = max(slowest, page["median_ms"])
        flags = []
        if page["median_ms"] > TARGET_PAGE_MS:
            flags.append(f"медиана > {TARGET_PAGE_MS} мс")
        if page["queries"] > TARGET_QUERIES:
            flags.append(f"запросов > {TARGET_QUERIES}")
        print(
            f"Страница {name}: медиана {page['median_ms']:.0f} мс из {TIMED_REQUESTS} "
            f"(мин {page['min_ms']:.0f}, макс {page['max_ms']:.0f}; цель ≤ {TARGET_PAGE_MS}), "
            f"из них процессор этого процесса {page['cpu_ms']:.0f} мс, {page['kb']:.0f} КБ"
            + (f" — {'; '.join(flags)}" if flags else "")
        )
        print(
            f"Страница {name}: запросов к БД {page['queries']} (цель ≤ {TARGET_QUERIES}), "
            f"SQL {page['sql_ms']:.0f} мс"
        )
        shape, times = page["repeated"]
        if times > 2:
            print(f"  чаще всего ×{times}: {shape}")
    return slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--year", type=int, default=YEARS[-1], choices=YEARS)
    parser.add_argument("--keep-db", action="store_true", help=f"не удалять {BENCH_DB}")
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"взять {BENCH_DB} прошлого запуска (и оставить)"
    )
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = server_url()

    if args.phase:
        name, tmp, *rest = args.phase
        if name == "setup":
            result = phase_setup(server, tmp)
        elif name == "recompute":
            result = phase_recompute(server, tmp, int(rest[0]))
        else:
            result = phase_pages(server, tmp, int(rest[0]))
        print(json.dumps(result, default=str))
        return

    started = time.perf_counter()
    ensure_postgres(server)
    keep = args.keep_db or args.reuse_db
    with tempfile.TemporaryDirectory(prefix="msoko-bench-analytics-") as tmp:
        try:
            if args.reuse_db and database_exists(server):
                print(f"База {BENCH_DB} прошлого запуска (данные не пересоздаются)")
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "-v0"],
                    cwd=ROOT,
                    env={**os.environ, "DATABASE_URL": bench_url(server), "DATA_DIR": tmp},
                    check=True,
                )
            else:
                report_setup(run_phase("setup", tmp))
            full = run_phase("recompute", tmp, str(args.year))
            report_recompute(full, args.year)
            pages = run_phase("pages", tmp, str(args.year))
            print(f"Страницы (руководство муниципалитета; кампания: {pages['campaign']}):")
            slowest = report_pages(pages)
            print(
                f"Загрузка машины (loadavg за 1 мин) при замере страниц: {pages['load'][0]:.1f} "
                f"в начале, {pages['load'][1]:.1f} в конце; ядер {os.cpu_count()}"
            )
        finally:
            if not keep:
                with contextlib.suppress(Exception):
                    recreate_database(server, drop_only=True)
    print(f"Время самого замера: {time.perf_counter() - started:.0f} с")
    print(f"slowest page median {slowest:.0f} ms; recompute {full['seconds']:.1f} s")


if __name__ == "__main__":
    main()
