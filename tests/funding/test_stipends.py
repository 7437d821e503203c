"""Coach stipends: each installment becomes payable by itself when its conditions hold in PAC's
records, and the coach sees exactly what is missing; staff see every coach's; nobody else sees an
amount. Money is Decimal, rounded to cents once."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import MOU
from coaching import services as coaching
from coaching.models import Attendance, ThirtyDayReport, TrainingEvent
from evaluation.models import CoachReview
from funding import selectors
from funding.models import FundingRules, StipendInstallment
from funding.money import cents, dollars
from pairings.models import Pair
from tests.applications.factories import MOUFactory
from tests.coaching.factories import active_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(program_year):
    rules = FundingRules.objects.create(
        program_year=program_year, ct_stipend=Decimal("1500"), ca_stipend=Decimal("1200")
    )
    StipendInstallment.objects.create(
        rules=rules, role="ct", number=1, amount=Decimal("500"), needs_mou=True, needs_orientation=True
    )
    StipendInstallment.objects.create(
        rules=rules, role="ct", number=2, amount=Decimal("500"), reports_acknowledged=2, needs_review_continue=True
    )
    StipendInstallment.objects.create(
        rules=rules, role="ct", number=3, amount=Decimal("500"), needs_year_completed=True
    )
    StipendInstallment.objects.create(rules=rules, role="ca", number=1, amount=Decimal("1200"), needs_mou=True)
    return rules


def _mou(pair, status):
    if not MOU.objects.filter(application=pair.coach_application).exists():
        MOUFactory(application=pair.coach_application)
    MOU.objects.filter(application=pair.coach_application).update(status=status)


def _orientation(pair, staff_user):
    event = TrainingEvent.objects.create(
        program_year=pair.program_year,
        kind="orientation",
        title="Orientation",
        held_on=pair.program_year.starts_on,
        hours=6,
        created_by=staff_user,
    )
    Attendance.objects.create(event=event, person=pair.coach, recorded_by=staff_user)


def _acknowledge(pair, n):
    reports = coaching.reports_ensure(pair=pair, today=pair.started_on + datetime.timedelta(days=31 * n + 5))
    ThirtyDayReport.objects.filter(pk__in=[r.pk for r in reports[:n]]).update(
        status=ThirtyDayReport.Status.ACKNOWLEDGED
    )


def test_money_is_rounded_to_cents_once_and_never_a_float():
    assert (
        cents("10.005") == Decimal("10.01")
        and cents(Decimal("2.344")) == Decimal("2.34")
        and cents(3) == Decimal("3.00")
    )
    assert dollars(Decimal("1250")) == "$1,250.00"
    with pytest.raises(TypeError):
        cents(0.1)


def test_each_installment_says_exactly_what_is_missing_until_it_is_payable(rules, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=timezone.localdate() - datetime.timedelta(days=100))
    _mou(pair, MOU.Status.REQUESTED)
    first, second, third = selectors.statement_of(program_year, pair.coach).installments
    assert first.missing == [
        "Your MOU is not signed yet (your program's leader or your supervisor signs it).",
        "Pre-service orientation is not recorded as attended.",
    ]
    assert second.missing == [
        "0 of 2 30-day reports acknowledged by EEC.",
        'Your six-month review has not been decided "continue".',
    ]
    assert not third.payable
    _mou(pair, MOU.Status.SIGNED)
    _orientation(pair, staff_user)
    _acknowledge(pair, 1)
    first, second, third = selectors.statement_of(program_year, pair.coach).installments
    assert first.payable and second.missing[0] == "1 of 2 30-day reports acknowledged by EEC."
    _acknowledge(pair, 2)
    CoachReview.objects.create(
        program_year=program_year,
        coach=pair.coach,
        role="ct",
        due_on=timezone.localdate(),
        decision="continue",
        decided_by=staff_user,
        decided_at=timezone.now(),
    )
    statement = selectors.statement_of(program_year, pair.coach)
    assert [s.payable for s in statement.installments] == [True, True, False]
    assert statement.payable_total == Decimal("1000.00")
    Pair.objects.filter(pk=pair.pk).update(
        status=Pair.Status.ENDED, end_kind=Pair.EndKind.COMPLETED, ended_on=timezone.localdate()
    )
    assert selectors.statement_of(program_year, pair.coach).payable_total == Decimal("1500.00")


def test_a_pair_ended_early_does_not_complete_the_year_and_a_waived_mou_counts(rules, program_year, staff_user):
    pair = active_pair(program_year, staff_user)
    _mou(pair, MOU.Status.WAIVED)
    Pair.objects.filter(pk=pair.pk).update(
        status=Pair.Status.ENDED, end_kind=Pair.EndKind.EARLY, ended_on=timezone.localdate()
    )
    facts = selectors.coach_facts(program_year, [pair.coach_id])[pair.coach_id]
    assert facts.mou_signed and not facts.year_completed


def test_a_ca_gets_the_ca_installments(rules, program_year, staff_user):
    pair = active_pair(program_year, staff_user, ma=True)
    statement = selectors.statement_of(program_year, pair.coach)
    assert statement.role == "ca" and statement.stipend == Decimal("1200.00")
    assert [s.installment.role for s in statement.installments] == ["ca"]


def test_statements_take_the_same_queries_for_one_coach_and_for_many(rules, program_year, staff_user):
    pairs = [active_pair(program_year, staff_user, region=1)]

    def count():
        coaches = selectors.coaches_of(program_year)
        with CaptureQueriesContext(connection) as queries:
            found = selectors.statements(program_year, coaches, rules)
        return len(queries), len(found)

    small = count()
    pairs += [active_pair(program_year, staff_user, region=r) for r in (2, 3, 4)]
    large = count()
    assert small[0] == large[0] and (small[1], large[1]) == (1, 4)


def test_the_coach_sees_their_own_stipend_and_nobody_else_sees_an_amount(
    client, rules, program_year, staff_user, evaluator
):
    pair = active_pair(program_year, staff_user, with_leader=True)
    client.force_login(pair.coach.user)
    page = client.get(reverse("funding:my_stipend")).content.decode()
    assert "$1,500.00" in page and "Installment 1: $500.00" in page
    assert reverse("funding:my_stipend") in client.get(reverse("pac:my_work")).content.decode()  # the menu
    assert client.get(reverse("funding:stipends")).status_code == 403
    for user in (pair.mentee.user, pair.leader.user, evaluator):
        client.force_login(user)
        assert client.get(reverse("funding:my_stipend")).status_code == 404
        assert client.get(reverse("funding:stipends")).status_code == 403
        assert "$1,500.00" not in client.get(reverse("pac:my_work")).content.decode()
    client.force_login(staff_user)
    staff_page = client.get(reverse("funding:stipends")).content.decode()
    assert pair.coach.full_name in staff_page and "$500.00" in staff_page


def test_the_admin_refuses_installments_that_do_not_add_up_to_the_stipend(client, program_year, staff_user):
    client.force_login(staff_user)
    data = {
        "program_year": program_year.pk,
        "ct_stipend": "1500",
        "ca_stipend": "1200",
        "substitute_day_rate": "0",
        "substitute_half_day_rate": "0",
        "substitute_max_days": "0",
        "goods_max_per_mentee": "0",
        "goods_max_per_ma": "0",
        "goods_categories": "",
        "installments-TOTAL_FORMS": "2",
        "installments-INITIAL_FORMS": "0",
        "installments-MIN_NUM_FORMS": "0",
        "installments-MAX_NUM_FORMS": "1000",
        "installments-0-role": "ct",
        "installments-0-number": "1",
        "installments-0-amount": "500",
        "installments-0-reports_acknowledged": "0",
        "installments-1-role": "ct",
        "installments-1-number": "2",
        "installments-1-amount": "600",
        "installments-1-reports_acknowledged": "0",
    }
    response = client.post(reverse("admin:funding_fundingrules_add"), data)
    assert response.status_code == 200 and "add up to $1,100.00; the stipend is $1,500.00" in response.content.decode()
    assert not FundingRules.objects.exists()
    data["installments-1-amount"] = "1000"
    assert client.post(reverse("admin:funding_fundingrules_add"), data).status_code == 302
    assert FundingRules.objects.get().installments.count() == 2
