"""Load benchmark: 20 people using the portal at once, on a production-like stack.

    .venv/bin/python bench/load.py                   # smoke run, 20 s
    .venv/bin/python bench/load.py --duration 180    # the measured run, 3 minutes

One run:

1. PostgreSQL 15 (started with pg_ctlcluster if it is down; DATABASE_URL names the server,
   default postgres://msoko:msoko@127.0.0.1:5432/msoko): a throwaway database `msoko_load`
   is created, migrated and filled with `load_demo --schools 100 --years 3`; 20 bench users
   are added (directors of 8 different schools, 7 specialists, 5 officials);
2. starts, all on 127.0.0.1 and all with DEBUG=0: Redis on its own port (6391), one Celery
   worker process (concurrency 1) and gunicorn with 2 sync workers (port 8391), after
   `collectstatic`; requests carry `X-Forwarded-Proto: https`, as from the TLS proxy of a
   real deployment, so secure cookies and the CSRF origin check work as in production;
3. drives the users from threads of this process (http.client, one cookie jar per user),
   each signing in through the real login form with its CSRF token:
   directors download the collection form of an open ВПР 2026 campaign of their own school,
   fill it in, upload it, confirm the dry run, poll the job and the upload fragments as htmx
   does until the Celery worker has imported it, then read their results; specialists open
   the lists (schools, campaigns, uploads, «Мои задачи»), results pages and road maps;
   officials open the home page and results. Between two pages a user waits 0.5–2.5 s;
4. stops at the deadline (or at --max-requests); every request has a socket timeout;
5. opens every page seen once more in process (django.test.Client + CaptureQueriesContext
   against the same database, after the servers have stopped): queries per page;
6. prints p50 / p95 / p99 per page (URLs grouped by route name), the errors with examples
   (status ≥ 400, exceptions, and failed checks: a rejected or unfinished upload, a signed-in
   user sent to the login page), queries per page, and as the very last line
   `p95 N ms, errors E, requests R`; stops everything it started (also on Ctrl+C or an
   error) and drops the database unless --keep-db.

Targets: 0 errors, p95 ≤ 300 ms over all requests.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import io
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOAD_DB = "msoko_load"
PASSWORD = "load-msoko-2026"  # noqa: S105 — bench users of a throwaway database
TARGET_P95_MS = 300
TABS = ("figures", "tasks", "journal", "distribution", "tracker")


def say(text: str) -> None:
    print(f"== {text}", flush=True)


# --- the stack ------------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or "postgres://msoko:msoko@127.0.0.1:5432/msoko"


def load_url(server: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{LOAD_DB}"))


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_for(what: str, check: Callable[[], bool], seconds: float, proc: Any = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"{what}: процесс завершился с кодом {proc.returncode}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise SystemExit(f"{what}: не запустился за {seconds:.0f} с")


class Stack:
    """PostgreSQL (shared), Redis, a Celery worker and gunicorn; stops what it started."""

    def __init__(self, tmp: Path, args: argparse.Namespace) -> None:
        self.tmp = tmp
        self.args = args
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.started_postgres = False
        # Read once: this process's DATABASE_URL is pointed at msoko_load for Django later.
        self.server = server_url()
        self.env = os.environ.copy()
        self.env.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            SECURE_HSTS_PRELOAD="0",
            DATABASE_URL=load_url(self.server),
            REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
            DATA_DIR=str(tmp),
            MEDIA_ROOT=str(tmp / "media"),
            STATIC_ROOT=str(tmp / "static"),
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="msoko.settings",
            PYTHONUNBUFFERED="1",
        )

    # PostgreSQL is the machine's shared cluster: started only if it is down, stopped only then.
    def postgres(self) -> None:
        host = urlsplit(self.server).hostname or "127.0.0.1"
        port = str(urlsplit(self.server).port or 5432)
        ready = ["pg_isready", "-q", "-h", host, "-p", port]
        if subprocess.run(ready, check=False).returncode != 0:
            say("Запускаю PostgreSQL 15 (pg_ctlcluster 15 main start)")
            subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)
            self.started_postgres = True
            wait_for("PostgreSQL", lambda: subprocess.run(ready, check=False).returncode == 0, 30)

    def database(self, *, recreate: bool) -> bool:
        """Create `msoko_load` (dropping an old one); False if it exists and is reused."""
        import psycopg2

        connection = psycopg2.connect(self.server)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [LOAD_DB])
            exists = cursor.fetchone() is not None
            if exists and not recreate:
                connection.close()
                return False
            cursor.execute(f'DROP DATABASE IF EXISTS "{LOAD_DB}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{LOAD_DB}"')
        connection.close()
        return True

    def drop_database(self) -> None:
        import psycopg2

        connection = psycopg2.connect(self.server)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{LOAD_DB}" WITH (FORCE)')
        connection.close()

    def manage(self, *command: str) -> None:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, check=True)

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        with open(self.tmp / f"{name}.log", "wb") as log:  # the child keeps its own copy
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: Ctrl+C is ours to pass on
            )
        self.procs.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def services(self) -> None:
        args = self.args
        for port in (args.redis_port, args.port):
            if not port_is_free(port):
                raise SystemExit(
                    f"Порт 127.0.0.1:{port} занят; укажите другой (--port, --redis-port)"
                )
        say(
            f"Redis на 127.0.0.1:{args.redis_port}, воркер Celery, gunicorn на 127.0.0.1:{args.port}"
        )
        (self.tmp / "redis").mkdir()
        redis = self.spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(args.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp / "redis"),
            ],
        )
        wait_for("Redis", lambda: _redis_ping(args.redis_port), 15, redis)
        from django.conf import settings

        # One worker process for every queue the settings route tasks to.
        queues = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
        queues |= {route["queue"] for route in getattr(settings, "CELERY_TASK_ROUTES", {}).values()}
        worker = self.spawn(
            "celery",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "msoko",
                "worker",
                "--concurrency=1",
                "--queues",
                ",".join(sorted(queues)),
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"load-{os.getpid()}@%h",
            ],
        )
        wait_for("Celery", lambda: " ready." in self.log("celery"), 60, worker)
        gunicorn = self.spawn(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "msoko.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                "2",
                "--timeout",
                "60",
            ],
        )
        wait_for("gunicorn", lambda: _http_ok(args.port, "/login/"), 60, gunicorn)

    def stop(self) -> None:
        """Stop the processes this run started, each by its own process group."""
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    print(f"   {name} не остановился за 15 с: SIGKILL", flush=True)
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
        self.procs.clear()

    def stop_postgres(self) -> None:
        if self.started_postgres:
            subprocess.run(["pg_ctlcluster", "15", "main", "stop"], check=False)
            self.started_postgres = False


def _redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16).startswith(b"+PONG")


def _http_ok(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        return conn.getresponse().status == 200
    finally:
        conn.close()


# --- the data -------------------------------------------------------------------------------


@dataclass
class Person:
    username: str
    role: str  # director, specialist, official
    # A director's open ВПР campaigns → rows his school has there (his file is the whole class).
    uploads: dict[int, int] = field(default_factory=dict)


@dataclass
class World:
    people: list[Person]
    campaigns: list[int]
    schools: list[int]
    roadmaps: list[int]
    counts: dict[str, int]
    general: list[int] = field(default_factory=list)  # general schools: their cards


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_users(users: int) -> World:
    """The bench users (idempotent) and what they will open, read from the database."""

    from assessments.models import Campaign, Result
    from assessments.selectors import school_takes_grade
    from msoko.choices import Role
    from msoko.models import User
    from roadmaps.models import Roadmap
    from schools.models import School

    directors = round(users * 0.4)
    specialists = round(users * 0.35)
    officials = users - directors - specialists
    open_vpr = list(
        Campaign.objects.filter(procedure__code="vpr", is_locked=False).values_list("pk", "grade")
    )
    candidates = []
    for school in School.objects.general().filter(is_active=True).order_by("login"):
        mine = [pk for pk, grade in open_vpr if school_takes_grade(school.org_type, grade)]
        if mine:
            candidates.append((school, mine))
    if len(candidates) < directors:
        raise SystemExit(
            f"нужно {directors} школ с открытыми кампаниями ВПР, есть {len(candidates)}"
        )
    step = len(candidates) / directors
    chosen = [candidates[int(i * step)] for i in range(directors)]
    template = User(username="template")
    template.set_password(PASSWORD)
    hashed = template.password  # one PBKDF2 for all twenty
    people = []
    plan = (
        [(f"load-director-{i + 1:02d}", Role.DIRECTOR, chosen[i]) for i in range(directors)]
        + [(f"load-specialist-{i + 1:02d}", Role.SPECIALIST, None) for i in range(specialists)]
        + [(f"load-official-{i + 1:02d}", Role.OFFICIAL, None) for i in range(officials)]
    )
    stored = Counter(
        Result.objects.filter(campaign__in=[pk for pk, _g in open_vpr]).values_list(
            "school_id", "campaign_id"
        )
    )
    for username, role, school_and_campaigns in plan:
        school = school_and_campaigns[0] if school_and_campaigns else None
        User.objects.update_or_create(
            username=username,
            defaults={"role": role, "school": school, "password": hashed, "is_active": True},
        )
        uploads = {
            campaign: stored[(school.pk, campaign)]
            for campaign in (school_and_campaigns[1] if school and school_and_campaigns else [])
        }
        people.append(Person(username, str(role), uploads))
    specialist = User.objects.get(username=people[directors].username)
    return World(
        people=people,
        campaigns=list(Campaign.objects.values_list("pk", flat=True).order_by("pk")),
        schools=list(School.objects.values_list("pk", flat=True).order_by("pk")),
        roadmaps=list(
            Roadmap.objects.for_user(specialist).values_list("pk", flat=True).order_by("pk")
        ),
        general=list(School.objects.general().values_list("pk", flat=True).order_by("pk")),
        counts={
            "школ (общеобразовательных)": School.objects.general().count(),
            "организаций": School.objects.count(),
            "кампаний": Campaign.objects.count(),
            "результатов участников": Result.objects.filter(absent=False).count(),
        },
    )


# --- the driver -----------------------------------------------------------------------------


class Stop(Exception):
    """The run is over (deadline or request limit)."""


@dataclass
class Sample:
    route: str
    status: int
    ms: float
    error: str  # "" when the request went well


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Recorder:
    """Every request of every user: thread-safe, bounded in count and time."""

    def __init__(self, deadline: float, limit: int) -> None:
        self.deadline = deadline
        self.limit = limit
        self.samples: list[Sample] = []
        self.failures: list[tuple[str, str]] = []  # (route, what went wrong)
        # (route, role) → (user, url, sent as an htmx fragment request)
        self.seen: dict[tuple[str, str], tuple[str, str, bool]] = {}
        self.lock = threading.Lock()
        self.issued = 0
        self.events: Counter[str] = Counter()  # uploads checked, confirmed, imported

    def count(self, event: str) -> None:
        with self.lock:
            self.events[event] += 1

    def claim(self) -> None:
        with self.lock:
            if time.monotonic() >= self.deadline or self.issued >= self.limit:
                raise Stop
            self.issued += 1

    def add(self, sample: Sample, seen: tuple[str, str, str, str, bool] | None = None) -> None:
        with self.lock:
            self.samples.append(sample)
            if sample.error:
                self.failures.append((sample.route, sample.error))
            if seen is not None:
                route, role, user, url, hx = seen
                self.seen.setdefault((route, role), (user, url, hx))

    def fail(self, route: str, message: str) -> None:
        """A check that failed although the request itself answered (counted as an error)."""
        with self.lock:
            self.failures.append((route, message))


_routes: dict[str, str] = {}
_routes_lock = threading.Lock()


def route_of(path: str) -> str:
    from django.urls import Resolver404, resolve

    bare = urlsplit(path).path
    with _routes_lock:
        if bare in _routes:
            return _routes[bare]
    try:
        name = resolve(bare).view_name
    except Resolver404:
        name = "(нет маршрута)"
    with _routes_lock:
        _routes[bare] = name
    return name


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's browser: a cookie jar, redirects followed, every hop timed."""

    def __init__(
        self, person: Person, port: int, recorder: Recorder, timeout: float, rng: random.Random
    ) -> None:
        self.person = person
        self.port = port
        self.recorder = recorder
        self.timeout = timeout
        self.rng = rng
        self.cookies: dict[str, str] = {}
        self.signed_in = False

    def _store_cookies(self, raw: list[str]) -> None:
        for header in raw:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        self.recorder.claim()
        route = route_of(path)
        label = route if method == "GET" else f"{route} [{method}]"
        origin = f"https://127.0.0.1:{self.port}"
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "msoko-bench-load",
            "Accept": "text/html",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            sent |= {"Origin": origin, "Referer": origin + path}
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            answer = conn.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            ms = (time.perf_counter() - started) * 1000
            self.recorder.add(Sample(label, 0, ms, f"{type(exc).__name__}: {exc}"))
            raise RequestFailed from exc
        finally:
            conn.close()
        ms = (time.perf_counter() - started) * 1000
        self._store_cookies(answer.headers.get_all("Set-Cookie") or [])
        error = f"HTTP {answer.status} {path}" if answer.status >= 400 else ""
        seen = None
        if method == "GET" and answer.status == 200:
            hx = "HX-Request" in (headers or {})
            seen = (label, self.person.role, self.person.username, path, hx)
        self.recorder.add(Sample(label, answer.status, ms, error), seen)
        response = Response(answer.status, dict(answer.headers.items()), content, path)
        if error:
            raise RequestFailed(error)
        return response

    def follow(self, response: Response) -> Response:
        for _hop in range(5):
            if response.status not in (301, 302, 303, 307, 308):
                break
            location = urlsplit(response.headers["Location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            if self.signed_in and location.path.rstrip("/").endswith("/login"):
                self.recorder.fail(route_of(response.path), f"выход на страницу входа: {target}")
                self.signed_in = False
                raise RequestFailed("session lost")
            response = self.request("GET", target)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        return self.follow(self.request("GET", path, headers=headers))

    def post(
        self,
        path: str,
        fields: dict[str, Any],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields, files)
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body = urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        return self.follow(self.request("POST", path, body=body, headers={"Content-Type": kind}))

    def think(self, low: float, high: float) -> None:
        pause = self.rng.uniform(low, high)
        if time.monotonic() + pause >= self.recorder.deadline:
            raise Stop
        time.sleep(pause)


class RequestFailed(Exception):
    """A request that was recorded as an error; the user goes on with his next action."""


def _multipart(
    boundary: str, fields: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
) -> bytes:
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content, kind) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def csrf_of(response: Response) -> str:
    found = CSRF.search(response.text)
    if not found:
        raise RequestFailed(f"нет CSRF-токена на {response.path}")
    return found.group(1)


# --- what people do -------------------------------------------------------------------------


@dataclass
class Plan:
    world: World
    urls: dict[str, Callable[..., str]]
    think: tuple[float, float]
    forms: dict[tuple[str, int], tuple[str, bytes]] = field(default_factory=dict)
    forms_lock: threading.Lock = field(default_factory=threading.Lock)


def sign_in(b: Browser, plan: Plan) -> None:
    page = b.get(plan.urls["login"]())
    b.think(*plan.think)
    fields = {"username": b.person.username, "password": PASSWORD, "next": ""}
    landed = b.post(plan.urls["login"](), {"csrfmiddlewaretoken": csrf_of(page), **fields})
    if "sessionid" not in b.cookies or route_of(landed.path) != "home":
        b.recorder.fail("login [POST]", f"{b.person.username}: вход не удался ({landed.path})")
        raise RequestFailed("sign-in failed")
    b.signed_in = True


def sign_out(b: Browser, plan: Plan) -> None:
    home = b.get(plan.urls["home"]())
    b.signed_in = False
    b.post(plan.urls["logout"](), {"csrfmiddlewaretoken": csrf_of(home)})
    b.cookies.pop("sessionid", None)


def filled_form(b: Browser, plan: Plan, campaign: int) -> tuple[str, bytes]:
    """The campaign's collection form as the server gives it, filled in for the school."""
    key = (b.person.username, campaign)
    with plan.forms_lock:
        cached = plan.forms.get(key)
    download = b.get(plan.urls["assessments:campaign_template"](campaign))
    if cached is not None:
        return cached
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download.body))
    sheet = book["Протокол"]
    header = [cell.value for cell in sheet[3]]
    maxima = {}
    for col, title in enumerate(header, start=1):
        found = re.fullmatch(r"\S+ \((\d+)б\)", str(title or ""))
        if found:
            maxima[col] = int(found.group(1))
    class_col = header.index("Порядковый номер класса") + 1
    journal_col = class_col + 1
    grade = int(re.search(r"(\d+) класс", str(sheet["A1"].value)).group(1))  # type: ignore[union-attr]
    rng = random.Random(f"{key}")
    level = rng.uniform(0.45, 0.8)
    for i in range(min(max(b.person.uploads.get(campaign, 0), 20), 150)):
        row = 4 + i
        sheet.cell(row, 1, f"{grade:02d}{campaign % 1000:03d}{i + 1:03d}")
        if rng.random() < 0.04:
            sheet.cell(row, 2, "отсутствовал")
            continue
        sheet.cell(row, 2, 1 + i % 2)
        for col, maximum in maxima.items():
            sheet.cell(row, col, sum(1 for _ in range(maximum) if rng.random() < level))
        sheet.cell(row, class_col, f"{grade}{'АБ'[i % 2]}")
        sheet.cell(row, journal_col, rng.choice((3, 4, 4, 5)))
    out = io.BytesIO()
    book.save(out)
    filled = (f"forma-sbora-{campaign}.xlsx", out.getvalue())
    with plan.forms_lock:
        plan.forms[key] = filled
    return filled


