"""Query budgets at the sizes the issue names: the staff overview and the reminder sweep make the
same number of queries for 10 and for 500 pairs (pairs made in bulk, with meetings and reports)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from coaching import services
from coaching.models import Meeting, Reminder
from pac.models import Person, Program, Region
from pairings.models import Pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bulk_pairs(year, n: int, *, started_days_ago: int = 75) -> None:
    start = Person.objects.count()
    creator = UserFactory()
    regions = list(Region.objects.order_by("number"))
    programs = [
        Program.objects.create(
            name=f"Scale {start}-{r.number}",
            program_type="center",
            license_number=f"SC-{start}-{r.number}",
            city="Lowell",
            region=r,
        )
        for r in regions
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="P",
                last_name=f"{start + i}",
                email=f"scale{start + i}@example.org",
                program=programs[i % len(programs)],
            )
            for i in range(2 * n)
        ]
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                reference=f"PAC-S-{start * 2 + i:06d}",
                program_year=year,
                role="ct" if i % 2 == 0 else "mentee",
                applicant=person,
                created_by=creator,
                program=person.program,
                stage="accepted",
            )
            for i, person in enumerate(people)
        ]
    )
    started = timezone.localdate() - datetime.timedelta(days=started_days_ago)
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                program_year=year,
                kind="ct_mentee",
                coach=apps[2 * i].applicant,
                mentee=apps[2 * i + 1].applicant,
                coach_application=apps[2 * i],
                mentee_application=apps[2 * i + 1],
                status="active",
                coach_slot=1,
                coach_capacity=2,
                started_on=started,
            )
            for i in range(n)
        ]
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                pair=pair,
                held_on=started + datetime.timedelta(days=d),
                duration_minutes=60,
                modality="video",
                purpose="observation",
                logged_by=creator,
            )
            for pair in pairs
            for d in (3, 40)
        ]
    )
    services.reports_ensure_many(pairs=pairs)


def test_staff_overview_is_flat_from_10_to_500_pairs(client, staff_user, program_year, django_assert_max_num_queries):
    bulk_pairs(program_year, 10)
    client.force_login(staff_user)
    url = reverse("coaching:overview") + f"?year={program_year.pk}"
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    bulk_pairs(program_year, 490)
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_sweep_with_nothing_new_to_send_is_flat_from_10_to_500_pairs(program_year, django_assert_max_num_queries):
    """A sweep's work grows with the reminders it must create; the sweep over pairs that already
    have their reminders (the daily steady state) does not grow with the number of pairs."""
    bulk_pairs(program_year, 10)
    services.reminders_sweep()
    with django_assert_max_num_queries(30) as small:
        services.reminders_sweep()
    bulk_pairs(program_year, 490)
    services.reminders_sweep()
    with django_assert_max_num_queries(30) as large:
        services.reminders_sweep()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert Reminder.objects.filter(stage="overdue").count() == 2 * 500  # reports 1 and 2 of every pair
