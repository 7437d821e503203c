"""Deterministic demo data for the shared directory.

``manage.py seed_demo`` runs ``seed(ctx)`` from each PAC app's ``demo`` module in
dependency order (pac, applications, pairings, coaching, evaluation); each step reads
what the earlier ones made from ``ctx``. Same input, same data: every random choice comes
from ``ctx.rng``, seeded once. Running it again changes nothing.
"""

from __future__ import annotations

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .models import (
    AgeGroup,
    Person,
    Program,
    ProgramRole,
    ProgramYear,
    Region,
    RegionTarget,
    User,
)
from .roles import StaffRole
from .services import role_grant

DEMO_DOMAIN = "pac.demo"

CITIES = {
    1: [
        ("Springfield", "01103"),
        ("Holyoke", "01040"),
        ("Pittsfield", "01201"),
        ("Northampton", "01060"),
        ("Greenfield", "01301"),
    ],
    2: [
        ("Worcester", "01608"),
        ("Fitchburg", "01420"),
        ("Leominster", "01453"),
        ("Southbridge", "01550"),
        ("Milford", "01757"),
    ],
    3: [("Lowell", "01852"), ("Lawrence", "01840"), ("Lynn", "01901"), ("Salem", "01970"), ("Haverhill", "01830")],
    4: [("Framingham", "01702"), ("Waltham", "02451"), ("Newton", "02458"), ("Quincy", "02169"), ("Natick", "01760")],
    5: [
        ("Brockton", "02301"),
        ("New Bedford", "02740"),
        ("Fall River", "02720"),
        ("Plymouth", "02360"),
        ("Hyannis", "02601"),
    ],
    6: [
        ("Boston", "02119"),
        ("Cambridge", "02139"),
        ("Chelsea", "02150"),
        ("Somerville", "02143"),
        ("Revere", "02151"),
    ],
}
NAME_PARTS = [
    "Little Sprouts",
    "Bright Horizons",
    "Sunrise",
    "Rainbow",
    "Acorn",
    "Harbor",
    "Maple Street",
    "Riverside",
    "Hilltop",
    "Open Door",
    "Kind Hearts",
    "Discovery",
    "Seedlings",
    "Stepping Stones",
    "Wonder Years",
    "Cornerstone",
    "Bay Path",
    "Friendship",
    "Orchard",
    "Lighthouse",
]
TYPE_SUFFIX = {
    Program.ProgramType.CENTER: "Early Learning Center",
    Program.ProgramType.FCC_SYSTEM: "Family Child Care",
    Program.ProgramType.FCC_INDEPENDENT: "Family Child Care",
    Program.ProgramType.HEAD_START: "Head Start",
    Program.ProgramType.PUBLIC_PRESCHOOL: "Public Preschool",
    Program.ProgramType.ASOST: "After School Program",
}
TYPE_AGES = {
    Program.ProgramType.CENTER: ["infant", "toddler", "preschool"],
    Program.ProgramType.FCC_SYSTEM: ["infant", "toddler", "preschool", "school_age"],
    Program.ProgramType.FCC_INDEPENDENT: ["infant", "toddler", "preschool"],
    Program.ProgramType.HEAD_START: ["preschool"],
    Program.ProgramType.PUBLIC_PRESCHOOL: ["preschool", "k3"],
    Program.ProgramType.ASOST: ["k3", "school_age"],
}
FCC_SYSTEMS = ["Valley FCC System", "Bay State FCC Network", "Community Family Child Care System"]
FIRST = [
    "Ana",
    "Maria",
    "Keisha",
    "Linh",
    "Sofia",
    "Jasmine",
    "Rosa",
    "Emily",
    "Fatima",
    "Grace",
    "Nadia",
    "Carmen",
    "Tanya",
    "Mei",
    "Olivia",
    "Priya",
    "Daniela",
    "Hannah",
    "Yolanda",
    "Chantal",
    "Jamal",
    "Luis",
    "Marcus",
    "David",
    "Samuel",
    "Thanh",
    "Kevin",
    "Andre",
    "Miguel",
    "Joseph",
]
LAST = [
    "Santos",
    "Nguyen",
    "Johnson",
    "Pereira",
    "Rodriguez",
    "Chen",
    "Williams",
    "Okafor",
    "Murphy",
    "Silva",
    "Haddad",
    "Baptiste",
    "Kim",
    "Sullivan",
    "Garcia",
    "Tran",
    "Brown",
    "Fernandes",
    "Lopez",
    "O'Brien",
    "Medeiros",
    "Jean-Louis",
    "Patel",
    "Rivera",
    "Costa",
    "Doyle",
    "Ramos",
    "Pham",
    "Cruz",
    "Walsh",
]
LANGUAGES = ["en"] * 7 + ["es", "es", "pt", "ht", "vi", "zh"]