JOB = re.compile(r'hx-get="(/jobs/\d+/)"')
OUTCOME_POLL = re.compile(r'id="upload-outcome" hx-get="([^"]+)"')
CONFIRM = re.compile(r'<form method="post" action="([^"]*/confirm/)"')


def _outcome(page: str) -> str:
    """The upload-outcome block of a page or fragment (what the director reads)."""
    start = page.find('id="upload-outcome"')
    return page[start : start + 1500] if start >= 0 else ""


PROBLEM = re.compile(
    r'<tr class="table-danger"><td>[^<]*</td>(?:<td>[^<]*</td>){3}<td>([^<]+)</td>'
)


def director_upload(b: Browser, plan: Plan) -> None:
    urls = plan.urls
    campaign = b.rng.choice(sorted(b.person.uploads))
    form_page = b.get(urls["assessments:upload_create"]())
    b.think(*plan.think)
    filename, content = filled_form(b, plan, campaign)
    b.think(*plan.think)
    detail = b.post(
        urls["assessments:upload_create"](),
        {"csrfmiddlewaretoken": csrf_of(form_page), "campaign": campaign},
        files={
            "file": (
                filename,
                content,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
    )
    if (
        route_of(detail.path) != "assessments:upload_detail"
        or "Подтвердить загрузку" not in detail.text
    ):
        problems = (
            PROBLEM.findall(detail.text)[:2]
            or re.findall(r"<li>([^<]{5,200})</li>", detail.text)[:2]
        )
        b.recorder.fail("assessments:upload_create [POST]", f"проверка не прошла: {problems}")
        return
    b.recorder.count("проверено")
    b.think(*plan.think)
    found = CONFIRM.search(detail.text)  # the confirmation form's own action
    confirm = html.unescape(found.group(1)) if found else detail.path.rstrip("/") + "/confirm/"
    fields = {"csrfmiddlewaretoken": csrf_of(detail)}
    if 'name="replace_acknowledged"' in detail.text:  # fewer rows than stored: he ticks it
        fields["replace_acknowledged"] = "1"
        b.recorder.count("с заменой меньшим числом строк")
    page = b.post(confirm, fields)
    b.recorder.count("подтверждено")
    job = JOB.search(page.text)
    poll = OUTCOME_POLL.search(page.text)
    progress = html.unescape(poll.group(1)) if poll else ""
    done_job, done_upload = job is None, poll is None
    outcome = _outcome(page.text)
    try:
        for tick in range(60):  # htmx: the job every 1 s, the upload outcome every 2 s
            if done_job and done_upload:
                break
            time.sleep(1)
            if job is not None and not done_job:
                fragment = b.get(job.group(1), **{"HX-Request": "true"})
                done_job = "hx-get" not in fragment.text
            if tick % 2 == 1 and not done_upload:
                fragment = b.get(progress, **{"HX-Request": "true"})
                poll = OUTCOME_POLL.search(fragment.text)
                done_upload = poll is None
                progress = html.unescape(poll.group(1)) if poll else progress
                outcome = _outcome(fragment.text)
    except Stop:
        b.recorder.count("ещё шли, когда замер кончился")
        raise
    if not (done_job and done_upload) or "alert-success" not in outcome:
        state = "не завершился за 60 с" if not (done_job and done_upload) else "не удался"
        said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", outcome)).strip()[:160]
        b.recorder.fail("assessments:upload_progress", f"импорт {state}: {page.path} «{said}»")
        return
    b.recorder.count("импортировано")
    b.think(*plan.think)
    b.get(urls["assessments:campaign_detail"](campaign))


def director_visit(b: Browser, plan: Plan, first: bool) -> None:
    urls = plan.urls
    if first or b.rng.random() < 0.4:
        director_upload(b, plan)
        b.think(*plan.think)
    for _ in range(b.rng.randint(2, 4)):
        campaign = b.rng.choice([*b.person.uploads, *b.rng.sample(plan.world.campaigns, 2)])
        b.get(urls["assessments:campaign_detail"](campaign), {"tab": b.rng.choice(TABS)})
        b.think(*plan.think)
    b.get(urls["assessments:upload_list"]())
    b.think(*plan.think)
    b.get(urls["home"]())


def specialist_visit(b: Browser, plan: Plan, first: bool) -> None:
    urls, world, rng = plan.urls, plan.world, b.rng
    actions: list[Callable[[], Any]] = [
        lambda: b.get(urls["schools:school_list"]()),
        lambda: b.get(urls["schools:school_list"](), {"page": rng.randint(2, 4)}),
        lambda: b.get(urls["schools:school_list"](), {"q": rng.choice(("СОШ", "Гимназия", "ООШ"))}),
        lambda: b.get(urls["schools:school_detail"](rng.choice(world.schools))),
        lambda: b.get(urls["assessments:campaign_list"]()),
        lambda: b.get(
            urls["assessments:campaign_list"](), {"year": rng.choice((2024, 2025, 2026))}
        ),
        lambda: b.get(urls["assessments:upload_list"]()),
        lambda: b.get(urls["roadmaps:occurrence_list"]()),
        lambda: b.get(
            urls["assessments:campaign_detail"](rng.choice(world.campaigns)),
            {"tab": rng.choice(TABS)},
        ),
        lambda: b.get(urls["assessments:campaign_detail"](rng.choice(world.campaigns))),
        lambda: b.get(urls["roadmaps:roadmap_list"]()),
        lambda: b.get(urls["roadmaps:roadmap_detail"](rng.choice(world.roadmaps))),
        lambda: b.get(urls["roadmaps:roadmap_timeline"](rng.choice(world.roadmaps))),
        *analytics_actions(b, plan),
    ]
    if first:
        b.get(urls["home"]())
        b.think(*plan.think)
    for _ in range(rng.randint(4, 8)):
        with contextlib.suppress(RequestFailed):
            rng.choice(actions)()
        b.think(*plan.think)


#: The analytics pages (reports, ВсОШ, medalists), each opened only if its route exists.
INDICATOR_CODES = ("vpr.fail_share", "vpr.quality", "oge.quality", "ege.mean_test")


def analytics_actions(b: Browser, plan: Plan) -> list[Callable[[], Any]]:
    urls, world, rng = plan.urls, plan.world, b.rng
    actions: list[Callable[[], Any]] = []
    if "reports:indicator" in urls:
        actions.append(
            lambda: b.get(urls["reports:indicator"](), {"code": rng.choice(INDICATOR_CODES)})
        )
    if "reports:school_card" in urls and world.general:
        actions.append(lambda: b.get(urls["reports:school_card"](rng.choice(world.general))))
    for name in ("assessments:olympiad_summary", "assessments:medalist_list"):
        if name in urls:
            actions.append(lambda _n=name: b.get(urls[_n]()))
    return actions


def official_visit(b: Browser, plan: Plan, first: bool) -> None:
    urls, world, rng = plan.urls, plan.world, b.rng
    b.get(urls["home"]())
    b.think(*plan.think)
    if rng.random() < 0.5:
        b.get(urls["assessments:campaign_list"](), {"year": 2026})
        b.think(*plan.think)
    for _ in range(rng.randint(2, 4)):
        b.get(
            urls["assessments:campaign_detail"](rng.choice(world.campaigns)),
            {"tab": rng.choice(("figures", "figures", "journal", "tracker"))},
        )
        b.think(*plan.think)
    analytics = analytics_actions(b, plan)
    for _ in range(rng.randint(1, 3) if analytics else 0):
        rng.choice(analytics)()
        b.think(*plan.think)


VISITS: dict[str, Callable[[Browser, Plan, bool], None]] = {
    "director": director_visit,
    "specialist": specialist_visit,
    "official": official_visit,
}


def person_loop(
    person: Person,
    plan: Plan,
    recorder: Recorder,
    args: argparse.Namespace,
    delay: float,
    seed: int,
) -> None:
    b = Browser(person, args.port, recorder, args.timeout, random.Random(seed))
    try:
        time.sleep(delay)
        first = True
        while True:
            try:
                if not b.signed_in:
                    sign_in(b, plan)
                    b.think(*plan.think)
                VISITS[person.role](b, plan, first)
                first = False
                b.think(*plan.think)
                if b.rng.random() < 0.1:  # the visit ends; the next one signs in again
                    sign_out(b, plan)
                    b.think(*plan.think)
            except RequestFailed:
                b.think(1.0, 2.0)
            except Stop:
                raise
            except Exception as exc:  # a fault of the driver itself: counted, never hidden
                recorder.fail("(драйвер)", f"{type(exc).__name__}: {exc}")
                b.think(1.0, 2.0)
    except Stop:
        return


def route_exists(name: str) -> bool:
    """Whether the URL configuration names a route `name` ("namespace:name" included)."""
    from django.urls import get_resolver

    resolver = get_resolver()
    *namespaces, view = name.split(":")
    for namespace in namespaces:
        if namespace not in resolver.namespace_dict:
            return False
        resolver = resolver.namespace_dict[namespace][1]
    return view in resolver.reverse_dict


def drive(world: World, args: argparse.Namespace) -> Recorder:
    from django.urls import reverse

    names = [
        "login", "logout", "home", "schools:school_list", "schools:school_detail",
        "assessments:campaign_list", "assessments:campaign_detail", "assessments:campaign_template",
        "assessments:upload_list", "assessments:upload_create", "roadmaps:occurrence_list",
        "roadmaps:roadmap_list", "roadmaps:roadmap_detail", "roadmaps:roadmap_timeline",
    ]  # fmt: skip
    # Pages being written while this bench is: each is opened only once its route exists.
    optional = [
        "reports:school_card", "reports:indicator",
        "assessments:olympiad_summary", "assessments:medalist_list",
    ]  # fmt: skip
    missing = [name for name in optional if not route_exists(name)]
    if missing:
        say(f"Маршрутов ещё нет, эти страницы не открываются: {', '.join(missing)}")
    names += [name for name in optional if name not in missing]
    urls = {name: (lambda *a, _n=name: reverse(_n, args=a)) for name in names}
    plan = Plan(world=world, urls=urls, think=(args.think[0], args.think[1]))
    ramp = min(20.0, args.duration / 4)  # people arrive over the first seconds, not at once
    started = time.monotonic()
    recorder = Recorder(started + args.duration, args.max_requests)
    threads = [
        threading.Thread(
            target=person_loop,
            args=(person, plan, recorder, args, ramp * i / len(world.people), 1000 + i),
            name=person.username,
            daemon=True,
        )
        for i, person in enumerate(world.people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.5)  # short joins keep Ctrl+C responsive
    return recorder


# --- queries per page -----------------------------------------------------------------------


@dataclass
class Queries:
    count: int
    sql_ms: float
    page_ms: float
    slowest: list[tuple[float, str]]
    repeated: tuple[int, str]


def queries_per_page(
    seen: dict[tuple[str, str], tuple[str, str, bool]],
) -> dict[tuple[str, str], Queries]:
    """Each page seen, opened again in process against the same database (second opening)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from msoko.models import User

    out = {}
    clients: dict[str, Client] = {}
    for (route, role), (username, url, hx) in sorted(seen.items()):
        if route in ("login",):
            continue
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=username))
        headers = {"HX-Request": "true"} if hx else {}
        client.get(url, headers=headers)  # the first opening warms per-process caches
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            client.get(url, headers=headers)
        page_ms = (time.perf_counter() - started) * 1000
        timed = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        shapes = Counter(re.sub(r"\b\d+\b", "N", sql)[:160] for _t, sql in timed)
        shape, times = shapes.most_common(1)[0] if shapes else ("", 0)
        out[(route, role)] = Queries(
            count=len(timed),
            sql_ms=sum(t for t, _s in timed),
            page_ms=page_ms,
            slowest=sorted(timed, reverse=True)[:3],
            repeated=(times, shape),
        )
    return out


# --- the report -----------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


NUMBERED = re.compile(r"/\d+/")
ROLE_SHORT = {"director": "дир", "specialist": "спец", "official": "рук"}


def report(recorder: Recorder, queries: dict[tuple[str, str], Queries], elapsed: float) -> None:
    by_route: dict[str, list[Sample]] = defaultdict(list)
    for sample in recorder.samples:
        by_route[sample.route].append(sample)
    failures_by_route = Counter(route for route, _m in recorder.failures)
    print()
    print(
        f"{'Страница (маршрут)':<42} {'запр.':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'макс':>6} {'ошиб.':>5}  в процессе: запросов к БД / мс"
    )
    for route in sorted(by_route, key=lambda r: -len(by_route[r])):
        samples = by_route[route]
        ms = sorted(s.ms for s in samples)
        sql = " ".join(
            f"{ROLE_SHORT.get(role, role)} {q.count}/{q.page_ms:.0f}"
            for (r, role), q in sorted(queries.items())
            if r == route
        )
        print(
            f"{route:<42} {len(samples):>6} {percentile(ms, 50):>6.0f} {percentile(ms, 95):>6.0f} "
            f"{percentile(ms, 99):>6.0f} {ms[-1]:>6.0f} {failures_by_route.get(route, 0):>5}  {sql or '—'}"
        )
    all_ms = sorted(s.ms for s in recorder.samples)
    print(
        f"Время в миллисекундах; {len(all_ms)} запросов за {elapsed:.0f} с ({len(all_ms) / max(elapsed, 1):.1f} в секунду)."
    )
    events = recorder.events
    print(
        f"Загрузки руководителей ОО: проверено {events['проверено']}, подтверждено "
        f"{events['подтверждено']} (с заменой меньшим числом строк "
        f"{events['с заменой меньшим числом строк']}), импортировано воркером Celery "
        f"{events['импортировано']}, ещё шли, когда замер кончился, "
        f"{events['ещё шли, когда замер кончился']}."
    )

    slow = [
        route
        for route, samples in by_route.items()
        if percentile(sorted(s.ms for s in samples), 95) > TARGET_P95_MS and "[POST]" not in route
    ]
    if slow:
        print(
            f"\nСтраницы с p95 > {TARGET_P95_MS} мс и их запросы к БД (одно открытие в процессе):"
        )
        for route in slow:
            for (r, role), q in sorted(queries.items()):
                if r != route:
                    continue
                # A page that is quick on its own was slow only waiting for a free worker.
                verdict = (
                    "сама быстрая — ждала свободного воркера"
                    if q.page_ms < TARGET_P95_MS / 6
                    else f"SQL {q.sql_ms / max(q.page_ms, 1):.0%} времени, остальное — Python"
                )
                print(
                    f"  {route} ({ROLE_SHORT.get(role, role)}): {q.page_ms:.0f} мс в процессе, "
                    f"{q.count} запросов, SQL {q.sql_ms:.0f} мс; {verdict}"
                )
                if q.page_ms < TARGET_P95_MS / 6:
                    continue
                print(f"      чаще всего ×{q.repeated[0]}: {q.repeated[1][:110]}")
                for t, sql in q.slowest[:2]:
                    print(f"      {t:6.1f} мс  {sql[:150]}")

    if recorder.failures:
        print(f"\nОшибки: {len(recorder.failures)}. Примеры:")
        kinds = Counter(
            f"{route}: {NUMBERED.sub('/N/', message)[:160]}" for route, message in recorder.failures
        )
        for text, count in kinds.most_common(8):
            print(f"  ×{count} {text}")
    else:
        print("\nОшибок нет.")
    p95 = percentile(all_ms, 95)
    print(
        f"Итого: p50 {percentile(all_ms, 50):.0f} мс, p95 {p95:.0f} мс (цель ≤ {TARGET_P95_MS}), p99 {percentile(all_ms, 99):.0f} мс."
    )
    print(f"p95 {p95:.0f} ms, errors {len(recorder.failures)}, requests {len(all_ms)}")


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=20, help="секунд нагрузки (20; замер — 180)"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.5), metavar=("MIN", "MAX"))
    parser.add_argument("--timeout", type=float, default=30, help="таймаут одного запроса, с")
    parser.add_argument("--max-requests", type=int, default=None, help="предел числа запросов")
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--keep-db", action="store_true", help=f"не удалять {LOAD_DB} в конце")
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"взять {LOAD_DB} от прошлого запуска (и оставить)"
    )
    args = parser.parse_args()
    if args.max_requests is None:
        args.max_requests = int(args.users * args.duration * 2)  # far above what think time allows
    return args


def _terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    with tempfile.TemporaryDirectory(prefix="msoko-load-") as tmp_name:
        tmp = Path(tmp_name)
        stack = Stack(tmp, args)
        keep = args.keep_db or args.reuse_db
        try:
            stack.postgres()
            if stack.database(recreate=not args.reuse_db):
                say(f"База {LOAD_DB}: миграции и демо на {args.schools} школ × {args.years} года")
                started = time.monotonic()
                stack.manage("migrate", "--noinput", "-v0")
                stack.manage(
                    "load_demo",
                    "--schools",
                    str(args.schools),
                    "--years",
                    str(args.years),
                    "--quiet",
                )
                print(f"   загружено за {time.monotonic() - started:.0f} с", flush=True)
            else:
                say(f"База {LOAD_DB} от прошлого запуска (миграции догоняются)")
                stack.manage("migrate", "--noinput", "-v0")
            stack.manage("collectstatic", "--noinput", "-v0")
            django_setup(stack.env)
            world = bench_users(args.users)
            from django.db import connections

            connections.close_all()
            print("   " + ", ".join(f"{k}: {v}" for k, v in world.counts.items()), flush=True)
            roles = Counter(p.role for p in world.people)
            stack.services()
            say(
                f"Нагрузка {args.duration:.0f} с: {len(world.people)} пользователей "
                f"(руководителей ОО {roles['director']}, специалистов {roles['specialist']}, "
                f"руководства {roles['official']}), пауза {args.think[0]}–{args.think[1]} с"
            )
            started = time.monotonic()
            load_before = os.getloadavg()[0]
            recorder = drive(world, args)
            elapsed = time.monotonic() - started
            print(
                f"   средняя загрузка машины (loadavg за 1 мин): {load_before:.1f} в начале, "
                f"{os.getloadavg()[0]:.1f} в конце; ядер: {os.cpu_count()}",
                flush=True,
            )
            five_hundreds = [s for s in recorder.samples if s.status >= 500]
            stack.stop()
            if five_hundreds:
                print(
                    "Журнал gunicorn (конец):\n"
                    + "\n".join(stack.log("gunicorn").splitlines()[-25:])
                )
            if any(route == "assessments:upload_progress" for route, _m in recorder.failures):
                print("Журнал воркера Celery (конец):")
                for line in stack.log("celery").splitlines()[-15:]:
                    print(f"   {line[:200]}")
            say("Запросы к БД по страницам (django.test.Client в процессе, та же база)")
            queries = queries_per_page(recorder.seen)
            connections.close_all()
            report(recorder, queries, elapsed)
        except KeyboardInterrupt:
            print("\nПрервано.", file=sys.stderr)
            raise SystemExit(130) from None
        except subprocess.CalledProcessError as exc:
            command = " ".join(str(part) for part in exc.cmd[1:])
            print(f"\nНе удалось: {command} (код {exc.returncode}).", file=sys.stderr)
            raise SystemExit(1) from None
        finally:
            stack.stop()
            if not keep:
                with contextlib.suppress(Exception):
                    from django.db import connections

                    connections.close_all()
                try:
                    stack.drop_database()
                except Exception as exc:
                    print(f"Базу {LOAD_DB} удалить не удалось: {exc}", file=sys.stderr)
            stack.stop_postgres()


if __name__ == "__main__":
    main()
