"""Benchmark: one ШНОР identification run over a municipality of 100 schools × 3 years.

    .venv/bin/python bench/identification.py              # generate, measure, drop the database
    .venv/bin/python bench/identification.py --keep-db    # keep msoko_bench_identification
    .venv/bin/python bench/identification.py --reuse-db   # measure the kept data again

One run:

1. PostgreSQL 15 (started with pg_ctlcluster if it is down, and left running: other
   people's tests share the cluster; DATABASE_URL names the server, default
   postgres://msoko:msoko@127.0.0.1:5432/msoko): a database of its own,
   `msoko_bench_identification`, is created and migrated (the migration ships the rules
   «ШНОР — базовое правило» and the ШНСУ rule, version 1);
2. generates from fixed seeds, without the figures jobs (their own benchmark is
   bench/analytics.py), the stored figures a run reads: one municipality of 100 general
   schools (a third rural, social context 0…1) with a social passport a year (ИСБШ and ШНСУ
   by `wellbeing_recompute`); for each of 2024–2026 the year shares of «2»
   (`vpr.fail_share_year`, `oge.fail_share_year`: one FiguresRun per procedure and year, a
   row per school and the municipality's), and, so that the table is as large as a real
   one, the campaign indicators of the 12 ВПР and ОГЭ campaigns of the demo (8 ВПР codes, 6
   ОГЭ codes per school, the municipality's and the region's rows) under a FiguresRun per
   campaign; a few raised objectivity markers; the share of «2» grows with the context,
   and eight schools are planted weak;
3. applies «ШНОР — базовое правило» v1 with `reports.services.identification_run` (as the
   Celery job does: the protocol from the stored figures, its hash, the PDF with WeasyPrint,
   the XLSX, the draft list) — once in a fresh process state (WeasyPrint imported and its
   fonts loaded by this run) and once more warm; then a version 2 of the same rule with
   context=residual (the share of «2» corrected for the ИСБШ by a regression line), once;
4. prints the time of each phase (thin timers around run_inputs, apply_rule, the rest of
   protocol_build, the PDF's HTML, WeasyPrint's layout and its writing, the XLSX, the
   storing) and the SQL time and count, then, as the very last line,
   `identification run: S s` — S is the wall time of the first (cold) run of v1.

Target: ≤ 10 s for one run over 100 schools × 3 years.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import shared  # bench/shared.py (bench/ is the script's folder)

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "msoko_bench_identification"
YEARS = (2024, 2025, 2026)
SCHOOLS = 100
WEAK = 8  # planted weak schools: a high share of «2» in 2 or 3 of the years
TARGET_S = 10.0
VPR_CODES = (
    "vpr.participants",
    "vpr.fail_share",
    "vpr.pass_rate",
    "vpr.quality",
    "vpr.mean_mark",
    "vpr.mean_primary_percent",
    "vpr.journal_lowered",
    "vpr.journal_raised",
)
OGE_CODES = (
    "oge.participants",
    "oge.fail_share",
    "oge.pass_rate",
    "oge.quality",
    "oge.mean_mark",
    "oge.mean_primary_percent",
)
CAMPAIGNS = [
    ("vpr", subject, grade) for grade in (4, 5, 6, 7, 8) for subject in ("russian", "math")
]
CAMPAIGNS += [("oge", "russian", 9), ("oge", "math", 9)]
D = Decimal


_SHARED = shared.load_analytics()
peak_mb = _SHARED.peak_mb
server_url = _SHARED.server_url
ensure_postgres = _SHARED.ensure_postgres


def database_exists(server: str) -> bool:
    return bool(_SHARED.database_exists(server, name=BENCH_DB))


def recreate_database(server: str, drop_only: bool = False) -> None:
    _SHARED.recreate_database(server, drop_only, name=BENCH_DB)


def django_setup(server: str, tmp: str) -> None:
    _SHARED.django_setup(server, tmp, name=BENCH_DB)


# --- the data -----------------------------------------------------------------------------


def generate() -> dict[str, Any]:
    """The municipality, its passports and stored figures (see the module docstring)."""
    from django.db import transaction

    from assessments.models import (
        Campaign,
        FiguresRun,
        IndicatorValue,
        ObjectivityMarker,
        Procedure,
        Subject,
    )
    from schools.demo import DemoSchool, _passport
    from schools.models import PASSPORT_FIELDS, Municipality, School, SocialPassport
    from schools.services import wellbeing_recompute

    rnd = random.Random(2026)
    with transaction.atomic():
        municipality = Municipality.objects.create(
            name="Замерный муниципальный округ",
            short_name="Замерный МО",
            oktmo="17998000",
            region="Владимирская область",
        )
        specs = []
        for i in range(SCHOOLS):
            rural = i % 3 == 2
            context = rnd.uniform(0.4, 0.95) if rural else rnd.uniform(0.05, 0.65)
            kind = "gymnasium" if i % 10 == 3 else "lyceum" if i % 10 == 7 else "sosh"
            label = {"sosh": "СОШ", "gymnasium": "Гимназия", "lyceum": "Лицей"}[kind]
            size = round(rnd.uniform(120, 1400) * (0.5 if rural else 1))
            specs.append(
                (f"edu{520000 + i + 1:06d}", f"МБОУ {label} № {i + 1}", kind, rural, context, size)
            )
        School.objects.bulk_create(
            School(
                municipality=municipality,
                login=login,
                full_name=f"Муниципальное бюджетное общеобразовательное учреждение {name[5:]}",
                short_name=name,
                org_type=kind,
                locality="rural" if rural else "urban",
            )
            for login, name, kind, rural, _c, _s in specs
        )
        ids = dict(School.objects.filter(municipality=municipality).values_list("login", "pk"))
        passports = []
        for login, name, _kind, rural, context, size in specs:
            demo = DemoSchool(login, "", name, "СОШ", rural, size, context, 30 if rural else 0, "")
            for year in YEARS:
                values = _passport(demo, year, rnd)[2:]
                passports.append(
                    SocialPassport(
                        school_id=ids[login],
                        year=year,
                        **dict(zip(PASSPORT_FIELDS, values, strict=True)),
                    )
                )
        SocialPassport.objects.bulk_create(passports)
        wellbeing_recompute(municipality_id=municipality.pk)

        weak = set(rnd.sample(range(SCHOOLS), WEAK))
        procedures = {p.code: p for p in Procedure.objects.all()}
        subjects = {s.code: s for s in Subject.objects.all()}
        rows: list[Any] = []
        runs = 0
        for year in YEARS:
            weak_years = {i: rnd.random() < 0.7 for i in weak}  # weak this year, or not
            share: dict[tuple[str, int], tuple[Decimal, int]] = {}
            for i, (login, _name, kind, _rural, context, size) in enumerate(specs):
                for procedure, cohort in (("vpr", 0.5), ("oge", 0.09)):
                    n = max(3, round(size * cohort * rnd.uniform(0.9, 1.05)))
                    base = 2 + 22 * context**2 - (3 if kind != "sosh" else 0)
                    if i in weak and weak_years[i]:
                        base += rnd.uniform(15, 25)
                    value = max(0.0, base + rnd.gauss(0, 2.5))
                    share[(procedure, ids[login])] = (D(f"{value:.4f}"), n)
            for procedure in ("vpr", "oge"):
                run = FiguresRun.objects.create(
                    year=year, procedure=procedure, municipality=municipality, code_version=1
                )
                runs += 1
                code = f"{procedure}.fail_share_year"
                mine = [(school, v, n) for (p, school), (v, n) in share.items() if p == procedure]
                rows += [
                    IndicatorValue(
                        run=run,
                        municipality=municipality,
                        level="school",
                        school_id=school,
                        year=year,
                        procedure=procedure,
                        code=code,
                        value=value,
                        n=n,
                    )
                    for school, value, n in mine
                ]
                total = sum(n for _s, _v, n in mine)
                rows.append(
                    IndicatorValue(
                        run=run,
                        municipality=municipality,
                        level="municipality",
                        year=year,
                        procedure=procedure,
                        code=code,
                        value=(sum((v * n for _s, v, n in mine), D(0)) / total).quantize(
                            D("0.0001")
                        ),
                        n=total,
                    )
                )
            for procedure, subject, grade in CAMPAIGNS:
                campaign = Campaign.objects.create(
                    procedure=procedures[procedure],
                    year=year,
                    subject=subjects[subject],
                    grade=grade,
                    is_locked=year < YEARS[-1],
                )
                run = FiguresRun.objects.create(
                    campaign=campaign,
                    year=year,
                    procedure=procedure,
                    municipality=municipality,
                    code_version=1,
                )
                runs += 1
                codes = VPR_CODES if procedure == "vpr" else OGE_CODES
                places: list[tuple[str, int | None]] = [("school", pk) for pk in ids.values()]
                places += [("municipality", None), ("region", None)]
                for level, school_id in places:
                    fail, total = share.get((procedure, school_id or 0), (D(8), 5000))
                    n = max(1, round(total / (10 if procedure == "vpr" else 2)))
                    for code in codes:
                        cell = {
                            "participants": D(n),
                            "fail_share": fail,
                            "pass_rate": 100 - fail,
                        }.get(code.split(".", 1)[1], D(f"{rnd.uniform(20, 80):.4f}"))
                        rows.append(
                            IndicatorValue(
                                run=run,
                                campaign=campaign,
                                municipality=municipality,
                                level=level,
                                school_id=school_id,
                                year=year,
                                procedure=procedure,
                                subject=subjects[subject],
                                grade=grade,
                                code=code,
                                value=cell,
                                n=n,
                            )
                        )
                if procedure == "vpr" and subject == "russian" and grade == 5:
                    marker_fields = {f.name for f in ObjectivityMarker._meta.get_fields()}
                    for pk in rnd.sample(sorted(ids.values()), 4):
                        extra: dict[str, Any] = {}
                        if "procedure" in marker_fields:  # what the marker is about (0012)
                            extra = {
                                "procedure": "vpr",
                                "subject": subjects[subject],
                                "grade": grade,
                            }
                        ObjectivityMarker.objects.create(
                            run=run,
                            campaign=campaign,
                            municipality=municipality,
                            school_id=pk,
                            year=year,
                            code="score_peaks",
                            value=D(3),
                            threshold=D(2),
                            raised=True,
                            params_version=1,
                            **extra,
                        )
        IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return {"values": len(rows), "runs": runs, "passports": len(passports)}


# --- the measurement ----------------------------------------------------------------------


class Timers:
    """Seconds and calls per label; `wrap` puts a timer around a module's or class's function."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

        self.pdf_pages: int = 0

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1
                if label == "PDF целиком":
                    self.pdf_pages = args[0].pages  # ProtocolPdf.render counts them

        setattr(owner, name, timed)


