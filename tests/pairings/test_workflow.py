"""The pair's declared workflow (Pair.workflow): every status change the services make is an arrow
of the table, every arrow is taken, and a step from the wrong status is refused."""

from __future__ import annotations

import pytest

from pac.workflow import TransitionError
from pairings import services
from pairings.models import Pair
from tests.factories import UserFactory
from tests.pairings.factories import PairFactory, accepted
from tests.workflows import assert_follows, changes_of

pytestmark = pytest.mark.django_db

flow = Pair.workflow


def _propose(program_year, actor, **kw) -> Pair:
    return services.pair_propose(
        coach_application=accepted("ct", program_year),
        mentee_application=accepted("mentee", program_year),
        actor=actor,
        **kw,
    )


def test_every_status_change_the_services_make_is_an_arrow_of_the_table(program_year):
    actor = UserFactory()
    with changes_of(Pair, "status") as seen:
        confirmed = _propose(program_year, actor, confirm=True)
        services.pair_end(pair=confirmed, actor=actor, end_kind=Pair.EndKind.EARLY, reason="The mentee moved away.")
        services.pair_discard(pair=_propose(program_year, actor), actor=actor)
    assert_follows(flow, seen)
    assert seen == [("proposed", "active"), ("active", "ended"), ("proposed", "discarded")]


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        (Pair.Status.PROPOSED, "end", "Only an active pair can be ended."),
        (Pair.Status.ACTIVE, "discard", "Only a proposed pair can be discarded; end an active pair instead."),
        (Pair.Status.ENDED, "confirm", "This pair is ended; only a proposed pair is confirmed."),
    ],
)
def test_a_step_the_table_does_not_allow_is_refused(status, step, message):
    pair = PairFactory(status=status)
    actor = UserFactory()
    call = {
        "end": lambda: services.pair_end(pair=pair, actor=actor, end_kind=Pair.EndKind.COMPLETED),
        "discard": lambda: services.pair_discard(pair=pair, actor=actor),
        "confirm": lambda: services.pair_confirm(pair=pair, actor=actor),
    }[step]
    assert not flow.can(step, status)
    with pytest.raises(TransitionError) as refused:
        call()
    assert refused.value.messages == [message]
    pair.refresh_from_db()
    assert pair.status == status


def test_a_status_written_around_the_table_is_caught():
    """The journey test would catch a service that set a status itself instead of asking the table."""
    pair = PairFactory(status=Pair.Status.ACTIVE)
    with changes_of(Pair, "status") as seen:
        pair.status = Pair.Status.PROPOSED  # no step goes back from active to proposed
        pair.save(update_fields=["status"])
    with pytest.raises(AssertionError, match="changes its table does not declare"):
        assert_follows(flow, seen, every="step")
