"""Query budgets: the cohort analytics page (and its chart) and the schedule page make the same
number of queries for 10 and for 2,000 pairs; the figures are aggregated in the database."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from evaluation.models import (
    Dimension,
    DimensionResult,
    Domain,
    DomainResult,
    Instrument,
    Observation,
    PrePostCycle,
)
from pac.models import Person, Program, Region
from pairings.models import Pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bulk_observed_pairs(year, n: int, *, seed: int = 1) -> list[Pair]:
    """``n`` active pairs, each with a pre and a post Pre-K observation and stored results."""
    rng = random.Random(seed)
    start = Person.objects.count()
    creator = UserFactory()
    regions = list(Region.objects.order_by("number"))
    programs = [
        Program.objects.create(
            name=f"Scale {start}-{r.number}",
            program_type="center",
            license_number=f"EV-{start}-{r.number}",
            city="Lowell",
            region=r,
        )
        for r in regions
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="P", last_name=f"{start + i}", email=f"ev{start + i}@example.org", program=programs[i % 6]
            )
            for i in range(2 * n)
        ]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                reference=f"PAC-E-{start * 2 + i:07d}",
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
    started = timezone.localdate() - datetime.timedelta(days=200)
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                program_year=year,
                kind="ct_mentee",
                coach=applications[2 * i].applicant,
                mentee=applications[2 * i + 1].applicant,
                coach_application=applications[2 * i],
                mentee_application=applications[2 * i + 1],
                status="active",
                coach_slot=1,
                coach_capacity=2,
                started_on=started,
            )
            for i in range(n)
        ]
    )
    tool = Instrument.objects.get(code="pre_k")
    toddler = Instrument.objects.get(code="toddler")
    # every pair's pre/post cycle; every third a mixed-age room (its tools shown on the schedule)
    PrePostCycle.objects.bulk_create(
        [
            PrePostCycle(pair=pair, instrument=tool, second_instrument=toddler if i % 3 == 0 else None, set_by=creator)
            for i, pair in enumerate(pairs)
        ]
    )
    observer = Person.objects.create(first_name="O", last_name="Server", email=f"obs{start}@example.org")
    observations = Observation.objects.bulk_create(
        [
            Observation(
                pair=pair,
                observee=pair.mentee,
                instrument=tool,
                time_point=time_point,
                observed_on=started + datetime.timedelta(days=day),
                observer=observer,
                recorded_by=creator,
            )
            for pair in pairs
            for time_point, day in (("pre", 20), ("post", 180))
        ]
    )
    domains = list(Domain.objects.filter(instrument=tool))
    dimensions = list(Dimension.objects.filter(domain__instrument=tool))
    DomainResult.objects.bulk_create(
        [
            DomainResult(observation=o, domain=d, score=Decimal(f"{rng.uniform(2, 6):.3f}"))
            for o in observations
            for d in domains
        ]
    )
    DimensionResult.objects.bulk_create(
        [
            DimensionResult(observation=o, dimension=d, mean=Decimal(f"{rng.uniform(1, 7):.3f}"))
            for o in observations
            for d in dimensions
        ]
    )
    return pairs


def test_cohort_analytics_is_flat_from_10_to_2000_pairs(
    client, staff_user, program_year, django_assert_max_num_queries
):
    bulk_observed_pairs(program_year, 10)
    client.force_login(staff_user)
    url = reverse("evaluation:cohort") + f"?year={program_year.pk}&instrument=pre_k"
    chart = reverse("evaluation:cohort_chart") + f"?year={program_year.pk}&instrument=pre_k"
    with django_assert_max_num_queries(25) as small:
        response = client.get(url)
    assert response.context["growth"].with_both == 10
    with django_assert_max_num_queries(25) as small_chart:
        assert client.get(chart).status_code == 200
    bulk_observed_pairs(program_year, 1990, seed=2)
    with django_assert_max_num_queries(25) as large:
        response = client.get(url)
    assert response.context["growth"].with_both == 2000
    with django_assert_max_num_queries(25) as large_chart:
        assert client.get(chart).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(small_chart.captured_queries) == len(large_chart.captured_queries)


def test_schedule_page_is_flat_in_the_number_of_pairs(client, staff_user, program_year, django_assert_max_num_queries):
    bulk_observed_pairs(program_year, 10)
    client.force_login(staff_user)
    url = reverse("evaluation:schedule") + f"?year={program_year.pk}"
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    bulk_observed_pairs(program_year, 200, seed=3)
    with django_assert_max_num_queries(25) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
