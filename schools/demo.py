"""The demo municipality: invented schools and three years of social passports.

Everything is generated from a fixed seed, so every demo has the same schools and the
same figures. The rows are loaded through the registry import, the path a specialist uses.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DEMO_OKTMO = "17650000"
DEMO_YEARS = (2024, 2025, 2026)
MUNICIPALITY_ROW = [
    "Светлореченский муниципальный округ",
    "Светлореченский МО",
    DEMO_OKTMO,
    "Владимирская область",
    "reg33_m017",
]
TOWN = "г. Светлореченск"


@dataclass(frozen=True)
class DemoSchool:
    login: str
    full_name: str
    short_name: str
    org_type: str  # label as in the registry template
    rural: bool
    size: int  # pupils enrolled in the first year
    context: float  # 0 favourable … 1 poor
    distance: float
    director: str
    predecessors: str = ""
    active: bool = True


def _general() -> list[DemoSchool]:
    town = [
        (
            "СОШ № 1",
            "Средняя общеобразовательная школа № 1",
            "СОШ",
            920,
            0.25,
            "Ковалёва Ирина Петровна",
        ),
        ("Гимназия № 2", "Гимназия № 2", "Гимназия", 1050, 0.05, "Лебедев Андрей Викторович"),
        (
            "СОШ № 3",
            "Средняя общеобразовательная школа № 3",
            "СОШ",
            780,
            0.35,
            "Соколова Марина Юрьевна",
        ),
        ("Лицей № 4", "Лицей № 4", "Лицей", 860, 0.08, "Орлов Сергей Николаевич"),
        (
            "СОШ № 5",
            "Средняя общеобразовательная школа № 5",
            "СОШ",
            640,
            0.55,
            "Фёдорова Ольга Андреевна",
        ),
        (
            "СОШ № 6 с УИОП",
            "Средняя общеобразовательная школа № 6 с углублённым изучением отдельных предметов",
            "СОШ",
            990,
            0.15,
            "Никитин Павел Олегович",
        ),
        (
            "ЦО № 7",
            "Центр образования № 7",
            "Центр образования",
            1120,
            0.3,
            "Морозова Елена Сергеевна",
        ),
        (
            "СОШ № 8",
            "Средняя общеобразовательная школа № 8",
            "СОШ",
            530,
            0.62,
            "Григорьев Дмитрий Ильич",
        ),
        (
            "ООШ № 9",
            "Основная общеобразовательная школа № 9",
            "ООШ",
            240,
            0.7,
            "Белова Наталья Викторовна",
        ),
        (
            "СОШ № 10",
            "Средняя общеобразовательная школа № 10",
            "СОШ",
            870,
            0.2,
            "Захаров Алексей Михайлович",
        ),
        (
            "СОШ № 11",
            "Средняя общеобразовательная школа № 11",
            "СОШ",
            710,
            0.4,
            "Киселёва Татьяна Борисовна",
        ),
        (
            "Кадетская школа",
            "Кадетская школа имени героев-земляков",
            "Кадетская школа",
            410,
            0.3,
            "Воронов Игорь Степанович",
        ),
        (
            "Вечерняя школа",
            "Вечерняя (сменная) общеобразовательная школа",
            "Вечерняя (сменная) школа",
            120,
            0.85,
            "Тихонова Людмила Ивановна",
        ),
        (
            "НОШ № 12",
            "Начальная общеобразовательная школа № 12",
            "НОШ",
            180,
            0.3,
            "Егорова Светлана Павловна",
        ),
    ]
    rural = [
        ("Берёзовская СОШ", "с. Берёзовка", "СОШ", 310, 0.6, 18, "Сидоров Николай Петрович"),
        ("Каменская СОШ", "с. Каменка", "СОШ", 260, 0.72, 27, "Павлова Галина Александровна"),
        ("Заречная СОШ", "с. Заречье", "СОШ", 340, 0.5, 12, "Медведев Роман Юрьевич"),
        ("Ольховская ООШ", "д. Ольховка", "ООШ", 45, 0.85, 41, "Степанова Вера Николаевна"),
        ("Сосновская СОШ", "с. Сосновка", "СОШ", 220, 0.66, 35, "Кузнецов Виктор Алексеевич"),
        ("Луговская ООШ", "с. Луговое", "ООШ", 95, 0.9, 52, "Фролова Анна Геннадьевна"),
        ("Полянская СОШ", "с. Поляны", "СОШ", 280, 0.45, 9, "Андреев Константин Львович"),
        ("Красноборская СОШ", "с. Красный Бор", "СОШ", 190, 0.78, 46, "Волкова Ирина Валерьевна"),
        ("Высоковская СОШ", "с. Высокое", "СОШ", 330, 0.38, 15, "Тарасов Евгений Борисович"),
        ("Дубровская ООШ", "д. Дубровка", "ООШ", 70, 0.95, 63, "Романова Надежда Сергеевна"),
        ("Никольская СОШ", "с. Никольское", "СОШ", 250, 0.58, 31, "Мельников Олег Иванович"),
        ("Ключевская СОШ", "с. Ключи", "СОШ", 205, 0.7, 38, "Баранова Елена Олеговна"),
        ("Озёрная ООШ", "с. Озёрное", "ООШ", 88, 0.82, 57, "Гусев Михаил Васильевич"),
        ("Горская НОШ", "д. Горки", "НОШ", 32, 0.88, 44, "Яковлева Зинаида Петровна"),
        ("Ивановская СОШ", "с. Ивановское", "СОШ", 300, 0.52, 22, "Широков Артём Денисович"),
        ("Троицкая СОШ", "с. Троицкое", "СОШ", 270, 0.63, 29, "Комарова Юлия Андреевна"),
    ]
    schools = []
    for number, (short, full, kind, size, context, director) in enumerate(town, start=1):
        schools.append(
            DemoSchool(
                login=f"edu{330100 + number:06d}",
                full_name=f"Муниципальное бюджетное общеобразовательное учреждение «{full}» {TOWN}",
                short_name=f"МБОУ {short}",
                org_type=kind,
                rural=False,
                size=size,
                context=context,
                distance=0,
                director=director,
            )
        )
    for number, (short, village, kind, size, context, distance, director) in enumerate(
        rural, start=1
    ):
        predecessors = ""
        active = True
        if short == "Берёзовская СОШ":
            predecessors = "edu330204"  # Ольховская ООШ joined it in 2025
        if short == "Ольховская ООШ":
            active = False
        full_kind = {
            "СОШ": "средняя общеобразовательная школа",
            "ООШ": "основная общеобразовательная школа",
            "НОШ": "начальная общеобразовательная школа",
        }[kind]
        schools.append(
            DemoSchool(
                login=f"edu{330200 + number:06d}",
                full_name=f"Муниципальное бюджетное общеобразовательное учреждение «{short.split()[0]} {full_kind}» {village}",
                short_name=f"МБОУ {short}",
                org_type=kind,
                rural=True,
                size=size,
                context=context,
                distance=distance,
                director=director,
                predecessors=predecessors,
                active=active,
            )
        )
    return schools


def _others() -> list[DemoSchool]:
    rows = [
        (
            "МБДОУ «Детский сад № 1 „Солнышко“»",
            "Детский сад (ДОО)",
            220,
            False,
            0.3,
            0,
            "Ершова Алла Викторовна",
        ),
        (
            "МБДОУ «Детский сад № 4 „Ромашка“»",
            "Детский сад (ДОО)",
            180,
            False,
            0.35,
            0,
            "Кудрявцева Ольга Ивановна",
        ),
        (
            "МБДОУ «Детский сад № 7 „Берёзка“»",
            "Детский сад (ДОО)",
            150,
            False,
            0.4,
            0,
            "Лаптева Инна Сергеевна",
        ),
        (
            "МБДОУ «Каменский детский сад»",
            "Детский сад (ДОО)",
            60,
            True,
            0.7,
            27,
            "Соловьёва Мария Петровна",
        ),
        ("МБУ ДО «Дом детского творчества»", "УДО", 900, False, 0.3, 0, "Быкова Елена Николаевна"),
        (
            "МБУ ДО «Детско-юношеская спортивная школа»",
            "ДЮСШ",
            600,
            False,
            0.3,
            0,
            "Панов Юрий Алексеевич",
        ),
        (
            "МБУ ДО «Детско-юношеский центр „Радуга“»",
            "ДЮЦ",
            450,
            False,
            0.35,
            0,
            "Жукова Дарья Романовна",
        ),
    ]
    return [
        DemoSchool(
            login=f"edu{330300 + number:06d}",
            full_name=name.replace(
                "МБДОУ", "Муниципальное бюджетное дошкольное образовательное учреждение"
            ).replace("МБУ ДО", "Муниципальное бюджетное учреждение дополнительного образования"),
            short_name=name,
            org_type=kind,
            rural=rural,
            size=size,
            context=context,
            distance=distance,
            director=director,
        )
        for number, (name, kind, size, rural, context, distance, director) in enumerate(
            rows, start=1
        )
    ]


#: Generated schools of a scaled demo (`load_demo --schools N`), after the 30 named ones.
_VILLAGES = (
    "Покровское",
    "Михайловка",
    "Никитино",
    "Воздвиженское",
    "Рябиновка",
    "Семёновка",
    "Дубки",
    "Гремячево",
    "Липовка",
    "Мокрое",
    "Ковали",
    "Андреевка",
    "Знаменка",
    "Ильинское",
    "Петровское",
    "Городище",
    "Борки",
    "Вязники",
    "Тимофеевка",
    "Ясная Поляна",
)
_SURNAMES = (
    "Алексеев",
    "Борисов",
    "Васильев",
    "Голубев",
    "Денисов",
    "Ефимов",
    "Жаров",
    "Зуев",
    "Исаев",
    "Калинин",
    "Логинов",
    "Макаров",
    "Новиков",
    "Осипов",
    "Поляков",
    "Рыбаков",
)
_FIRST_NAMES = (("Андрей", "Сергей", "Олег", "Юрий"), ("Елена", "Ольга", "Татьяна", "Марина"))
_PATRONYMICS = (("Петрович", "Иванович", "Николаевич"), ("Петровна", "Ивановна", "Николаевна"))


def _generated(count: int) -> list[DemoSchool]:
    """`count` more general schools, town and rural alternately, from a fixed seed."""
    rnd = random.Random(f"scaled-{count}")
    schools = []
    for number in range(1, count + 1):
        female = rnd.random() < 0.7
        director = (
            f"{rnd.choice(_SURNAMES)}{'а' if female else ''} {rnd.choice(_FIRST_NAMES[female])} "
            f"{rnd.choice(_PATRONYMICS[female])}"
        )
        if number % 2:
            town_number = 12 + (number + 1) // 2
            full = f"Средняя общеобразовательная школа № {town_number}"
            schools.append(
                DemoSchool(
                    login=f"edu{330400 + number:06d}",
                    full_name=f"Муниципальное бюджетное общеобразовательное учреждение «{full}» {TOWN}",
                    short_name=f"МБОУ СОШ № {town_number}",
                    org_type="СОШ",
                    rural=False,
                    size=rnd.randint(450, 1100),
                    context=round(rnd.uniform(0.05, 0.65), 2),
                    distance=0,
                    director=director,
                )
            )
            continue
        index = number // 2 - 1
        root = _VILLAGES[index % len(_VILLAGES)]
        suffix = f"-{index // len(_VILLAGES) + 1}" if index >= len(_VILLAGES) else ""
        kind = rnd.choice(("СОШ", "СОШ", "ООШ"))
        full_kind = {
            "СОШ": "средняя общеобразовательная школа",
            "ООШ": "основная общеобразовательная школа",
        }[kind]
        name = f"{root}{suffix}"
        schools.append(
            DemoSchool(
                login=f"edu{330400 + number:06d}",
                full_name=f"Муниципальное бюджетное общеобразовательное учреждение «{name} {full_kind}» с. {name}",
                short_name=f"МБОУ {name} {kind}",
                org_type=kind,
                rural=True,
                size=rnd.randint(60, 360) if kind == "СОШ" else rnd.randint(30, 120),
                context=round(rnd.uniform(0.4, 0.95), 2),
                distance=rnd.randint(8, 70),
                director=director,
            )
        )
    return schools


def demo_schools(general: int | None = None) -> list[DemoSchool]:
    """The demo organisations: 30 named general schools (or `general`, at least 30, the
    rest generated — for load tests), then the kindergartens and УДО."""
    schools = _general()
    if general is not None:
        if general < len(schools):
            raise ValueError(f"в демо {len(schools)} названных школ, меньше нельзя")
        schools += _generated(general - len(schools))
    return schools + _others()


def _clip(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return round(min(max(value, low), high), 1)


def _passport(school: DemoSchool, year: int, rnd: random.Random) -> list[Any]:
    drift = (year - DEMO_YEARS[0]) * (-0.01 if not school.rural else 0.01)
    c = min(max(school.context + drift, 0), 1)
    pupils = max(
        12, int(school.size * (1 + rnd.uniform(-0.04, 0.03)) * (0.98 if school.rural else 1.0))
    )
    teachers = max(4, round(pupils / (11 if school.rural else 16) + rnd.uniform(-2, 2)))
    return [
        school.login,
        year,
        pupils,
        round(pupils * rnd.uniform(0.03, 0.06 + 0.08 * c)),
        _clip(6 + 38 * c + rnd.gauss(0, 3)),
        _clip(8 + 22 * c + rnd.gauss(0, 3)),
        _clip(1 + 12 * c * rnd.random()),
        _clip(0.2 + 3.5 * c + rnd.gauss(0, 0.4)),
        _clip(12 + 22 * c + rnd.gauss(0, 3)),
        _clip(22 + 50 * c + rnd.gauss(0, 4)),
        teachers,
        max(0, round(rnd.uniform(0, 1.5 + 4 * c))),
        _clip(14 + 25 * c + rnd.gauss(0, 4)),
        _clip(88 - 40 * c + rnd.gauss(0, 5)),
        school.distance,
    ]


def registry_rows(
    general: int | None = None, years: Sequence[int] = DEMO_YEARS
) -> dict[str, list[list[Any]]]:
    """The demo registry in the layout of the registry template (schools/registry.py);
    `general` and `years` scale it (see `demo_schools`)."""
    rnd = random.Random(2026)
    schools = demo_schools(general)
    school_rows = []
    passport_rows = []
    for school in schools:
        address = (
            f"{TOWN}, ул. {rnd.choice(['Ленина', 'Садовая', 'Школьная', 'Мира', 'Советская', 'Заводская'])}, д. {rnd.randint(1, 60)}"
            if not school.rural
            else f"{school.full_name.rsplit('» ', 1)[-1]}, ул. Центральная, д. {rnd.randint(1, 30)}"
        )
        school_rows.append(
            [
                school.login,
                school.full_name,
                school.short_name,
                school.org_type,
                f"33{rnd.randint(10_000_000, 99_999_999)}",
                address,
                "сельская" if school.rural else "городская",
                school.director,
                f"+7 (49{rnd.randint(20, 49)}) {rnd.randint(20, 79)}-{rnd.randint(10, 99)}-{rnd.randint(10, 99)}",
                f"school{school.login[-3:]}@svetlorechensk-edu.ru",
                "да" if school.active else "нет",
                school.predecessors,
            ]
        )
        # A closed school has only the passport of its last year, the first of the demo.
        school_years = years if school.active else [y for y in years if y == DEMO_YEARS[0]]
        for year in school_years:
            passport_rows.append(_passport(school, year, rnd))
    return {"Муниципалитет": [MUNICIPALITY_ROW], "ОО": school_rows, "Паспорта": passport_rows}