def instrument() -> Timers:
    import weasyprint
    from weasyprint.document import Document

    from reports import identification, protocols, services

    timers = Timers()
    timers.wrap(services, "run_inputs", "чтение показателей (run_inputs)")
    timers.wrap(identification, "apply_rule", "применение правила (apply_rule)")
    timers.wrap(services, "protocol_build", "протокол целиком (protocol_build)")
    timers.wrap(protocols.ProtocolPdf, "html", "PDF: HTML шаблона")
    timers.wrap(weasyprint.HTML, "render", "PDF: вёрстка WeasyPrint (render)")
    timers.wrap(Document, "write_pdf", "PDF: запись (write_pdf)")
    timers.wrap(protocols.ProtocolPdf, "render", "PDF целиком")
    timers.wrap(protocols.ProtocolXlsx, "render", "XLSX")
    timers.wrap(services, "_draft_list", "черновик перечня")
    return timers


def measure(version: Any, municipality: Any, label: str, timers: Timers) -> dict[str, Any]:
    from django.db import connection

    from reports.models import IdentificationRun
    from reports.services import identification_run

    run = IdentificationRun.objects.create(
        version=version, municipality=municipality, year=YEARS[-1]
    )
    timers.seconds.clear()
    timers.calls.clear()
    sql = shared.SqlCounter()
    cpu = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(sql):
        run = identification_run(run_id=run.pk)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    protocol = run.protocol
    return {
        "label": label,
        "wall": wall,
        "cpu": cpu,
        "sql_seconds": sql.seconds,
        "sql_count": sql.count,
        "timers": dict(timers.seconds),
        "totals": protocol["totals"],
        "missing": protocol["missing"],
        "inputs": len(protocol["inputs"]["runs"]),
        "pdf_kb": run.pdf.size / 1024,
        "pdf_pages": timers.pdf_pages,
        "xlsx_kb": run.xlsx.size / 1024,
        "sha": run.protocol_sha256[:12],
    }