@dataclass
class DemoContext:
    """What the seed steps share: the random source, the scale and what was made."""

    scale: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    today: datetime.date = field(default_factory=timezone.localdate)
    program_year: ProgramYear | None = None
    next_program_year: ProgramYear | None = None
    programs: list[Program] = field(default_factory=list)
    people: dict[str, list[Person]] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role label, email)
    names_given: int = 0  # how many demo names are taken: every demo person's name is distinct
    password_hash: str = ""  # the demo password, hashed once for every demo login
    criteria: dict[int, list] = field(default_factory=dict)  # a rubric's criteria, read once

    def email(self, local: str) -> str:
        return f"{local}@{DEMO_DOMAIN}"

    def next_name(self) -> tuple[str, str]:
        """A first and last name no other demo person has."""
        self.names_given += 1
        return demo_name(self.names_given)

    def hashed_password(self) -> str:
        if not self.password_hash:
            self.password_hash = make_password(settings.PAC_DEMO_PASSWORD)
        return self.password_hash


def demo_name(n: int) -> tuple[str, str]:
    """The n-th demo name: each first name goes once with each last name, so the first 900 names
    are distinct pairs; past that (large ``--scale``) a middle initial keeps them distinct."""
    turn, index = divmod(n, len(FIRST))
    first = FIRST[index]
    last = LAST[(index + turn) % len(LAST)]
    if turn >= len(LAST):
        first = f"{first} {chr(ord('A') + turn // len(LAST) - 1)}."
    return first, last


@contextmanager
def history_in_bulk():
    """While the demo is made, saves write no history row one by one; afterwards every row of a
    model with history that has none gets its creation record, in bulk. (Per-save history was a
    fifth of seed_demo's time; demo records need a history, not the steps the seed took.)"""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        yield
    for model in apps.get_models():
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager_name is None or model._meta.proxy:
            continue
        history = getattr(model, manager_name)
        pk = model._meta.pk.attname
        recorded = history.model._default_manager.values(pk)
        missing = list(model._default_manager.exclude(pk__in=recorded).order_by(pk))
        if missing:
            history.bulk_history_create(missing, batch_size=1000, default_change_reason="Recorded in bulk")


def _school_year_start(today: datetime.date) -> datetime.date:
    year = today.year if today.month >= 9 else today.year - 1
    return datetime.date(year, 9, 1)


def seed_program_year(ctx: DemoContext) -> ProgramYear:
    start = _school_year_start(ctx.today)
    name = f"{start.year}–{str(start.year + 1)[-2:]}"
    year, _ = ProgramYear.objects.get_or_create(
        name=name,
        defaults={
            "starts_on": start,
            "ends_on": datetime.date(start.year + 1, 8, 31),
            "applications_open_on": datetime.date(start.year, 3, 1),
            "applications_close_on": datetime.date(start.year, 6, 30),
            "notes": "Year two of the model: 8 CT–Mentee and 2 CA–MA pairs per region.",
        },
    )
    # the next cohort, with applications open now, so the demo always has somewhere to apply
    following = start.year + 1
    ctx.next_program_year, _ = ProgramYear.objects.get_or_create(
        name=f"{following}–{str(following + 1)[-2:]}",
        defaults={
            "starts_on": datetime.date(following, 9, 1),
            "ends_on": datetime.date(following + 1, 8, 31),
            "applications_open_on": ctx.today - datetime.timedelta(days=30),
            "applications_close_on": ctx.today + datetime.timedelta(days=120),
            "notes": "Year three of the model: 15 pairs per region.",
        },
    )
    for region in Region.objects.all():
        RegionTarget.objects.get_or_create(
            program_year=year, region=region, defaults={"ct_mentee_pairs": 8, "ca_ma_pairs": 2}
        )
        RegionTarget.objects.get_or_create(
            program_year=ctx.next_program_year, region=region, defaults={"ct_mentee_pairs": 12, "ca_ma_pairs": 3}
        )
    ctx.program_year = year
    return year


