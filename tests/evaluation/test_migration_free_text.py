"""The data migration of issue 13: observations' free-text "educator observed" becomes the MA's plan
(coaching.PlanEducator) and each pair's tool moves to its pre/post cycle. The database is taken back
to before the move, filled as the old code left it, and brought forward again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from coaching import services as coaching
from coaching.models import Goal, PlanEducator
from evaluation import services
from evaluation.models import Instrument, Observation, PrePostCycle
from pac.models import Tag
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_transactional_db")]

BEFORE = ("evaluation", "0011_pre_post_cycle_and_plan_educator")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader


def test_free_text_and_tools_move_to_the_plan_and_the_cycle(program_year, staff_user):
    today = timezone.localdate()
    observer = certified_observer("pre_k")
    ma = active_pair(program_year, staff_user, ma=True)
    coaching.plan_educator_name(pair=ma, actor=ma.mentee.user, name="placeholder")
    pre = record(ma, "pre", 4, observer=observer, observed_on=today - datetime.timedelta(days=200))
    goal = coaching.goal_save(
        pair=ma, actor=ma.mentee.user, area=Tag.objects.filter(kind="class").first(), title="Weekly feedback"
    )
    Goal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - datetime.timedelta(days=190))
    post = record(ma, "post", 5, observer=observer)
    toddler = active_pair(program_year, staff_user, region=2)
    record(toddler, "pre", 3, instrument="toddler")
    scheduled_only = active_pair(program_year, staff_user, region=3)
    services.schedule_save(
        actor=staff_user,
        pair=scheduled_only,
        time_point="pre",
        window_opens=today,
        due_by=today + datetime.timedelta(days=9),
        instrument=Instrument.objects.get(code="k3"),
    )
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate([BEFORE]).project_state([BEFORE]).apps
        # as the old code left things: free text on each observation, the tool on the schedule, no plan or cycle
        OldObservation = old.get_model("evaluation", "Observation")
        OldObservation.objects.update(plan_educator=None)
        OldObservation.objects.filter(pk=pre.pk).update(educator_observed="  Ana  Ruiz", classroom="Toddler room")
        OldObservation.objects.filter(pk=post.pk).update(educator_observed="The Preschool B team")
        old.get_model("coaching", "Goal").objects.update(plan_educator=None)
        old.get_model("coaching", "PlanEducator").objects.all().delete()
        old.get_model("evaluation", "PrePostCycle").objects.all().delete()
        old.get_model("evaluation", "ScheduledObservation").objects.filter(pair_id=scheduled_only.pk).update(
            instrument_id=Instrument.objects.get(code="k3").pk
        )
    finally:
        _migrate(leaf)

    first, second = PlanEducator.objects.filter(pair=ma).order_by("named_at")
    assert (first.name, first.classroom, second.name) == ("Ana Ruiz", "Toddler room", "The Preschool B team")
    assert first.replaced_at is not None and second.replaced_at is None  # Ben's team is the plan's now
    assert Observation.objects.get(pk=pre.pk).plan_educator == first
    assert Observation.objects.get(pk=post.pk).plan_educator == second
    assert Goal.objects.get(pk=goal.pk).plan_educator == first  # set while Ana was the plan's educator
    assert first.history.first().history_change_reason.startswith("Moved from the observations' free text")
    assert Observation.objects.get(pk=pre.pk).history.first().history_type == "~"
    tools = dict(PrePostCycle.objects.values_list("pair_id", "instrument__code"))
    assert tools == {ma.pk: "pre_k", toddler.pk: "toddler", scheduled_only.pk: "k3"}
