"""Demo data of the assessments app, loaded by `manage.py load_demo` after the registry.

Three years (2024–2026) of ВПР (grades 4–8, русский язык and математика), ОГЭ (русский,
математика) and ЕГЭ (русский, математика профиль; обществознание and физика by a part of
the graduates, joined by participant code) for the demo municipality's general
schools. Everything comes from fixed seeds, so every demo shows the same figures.

How the figures are made believable:

* a pupil's chance to earn a point follows his school's social context (schools.demo:
  0 favourable … 1 poor), so the schools in poor context are weak in every year; two of
  them (`WEAK`) are weaker still — they are the ШНОР candidates of the demo;
* two schools (`INFLATED`) write ВПР far better than their context suggests, while their
  ОГЭ, written under outside control, does not confirm it; in one of them the primary
  scores pile up right at the cut-off scores for «3», «4», «5»;
* one school (`RESILIENT`) does well in a poor context, in every procedure alike;
* journal marks are inflated in the weak schools (many «понизили») and low in the
  inflated ones («повысили»); some pupils are absent, some tasks are X;
* a federal list of schools with «маркеры необъективности» of 2025 names the two inflated
  schools (`FEDERAL_MARKED`), imported through the same flow as an uploaded one.

With the figures (load_demo computes them), the inflated schools raise above_unconfirmed
and vpr_over_oge in their ВПР campaigns of every year; the peaks school also score_peaks.

The scales are the demo scales of assessments/scales.py (DEMO_SCALES) plus ВПР русский
5–8 below; ALL VALUES ARE DEMO VALUES, not the official ones.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction

from assessments.choices import CampaignAction, ReferenceKind, ReferenceLevel, UploadStatus
from assessments.models import (
    Campaign,
    CampaignEvent,
    CampaignTask,
    FederalListUpload,
    Procedure,
    ReferenceValue,
    Result,
    ScaleVersion,
    Subject,
)
from assessments.scales import DEMO_SCALES, Scale
from assessments.selectors import school_takes_grade
from assessments.services import federal_lists
from msoko.exports import xlsx_bytes
from msoko.models import User
from msoko.uploads import upload_commit, upload_store
from schools.demo import DEMO_YEARS, DemoSchool, demo_schools
from schools.models import School

#: Weak over all three years (poor context, and weaker than even that predicts).
WEAK = ("edu330208", "edu330206")  # Красноборская СОШ, Луговская ООШ
#: ВПР suspiciously high, not confirmed by ОГЭ; the first also has peaks at the cut-offs.
INFLATED = ("edu330105", "edu330205")  # СОШ № 5, Сосновская СОШ
PEAKS = "edu330105"
#: Good results in a poor context, in every procedure (ОГЭ and ЕГЭ confirm its ВПР).
RESILIENT = ("edu330212",)  # Ключевская СОШ
#: Schools that have not sent ВПР 2026 yet (the tracker shows them as missing).
LATE_2026 = ("edu330214", "edu330216")  # Горская НОШ, Троицкая СОШ
CLOSED_AFTER = {"edu330204": 2024}  # Ольховская ООШ joined Берёзовская СОШ in 2025
#: The federal list of 2025: login → the marked columns (4 РУ, 4 МА, 5 РУ, 5 МА).
FEDERAL_LIST_YEAR = 2025
FEDERAL_MARKED = {"edu330105": ("4 РУ", "4 МА", "5 РУ"), "edu330205": ("5 МА",)}

_DEMO = "демонстрационные значения — перед использованием сверить с приказом региона"


def _vpr_russian(grade: int, max_primary: int, t3: int, t4: int, t5: int) -> Scale:
    return Scale.from_thresholds(
        max_primary=max_primary,
        thresholds={3: t3, 4: t4, 5: t5},
        title=f"ВПР, русский язык, {grade} класс",
        source=_DEMO,
    )


SCALES: dict[tuple[str, str, int], Scale] = {
    **DEMO_SCALES,
    ("vpr", "russian", 5): _vpr_russian(5, 45, 18, 29, 38),
    ("vpr", "russian", 6): _vpr_russian(6, 51, 22, 33, 43),
    ("vpr", "russian", 7): _vpr_russian(7, 47, 21, 31, 40),
    ("vpr", "russian", 8): _vpr_russian(8, 51, 22, 34, 44),
}

# --------------------------------------------------------------------------- task lists

Spec = tuple[str, int, str, str]  # number, max, level, requirement

RUS_REQ = (
    "Списывать текст с пропусками орфограмм и пунктограмм, соблюдать изученные нормы",
    "Проводить морфемный и словообразовательный анализ слов",
    "Распознавать части речи, грамматические признаки слов",
    "Проводить синтаксический анализ предложения",
    "Находить и исправлять орфоэпические и грамматические ошибки",
    "Понимать смысл прочитанного текста, определять тему и главную мысль",
    "Распознавать значение слова в контексте, подбирать синонимы и антонимы",
    "Строить речевое высказывание в соответствии с ситуацией общения",
)
MATH_REQ = (
    "Выполнять арифметические действия с числами и числовыми выражениями",
    "Решать текстовые задачи, в том числе на покупки и движение",
    "Читать и использовать информацию, представленную в таблицах и на диаграммах",
    "Решать задачи на нахождение периметра и площади, работать с чертежами",
    "Овладение основами логического и алгоритмического мышления",
    "Решать уравнения, преобразовывать выражения",
)

VPR_RUS_4: list[Spec] = [
    ("1К1", 4, "Б", RUS_REQ[0]),
    ("1К2", 3, "Б", RUS_REQ[0]),
    ("2", 3, "Б", RUS_REQ[2]),
    ("3.1", 1, "Б", RUS_REQ[3]),
    ("3.2", 3, "Б", RUS_REQ[3]),
    ("4", 2, "Б", RUS_REQ[4]),
    ("5", 2, "Б", RUS_REQ[4]),
    ("6", 2, "П", RUS_REQ[5]),
    ("7", 2, "Б", RUS_REQ[5]),
    ("8", 2, "П", RUS_REQ[5]),
    ("9", 2, "Б", RUS_REQ[6]),
    ("10", 1, "Б", RUS_REQ[6]),
    ("11", 2, "Б", RUS_REQ[1]),
    ("12К1", 2, "П", RUS_REQ[2]),
    ("12К2", 2, "П", RUS_REQ[2]),
    ("13К1", 2, "П", RUS_REQ[2]),
    ("14", 1, "Б", RUS_REQ[7]),
    ("15", 2, "П", RUS_REQ[7]),
]
VPR_MATH_4: list[Spec] = [
    ("1", 1, "Б", MATH_REQ[0]),
    ("2", 1, "Б", MATH_REQ[0]),
    ("3", 1, "Б", MATH_REQ[1]),
    ("4", 1, "Б", MATH_REQ[1]),
    ("5.1", 1, "Б", MATH_REQ[3]),
    ("5.2", 1, "Б", MATH_REQ[3]),
    ("6.1", 1, "Б", MATH_REQ[2]),
    ("6.2", 1, "Б", MATH_REQ[2]),
    ("7", 2, "Б", MATH_REQ[0]),
    ("8", 2, "П", MATH_REQ[1]),
    ("9.1", 1, "П", MATH_REQ[4]),
    ("9.2", 1, "П", MATH_REQ[4]),
    ("10", 2, "П", MATH_REQ[3]),
    ("11", 2, "П", MATH_REQ[4]),
    ("12", 2, "В", MATH_REQ[4]),
]


def _vpr_rus(max_primary: int) -> list[Spec]:
    """ВПР русский 5–8: dictation and analysis criteria, then short tasks up to the maximum."""
    tasks: list[Spec] = [
        ("1К1", 4, "Б", RUS_REQ[0]),
        ("1К2", 3, "Б", RUS_REQ[0]),
        ("1К3", 2, "Б", RUS_REQ[0]),
        ("2К1", 3, "Б", RUS_REQ[1]),
        ("2К2", 3, "Б", RUS_REQ[2]),
        ("2К3", 3, "П", RUS_REQ[3]),
        ("2К4", 3, "П", RUS_REQ[3]),
    ]
    maxima = (2, 1, 2, 3, 2, 1, 2, 2, 3, 1, 2, 2, 3)
    number = 3
    total = sum(t[1] for t in tasks)
    while total < max_primary:
        points = min(maxima[(number - 3) % len(maxima)], max_primary - total)
        level = "В" if total + points >= max_primary - 3 else ("П" if number % 3 == 0 else "Б")
        tasks.append((str(number), points, level, RUS_REQ[(number + 1) % len(RUS_REQ)]))
        total += points
        number += 1
    return tasks


def _numbered(max_primary: int, maxima: Sequence[int], requirements: Sequence[str]) -> list[Spec]:
    """Tasks 1…N with the given maxima (the last one trimmed to reach the maximum)."""
    tasks: list[Spec] = []
    total = 0
    number = 1
    while total < max_primary:
        points = min(maxima[(number - 1) % len(maxima)], max_primary - total)
        share = total / max_primary
        level = "Б" if share < 0.6 else ("П" if share < 0.85 else "В")
        tasks.append((str(number), points, level, requirements[number % len(requirements)]))
        total += points
        number += 1
    return tasks


OGE_RUS: list[Spec] = [
    ("ИК1", 3, "Б", "Сжатое изложение: содержание"),
    ("ИК2", 3, "Б", "Сжатое изложение: приёмы сжатия"),
    ("ИК3", 1, "Б", "Сжатое изложение: смысловая цельность"),
    *[(str(n), 1, "Б" if n < 9 else "П", RUS_REQ[n % len(RUS_REQ)]) for n in range(2, 13)],
    ("СК1", 3, "П", "Сочинение: понимание текста"),
    ("СК2", 3, "П", "Сочинение: примеры-аргументы"),
    ("СК3", 3, "П", "Сочинение: композиция"),
    ("ГК1", 2, "Б", "Грамотность: орфография"),
    ("ГК2", 2, "Б", "Грамотность: пунктуация"),
    ("ГК3", 2, "Б", "Грамотность: грамматика"),
    ("ГК4", 2, "Б", "Грамотность: речь"),
    ("ФК1", 2, "Б", "Фактологическая точность"),
]
OGE_MATH: list[Spec] = [
    *[
        (str(n), 1, "Б", "Геометрия" if 15 <= n <= 19 else MATH_REQ[n % len(MATH_REQ)])
        for n in range(1, 20)
    ],
    ("20", 2, "П", MATH_REQ[5]),
    ("21", 2, "П", MATH_REQ[1]),
    ("22", 2, "В", MATH_REQ[5]),
    ("23", 2, "П", "Геометрия"),
    ("24", 2, "П", "Геометрия"),
    ("25", 2, "В", "Геометрия"),
]
EGE_RUS: list[Spec] = [
    *[(str(n), 2 if n == 8 else 1, "Б" if n < 20 else "П", "") for n in range(1, 27)],
    *[
        (f"27К{i}", points, "В" if i in (2, 3) else "П", "Сочинение")
        for i, points in enumerate((1, 3, 2, 1, 2, 3, 3, 3, 3, 2), start=1)
    ],
]
EGE_MATH: list[Spec] = [
    *[(str(n), 1, "Б", "") for n in range(1, 13)],
    ("13", 2, "П", "Уравнения"),
    ("14", 3, "П", "Стереометрия"),
    ("15", 2, "П", "Неравенства"),
    ("16", 2, "П", "Экономическая задача"),
    ("17", 3, "В", "Планиметрия"),
    ("18", 4, "В", "Задача с параметром"),
    ("19", 4, "В", "Числа и их свойства"),
]

EGE_SOCIAL: list[Spec] = [
    *[(str(n), 1 if n < 5 else 2, "Б", "") for n in range(1, 17)],
    *[(str(n), 3, "П" if n < 23 else "В", "Развёрнутый ответ") for n in range(17, 26)],
]
EGE_PHYSICS: list[Spec] = [
    *[(str(n), 1 if n < 12 else 2, "Б", "") for n in range(1, 21)],
    *[(str(n), 3, "П" if n < 24 else "В", "Задача") for n in range(21, 27)],
]

# Primary → test score (demo conversion, piecewise linear).
EGE_CONVERSION: dict[str, tuple[tuple[int, int], ...]] = {
    "social": ((0, 0), (10, 25), (20, 42), (35, 62), (45, 78), (53, 92), (58, 100)),
    "physics": ((0, 0), (8, 36), (20, 54), (30, 68), (40, 84), (48, 96), (50, 100)),
    "russian": ((0, 0), (10, 24), (16, 36), (30, 62), (40, 78), (45, 88), (49, 98), (50, 100)),
    "math_profile": ((0, 0), (5, 27), (6, 34), (12, 70), (18, 82), (25, 92), (31, 99), (32, 100)),
}


def _test_score(subject: str, primary: int) -> int:
    points = EGE_CONVERSION[subject]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= primary <= x1:
            return round(y0 + (y1 - y0) * (primary - x0) / (x1 - x0))
    return 100


@dataclass(frozen=True)
class CampaignSpec:
    procedure: str
    subject: str
    grade: int
    tasks: list[Spec]
    month: int
    share: float = 1.0  # of the grade who write it (an elective ЕГЭ subject: a part)


def campaign_specs() -> list[CampaignSpec]:
    specs = []
    for grade in (4, 5, 6, 7, 8):
        rus = VPR_RUS_4 if grade == 4 else _vpr_rus(SCALES[("vpr", "russian", grade)].max_primary)
        math_max = SCALES[("vpr", "math", grade)].max_primary
        mathematics = (
            VPR_MATH_4 if grade == 4 else _numbered(math_max, (1, 1, 1, 2, 1, 2, 1, 2), MATH_REQ)
        )
        specs.append(CampaignSpec("vpr", "russian", grade, rus, 4))
        specs.append(CampaignSpec("vpr", "math", grade, mathematics, 4))
    specs += [
        CampaignSpec("oge", "russian", 9, OGE_RUS, 5),
        CampaignSpec("oge", "math", 9, OGE_MATH, 6),
        CampaignSpec("ege", "russian", 11, EGE_RUS, 6),
        CampaignSpec("ege", "math_profile", 11, EGE_MATH, 6),
        # electives: each graduate chooses, by his code, so the same pupils write every year
        CampaignSpec("ege", "social", 11, EGE_SOCIAL, 6, share=0.55),
        CampaignSpec("ege", "physics", 11, EGE_PHYSICS, 6, share=0.3),
    ]
    return specs


# --------------------------------------------------------------------------- pupils

LEVEL_FACTOR = {"Б": 1.1, "П": 0.8, "В": 0.55}
# How much easier (or harder) the work is than the demo task levels alone make it.
EASE = {
    ("oge", "russian"): 0.1,
    ("ege", "russian"): 0.14,
    ("ege", "math_profile"): -0.08,
    ("ege", "social"): 0.04,
    ("ege", "physics"): 0.02,
}


def _cohort(school: DemoSchool, org_type: str, grade: int, rnd: random.Random) -> int:
    span = {"nosh": 4, "oosh": 9, "evening": 3, "cadet": 7}.get(org_type, 11)
    size = school.size / span
    if grade == 11:
        size *= 0.55
    return max(0, round(size * rnd.uniform(0.92, 1.06)))


def _school_level(school: DemoSchool, org_type: str, spec: CampaignSpec, year: int) -> float:
    """The mean chance to earn a point in the school: its context, its kind, this year."""
    procedure = spec.procedure
    level = 0.72 - 0.35 * school.context + EASE.get((procedure, spec.subject), 0.0)
    if org_type in ("gymnasium", "lyceum"):
        level += 0.06
    if school.login in WEAK:
        level -= 0.09
    if school.login in RESILIENT:
        level += 0.22  # the context predicts weak results; the school does well all the same
    if school.login in INFLATED and procedure == "vpr":
        level += 0.27  # ВПР written without outside control
    jitter = random.Random(f"{school.login}-{year}-{procedure}").uniform(-0.025, 0.025)
    return level + jitter


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _journal(mark: int, login: str, rnd: random.Random) -> int | None:
    if rnd.random() < 0.12:
        return None  # «нет отметки»
    r = rnd.random()
    if login in WEAK:
        delta = 2 if r < 0.1 else 1 if r < 0.5 else 0 if r < 0.92 else -1
    elif login in INFLATED:
        delta = -1 if r < 0.35 else 0 if r < 0.9 else 1
    else:
        delta = 1 if r < 0.2 else 0 if r < 0.88 else -1
    return int(_clip(mark + delta, 2, 5))


def _lift_to_cut(scores: list[float | None], maxima: list[int], need: int) -> None:
    """Add `need` points where there is room: a pupil pushed up to the cut-off score."""
    for i in range(len(scores)):
        if need <= 0:
            return
        current = int(scores[i] or 0)
        room = maxima[i] - current
        if room > 0:
            add = min(room, need)
            scores[i] = current + add
            need -= add


def _pupils(
    *,
    spec: CampaignSpec,
    year: int,
    school: DemoSchool,
    school_id: int,
    org_type: str,
    campaign: Campaign,
    scale: Scale | None,
    rnd: random.Random,
) -> list[Result]:
    numbers = [t[0] for t in spec.tasks]
    maxima = [t[1] for t in spec.tasks]
    factors = [LEVEL_FACTOR[t[2]] for t in spec.tasks]
    hard = [t[2] != "Б" for t in spec.tasks]
    level = _school_level(school, org_type, spec, year)
    count = _cohort(school, org_type, spec.grade, rnd)
    cuts = sorted(b.min_primary for b in scale.bands if b.mark > 2) if scale else []
    absent_share = 0.05 if spec.procedure == "vpr" else 0.015
    classes = max(1, math.ceil(count / 26))
    rows = []
    for i in range(count):
        code = f"{spec.grade:02d}{school.login[-3:]}{i + 1:03d}"
        if spec.share < 1 and random.Random(f"{year}-{code}-{spec.subject}").random() > spec.share:
            continue  # chose other subjects; the same code writes the compulsory ones
        class_name = f"{spec.grade}{'АБВГД'[i % classes]}"
        if rnd.random() < absent_share:
            rows.append(
                Result(
                    campaign=campaign,
                    school_id=school_id,
                    participant_code=code,
                    class_name=class_name,
                    absent=True,
                )
            )
            continue
        ability = _clip(rnd.gauss(level, 0.16), 0.03, 0.99)
        perfect = spec.procedure == "ege" and ability > 0.93 and rnd.random() < 0.04
        scores: list[float | None] = []
        for maximum, factor, is_hard in zip(maxima, factors, hard, strict=True):
            p = _clip(ability * factor, 0.0, 0.995)
            if perfect:
                scores.append(maximum)
            elif is_hard and rnd.random() < 0.1 * (1 - ability):
                scores.append(None)  # X: not attempted
            else:
                scores.append(sum(1 for _ in range(maximum) if rnd.random() < p))
        primary = int(sum(s or 0 for s in scores))
        if school.login == PEAKS and spec.procedure == "vpr":
            for cut in cuts:
                if 1 <= cut - primary <= 3 and rnd.random() < 0.8:
                    _lift_to_cut(scores, maxima, cut - primary)
                    primary = int(sum(s or 0 for s in scores))
                    break
        mark = journal = test_score = None
        if scale is not None:
            mark = scale.mark_for(primary, dict(zip(numbers, scores, strict=True)))
            if spec.procedure == "vpr":
                journal = _journal(mark, school.login, rnd)
        if spec.procedure == "ege":
            test_score = _test_score(spec.subject, primary)
        rows.append(
            Result(
                campaign=campaign,
                school_id=school_id,
                participant_code=code,
                class_name=class_name,
                variant=str(1 + i % 2),
                scores=scores,
                primary_score=Decimal(primary),
                mark=mark,
                journal_mark=journal,
                test_score=test_score,
            )
        )
    return rows


# --------------------------------------------------------------------------- references


def _references(campaign: Campaign, rows: list[Result], rnd: random.Random) -> list[ReferenceValue]:
    """Region and Russia lines of the ФИС ОКО forms: near the municipality, a bit better."""
    marks = Counter(r.mark for r in rows if not r.absent and r.mark)
    total = sum(marks.values())
    if not total:
        return []
    pairs = [(r.mark, r.journal_mark) for r in rows if r.mark and r.journal_mark]
    out = []
    for level, name, code, scale_up, shift in (
        (ReferenceLevel.REGION, "Владимирская область", "reg33", 24, 1.5),
        (ReferenceLevel.RUSSIA, "Вся выборка", "", 1150, 3.0),
    ):
        raw = {m: marks[m] / total * 100 for m in (2, 3, 4, 5)}
        raw[2] = max(0.5, raw[2] - shift * rnd.uniform(0.5, 1.0))
        raw[5] = raw[5] + shift * rnd.uniform(0.3, 0.8)
        norm = sum(raw.values())
        percents = {str(m): round(v / norm * 100, 2) for m, v in raw.items()}
        participants = total * scale_up + rnd.randint(0, 500)
        out.append(
            ReferenceValue(
                campaign=campaign,
                kind=ReferenceKind.MARKS,
                level=level,
                name=name,
                code=code,
                participants=participants,
                counts={k: round(v * participants / 100) for k, v in percents.items()},
                percents=percents,
            )
        )
        if pairs:
            lowered = rnd.uniform(0.16, 0.24) * 100
            raised = rnd.uniform(0.04, 0.08) * 100
            journal = {
                "lowered": round(lowered, 2),
                "confirmed": round(100 - lowered - raised, 2),
                "raised": round(raised, 2),
            }
            compared = len(pairs) * scale_up
            out.append(
                ReferenceValue(
                    campaign=campaign,
                    kind=ReferenceKind.JOURNAL,
                    level=level,
                    name=name,
                    code=code,
                    participants=compared,
                    counts={k: round(v * compared / 100) for k, v in journal.items()},
                    percents=journal,
                )
            )
    return out


# --------------------------------------------------------------------------- loading


def _campaign(
    spec: CampaignSpec,
    year: int,
    procedures: dict[str, Procedure],
    subjects: dict[str, Subject],
    specialist: User,
) -> tuple[Campaign, Scale | None]:
    scale = SCALES.get((spec.procedure, spec.subject, spec.grade))
    if scale is not None:
        label = procedures[spec.procedure].get_code_display()
        scale = replace(
            scale,
            title=f"{label} {year}, {subjects[spec.subject].name.lower()}, {spec.grade} класс",
        )
    max_primary = sum(t[1] for t in spec.tasks)
    campaign, created = Campaign.objects.get_or_create(
        procedure=procedures[spec.procedure],
        year=year,
        subject=subjects[spec.subject],
        grade=spec.grade,
        defaults={
            "date": datetime.date(year, spec.month, 10 + spec.grade),
            "variants": "1, 2",
            "max_primary": Decimal(max_primary),
            "scale": scale.to_dict() if scale else None,
            "created_by": specialist,
        },
    )
    if created or not campaign.tasks.exists():
        CampaignTask.objects.bulk_create(
            CampaignTask(
                campaign=campaign,
                order=order,
                number=number,
                max_score=Decimal(points),
                level=level,
                requirement=requirement,
            )
            for order, (number, points, level, requirement) in enumerate(spec.tasks, start=1)
        )
    if scale is not None and not campaign.scale_versions.exists():
        ScaleVersion.objects.create(
            campaign=campaign,
            version=1,
            scale=scale.to_dict(),
            comment="Демонстрационная шкала",
            created_by=specialist,
        )
    return campaign, Scale.from_dict(campaign.scale) if campaign.scale else None


@transaction.atomic
def load_demo(
    *, specialist: User, general: int | None = None, years: Sequence[int] = DEMO_YEARS
) -> str:
    """Load the demo data (idempotent); return a line for the command's output, or "".

    `general` and `years` scale it as they scale the registry (schools.demo.registry_rows).
    """
    procedures = {p.code: p for p in Procedure.objects.all()}
    subjects = {s.code: s for s in Subject.objects.all()}
    by_login = {s.login: s for s in demo_schools(general)}
    schools = [
        (by_login[login], pk, org_type)
        for login, pk, org_type in School.objects.filter(login__in=by_login).values_list(
            "login", "pk", "org_type"
        )
    ]
    schools.sort(key=lambda item: item[0].login)
    with_results = set(Result.objects.values_list("campaign_id", flat=True).distinct())
    created = skipped = pupils = 0
    for year in years:
        for spec in campaign_specs():
            campaign, scale = _campaign(spec, year, procedures, subjects, specialist)
            if campaign.pk in with_results:
                skipped += 1
                continue
            rnd = random.Random(f"{year}-{spec.procedure}-{spec.subject}-{spec.grade}")
            rows: list[Result] = []
            for school, school_id, org_type in schools:
                if not school_takes_grade(org_type, spec.grade):
                    continue
                if year > CLOSED_AFTER.get(school.login, year):
                    continue
                if year == 2026 and spec.procedure == "vpr" and school.login in LATE_2026:
                    continue
                rows += _pupils(
                    spec=spec,
                    year=year,
                    school=school,
                    school_id=school_id,
                    org_type=org_type,
                    campaign=campaign,
                    scale=scale,
                    rnd=rnd,
                )
            Result.objects.bulk_create(rows, batch_size=2000)
            if spec.procedure == "vpr":
                ReferenceValue.objects.bulk_create(_references(campaign, rows, rnd))
            if year < DEMO_YEARS[-1] and not campaign.is_locked:
                campaign.is_locked = True
                campaign.save(update_fields=["is_locked"])
                CampaignEvent.objects.create(
                    campaign=campaign,
                    action=CampaignAction.LOCK,
                    comment="Приём результатов завершён",
                    user=specialist,
                )
            created += 1
            pupils += len(rows)
    federal = _federal_list(specialist, years)
    if not created:
        return f"Оценочные кампании уже загружены ({skipped}), пропущены." + federal
    return (
        f"Оценочные кампании: заполнено {created}, пропущено {skipped}; "
        f"результатов участников: {pupils}." + federal
    )


def _federal_list(specialist: User, years: Sequence[int]) -> str:
    """Import the demo's federal list (once) through the federal list flow; a line, or ""."""
    if FEDERAL_LIST_YEAR not in years or FederalListUpload.objects.exists():
        return ""
    schools = School.objects.filter(login__in=FEDERAL_MARKED).select_related("municipality")
    rows = [
        [
            FEDERAL_LIST_YEAR,
            school.login,
            school.municipality.name,
            school.full_name,
            *(
                "1" if title in FEDERAL_MARKED[school.login] else ""
                for title in federal_lists.MARKED_COLUMNS
            ),
            len(FEDERAL_MARKED[school.login]),
        ]
        for school in sorted(schools, key=lambda s: s.login)
    ]
    if not rows:
        return ""
    data = xlsx_bytes([("Перечень", list(federal_lists.COLUMNS.values()), rows)])
    upload = upload_store(
        federal_lists.FEDERAL_LIST,
        user=specialist,
        filename=f"perechen-oo-{FEDERAL_LIST_YEAR}.xlsx",
        data=data,
    )
    if upload.status != UploadStatus.CHECKED:
        problems = "; ".join(p["text"] for p in upload.report.get("problems", []))
        return f"\nФедеральный перечень {FEDERAL_LIST_YEAR} г. не загружен: {problems}"
    result = upload_commit(flow_name=federal_lists.FEDERAL_LIST.name, upload_id=upload.pk)
    return f"\n{result['message']}"