def seed_programs(ctx: DemoContext) -> list[Program]:
    regions = list(Region.objects.order_by("number"))
    ages = {a.code: a for a in AgeGroup.objects.all()}
    types = list(Program.ProgramType)
    wanted: list[Program] = []
    age_links: dict[str, list[str]] = {}
    for index in range(40 * ctx.scale):
        region = regions[index % len(regions)]
        program_type = types[(index // len(regions)) % len(types)]
        city, postal_code = CITIES[region.number][(index // 6) % 5]
        qris = ctx.rng.choice([2, 2, 2, 3, 3, 4, 1])
        license_number = f"DEMO-{index + 1:05d}"
        wanted.append(
            Program(
                name=f"{NAME_PARTS[index % len(NAME_PARTS)]} {TYPE_SUFFIX[program_type]} {index + 1}",
                license_number=license_number,
                licensure=(
                    Program.Licensure.EXEMPT
                    if program_type == Program.ProgramType.PUBLIC_PRESCHOOL
                    else Program.Licensure.LICENSED
                ),
                program_type=program_type,
                fcc_system_name=FCC_SYSTEMS[index % 3] if program_type == Program.ProgramType.FCC_SYSTEM else "",
                qris_level=qris,
                qris_status=ctx.rng.choice(list(Program.QrisStatus)),
                qris_as_of=ctx.today - datetime.timedelta(days=ctx.rng.randint(30, 400)),
                region=region,
                street=f"{ctx.rng.randint(10, 999)} {ctx.rng.choice(['Main', 'Elm', 'Union', 'Pleasant', 'Water'])} St",
                city=city,
                postal_code=postal_code,
            )
        )
        age_links[license_number] = TYPE_AGES[program_type]
    for program in wanted:  # public preschools are license-exempt: no license number
        if program.licensure == Program.Licensure.EXEMPT:
            program.license_number = ""
    existing_names = set(Program.objects.filter(name__in=[p.name for p in wanted]).values_list("name", flat=True))
    new = [p for p in wanted if p.name not in existing_names]
    bulk_create_with_history(new, Program, batch_size=500)
    programs = list(Program.objects.filter(name__in=[p.name for p in wanted]).select_related("region").order_by("pk"))
    links = []
    for program in programs:
        if program.name in existing_names:
            continue
        codes = TYPE_AGES[Program.ProgramType(program.program_type)]
        links += [Program.age_groups.through(program_id=program.pk, agegroup_id=ages[c].pk) for c in codes]
    Program.age_groups.through.objects.bulk_create(links, ignore_conflicts=True)
    ctx.programs = programs
    return programs


def _person(ctx: DemoContext, n: int, local: str, program: Program | None, **fields) -> Person:
    first, last = ctx.next_name()
    return Person(
        first_name=first,
        last_name=last,
        email=ctx.email(local),
        phone=f"(617) 555-{1000 + n:04d}",
        pq_registry_id=f"PQ{100000 + n}" if program else "",
        program=program,
        preferred_language=LANGUAGES[n % len(LANGUAGES)],
        **fields,
    )


def _people_plan(ctx: DemoContext) -> list[tuple[str, str, Person]]:
    """(key, role, person) for everyone the demo needs. Keys group people for later steps."""
    rng = ctx.rng
    by_region: dict[int, list[Program]] = {}
    for program in ctx.programs:
        by_region.setdefault(program.region.number, []).append(program)
    plan: list[tuple[str, str, Person]] = []
    n = 0

    def add(key: str, local: str, program: Program | None, **fields) -> None:
        nonlocal n
        n += 1
        plan.append((key, local, _person(ctx, n, local, program, **fields)))

    add("staff", "staff", None, job_role=Person.JobRole.OTHER)
    for i in range(1, 5):
        add("reviewer", f"reviewer{i}", None, job_role=Person.JobRole.OTHER)
    for i in range(1, 4):
        add("observer", f"observer{i}", None, job_role=Person.JobRole.OTHER)
    add("evaluator", "evaluator", None, job_role=Person.JobRole.OTHER)
    counters = {"ct": 0, "mentee": 0, "ca": 0, "ma": 0, "leader": 0, "supervisor": 0, "facilitator": 0}

    def next_local(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    for number in sorted(by_region):
        programs = by_region[number]
        add("facilitator", next_local("facilitator"), None, job_role=Person.JobRole.OTHER)
        for _ in range(ctx.scale):
            for i in range(2):  # CTs: lead teachers with experience, in QRIS 2+ programs
                program = programs[(i * 3) % len(programs)]
                fcc = program.is_family_child_care
                add(
                    "ct",
                    next_local("ct"),
                    program,
                    job_role=Person.JobRole.FCC_PROVIDER if fcc else Person.JobRole.LEAD_TEACHER,
                    highest_degree=rng.choice([Person.Degree.ASSOCIATE, Person.Degree.BACHELOR, Person.Degree.MASTER]),
                    degree_field=Person.DegreeField.ECE,
                    degree_field_name="Early Childhood Education",
                    eec_certification=Person.Certification.PS_LEAD,
                    years_as_educator=rng.randint(4, 22),
                    years_supervising=rng.randint(0, 5),
                )
            for i in range(3):
                program = programs[(i * 2 + 1) % len(programs)]
                fcc = program.is_family_child_care
                add(
                    "mentee",
                    next_local("mentee"),
                    program,
                    job_role=Person.JobRole.FCC_PROVIDER if fcc else Person.JobRole.TEACHER,
                    highest_degree=rng.choice([Person.Degree.CDA, Person.Degree.ASSOCIATE, Person.Degree.NONE]),
                    degree_field=Person.DegreeField.ECE,
                    eec_certification=Person.Certification.PS_TEACHER,
                    years_as_educator=rng.randint(1, 8),
                    years_supervising=0,
                )
                add(
                    "leader",
                    next_local("leader"),
                    program,
                    job_role=Person.JobRole.FCC_SYSTEM_STAFF if fcc else Person.JobRole.DIRECTOR,
                    highest_degree=Person.Degree.BACHELOR,
                    degree_field=Person.DegreeField.ECE,
                    eec_certification=Person.Certification.DIRECTOR_2,
                    years_as_educator=rng.randint(8, 25),
                    years_supervising=rng.randint(4, 15),
                )
            program = programs[4 % len(programs)]
            add(
                "ca",
                next_local("ca"),
                program,
                job_role=Person.JobRole.DIRECTOR,
                highest_degree=Person.Degree.MASTER,
                degree_field=Person.DegreeField.ECE,
                eec_certification=Person.Certification.DIRECTOR_2,
                years_as_educator=rng.randint(10, 25),
                years_supervising=rng.randint(5, 15),
            )
            program = programs[5 % len(programs)]
            add(
                "ma",
                next_local("ma"),
                program,
                job_role=Person.JobRole.DIRECTOR,
                highest_degree=Person.Degree.BACHELOR,
                degree_field=Person.DegreeField.RELATED,
                degree_field_name="Psychology",
                eec_certification=Person.Certification.DIRECTOR_1,
                years_as_educator=rng.randint(6, 15),
                years_supervising=rng.randint(1, 4),
            )
            add(
                "supervisor",
                next_local("supervisor"),
                program,
                job_role=Person.JobRole.DIRECTOR,
                highest_degree=Person.Degree.MASTER,
                degree_field=Person.DegreeField.ECE,
                eec_certification=Person.Certification.DIRECTOR_2,
                years_as_educator=20,
                years_supervising=12,
            )
    return plan


STAFF_ROLE_FOR_KEY = {
    "staff": StaffRole.EEC_STAFF,
    "reviewer": StaffRole.REVIEWER,
    "observer": StaffRole.CLASS_OBSERVER,
    "evaluator": StaffRole.EVALUATOR,
    "facilitator": StaffRole.PLC_FACILITATOR,
}
PROGRAM_ROLE_FOR_KEY = {
    "ct": ProgramRole.CT,
    "mentee": ProgramRole.MENTEE,
    "ca": ProgramRole.CA,
    "ma": ProgramRole.MA,
    "leader": ProgramRole.LEADER,
    "supervisor": ProgramRole.SUPERVISOR,
}


def seed_people(ctx: DemoContext) -> dict[str, list[Person]]:
    plan = _people_plan(ctx)
    emails = [person.email for _, _, person in plan]
    existing = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
    password = ctx.hashed_password()  # hashed once, shared by every demo login
    new_users = [
        User(email=person.email, full_name=person.full_name, password=password)
        for _, _, person in plan
        if person.email not in existing
    ]
    bulk_create_with_history(new_users, User, batch_size=500)
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=users[e], email=e, verified=True, primary=True) for e in emails if e not in existing],
        ignore_conflicts=True,
        batch_size=500,
    )
    new_people = []
    for _, _, person in plan:
        if person.email not in existing:
            person.user = users[person.email]
            new_people.append(person)
    bulk_create_with_history(new_people, Person, batch_size=500)
    people = {p.email: p for p in Person.objects.filter(email__in=emails).select_related("program__region", "user")}

    grouped: dict[str, list[Person]] = {}
    for key, _, planned in plan:
        person = people[planned.email]
        grouped.setdefault(key, []).append(person)
        if key in STAFF_ROLE_FOR_KEY and planned.email not in existing:
            role_grant(user=person.user, role=STAFF_ROLE_FOR_KEY[key])
    # Program roles (CT, Mentee, leader, ...) are not handed out here: the applications step
    # accepts these people's applications, and acceptance records their participations.
    regions = {r.number: r for r in Region.objects.all()}
    for number, facilitator in enumerate(grouped.get("facilitator", []), start=1):
        regions[number].facilitators.add(facilitator)
    ctx.people = grouped
    labels = {
        "staff": "EEC staff",
        "reviewer": "Review committee",
        "observer": "CLASS observer",
        "evaluator": "Evaluator",
        "facilitator": "PLC facilitator",
        "ct": "Consultant Teacher",
        "mentee": "Mentee",
        "ca": "Consultant Administrator",
        "ma": "Mentee Administrator",
        "leader": "Program/Instructional Leader",
        "supervisor": "Supervisor",
    }
    ctx.logins = [(label, grouped[key][0].email) for key, label in labels.items() if grouped.get(key)]
    return grouped


def seed_calendar_feed(ctx: DemoContext) -> None:
    """ct1's private calendar address, printed with the logins so a calendar program can subscribe
    to it (the demo's meetings, observations, report due dates and interviews fill it). Its token is
    stored hashed, so it is printed only by the seed that makes it; later seeds leave it alone."""
    from .calendar_feeds import calendar_feed_active, calendar_feed_create
    from .calendar_views import feed_url

    coach = ctx.people.get("ct", [None])[0]
    if coach is None or coach.user is None or calendar_feed_active(coach.user) is not None:
        return
    ctx.logins.append((f"Calendar feed of {coach.email}", feed_url(calendar_feed_create(user=coach.user))))


def seed(ctx: DemoContext) -> None:
    seed_program_year(ctx)
    seed_programs(ctx)
    seed_people(ctx)
    seed_calendar_feed(ctx)