def report(result: dict[str, Any]) -> None:
    t = result["timers"]
    build = t.get("протокол целиком (protocol_build)", 0.0)
    inputs = t.get("чтение показателей (run_inputs)", 0.0)
    rule = t.get("применение правила (apply_rule)", 0.0)
    pdf = t.get("PDF целиком", 0.0)
    xlsx = t.get("XLSX", 0.0)
    totals = result["totals"]
    print(
        f"{result['label']}: {result['wall']:.2f} с (цель ≤ {TARGET_S:.0f} с), процессор "
        f"{result['cpu']:.2f} с; SQL {result['sql_seconds']:.2f} с ×{result['sql_count']}"
    )
    print(
        f"  итог: ОО {totals['schools']}, в перечне {totals['listed']}, отдельно "
        f"{totals['separate']}, исключено {totals['excluded']}; расчётов во входных данных "
        f"{result['inputs']}; нет данных: {len(result['missing'])}; SHA-256 {result['sha']}…"
    )
    print(f"  чтение показателей (run_inputs)        {inputs:6.2f} с")
    print(f"  применение правила (apply_rule)        {rule:6.2f} с")
    print(f"  остальное в protocol_build             {build - inputs - rule:6.2f} с")
    print(f"  PDF: HTML шаблона                      {t.get('PDF: HTML шаблона', 0.0):6.2f} с")
    print(
        f"  PDF: вёрстка WeasyPrint (render)       {t.get('PDF: вёрстка WeasyPrint (render)', 0.0):6.2f} с"
    )
    print(
        f"  PDF: запись (write_pdf)                {t.get('PDF: запись (write_pdf)', 0.0):6.2f} с"
    )
    print(
        f"  PDF целиком                            {pdf:6.2f} с "
        f"({result['pdf_pages']} стр., {result['pdf_kb']:.0f} КБ)"
    )
    print(f"  XLSX                                   {xlsx:6.2f} с ({result['xlsx_kb']:.0f} КБ)")
    print(f"  черновик перечня                       {t.get('черновик перечня', 0.0):6.2f} с")
    rest = result["wall"] - build - pdf - xlsx - t.get("черновик перечня", 0.0)
    print(f"  прочее (хэш, файлы, сохранение)        {rest:6.2f} с")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--keep-db", action="store_true", help=f"не удалять {BENCH_DB}")
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"взять {BENCH_DB} прошлого запуска (и оставить)"
    )
    args = parser.parse_args()
    server = server_url()
    started = time.perf_counter()
    ensure_postgres(server)
    keep = args.keep_db or args.reuse_db
    reuse = args.reuse_db and database_exists(server)
    with tempfile.TemporaryDirectory(prefix="msoko-bench-identification-") as tmp:
        try:
            if not reuse:
                recreate_database(server)
            django_setup(server, tmp)
            from django.core.management import call_command
            from django.db import connection

            t0 = time.perf_counter()
            call_command("migrate", verbosity=0)
            migrated = time.perf_counter() - t0
            from assessments.models import IndicatorValue
            from reports.models import IdentificationRule, RuleVersion
            from reports.services import rule_version_create
            from schools.models import Municipality

            if reuse:
                print(f"База {BENCH_DB} прошлого запуска (данные не пересоздаются)")
                municipality = Municipality.objects.get(oktmo="17998000")
            else:
                t0 = time.perf_counter()
                made = generate()
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                print(
                    f"Данные: ОО {SCHOOLS}, лет {len(YEARS)}, паспортов {made['passports']}, "
                    f"расчётов показателей {made['runs']}, значений показателей {made['values']:,} "
                    f"(миграции {migrated:.1f} с, генерация {time.perf_counter() - t0:.1f} с)"
                )
                municipality = Municipality.objects.get(oktmo="17998000")
            print(f"Строк IndicatorValue в базе: {IndicatorValue.objects.count():,}")
            v1 = RuleVersion.objects.get(rule__code="shnor_basic", version=1)
            timers = instrument()
            cold = measure(v1, municipality, "ШНОР v1, первый запуск (холодный)", timers)
            report(cold)
            warm = measure(v1, municipality, "ШНОР v1, второй запуск", timers)
            report(warm)
            print(
                f"  протоколы двух запусков совпадают: {'да' if cold['sha'] == warm['sha'] else 'НЕТ'}"
            )
            rule = IdentificationRule.objects.get(code="shnor_basic")
            residual = rule.versions.filter(definition__context="residual").first()
            if residual is None:
                residual = rule_version_create(
                    rule=rule,
                    definition={**v1.definition, "context": "residual"},
                    note="Поправка на ИСБШ (остаток регрессии)",
                    user=None,
                )
            report(measure(residual, municipality, "ШНОР, context=residual", timers))
            print(f"Пик памяти процесса (ru_maxrss): {peak_mb():.0f} МБ")
            print(
                f"Загрузка машины (loadavg за 1 мин): {os.getloadavg()[0]:.1f}; ядер {os.cpu_count()}"
            )
        finally:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            if not keep:
                with contextlib.suppress(Exception):
                    recreate_database(server, drop_only=True)
    print(f"Время самого замера: {time.perf_counter() - started:.0f} с")
    print(f"identification run: {cold['wall']:.1f} s")


if __name__ == "__main__":
    main()
