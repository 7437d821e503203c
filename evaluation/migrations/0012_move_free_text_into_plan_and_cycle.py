"""Data: the free text of observations moves to where it belongs (issue 13).

1. A Mentee Administrator's "educator observed", typed on each observation and schedule, becomes
   the educator or classroom team of the MA's plan (coaching.PlanEducator): one row per name, in the
   order the names were used; when a later observation names someone else, the earlier row is
   marked replaced on that day. Each observation points at the row of its own name, and each of the
   pair's goals at the row current when the goal was set (else the first).
2. Each pair's CLASS tool moves from its observations and schedules to its pre/post cycle: the tool
   of the pair's earliest pre observation, else its earliest observation, else the tool its pre
   schedule (or any schedule) named. A pair whose recorded pre and post already differ keeps that
   record; the cohort page goes on flagging it.

Every row written gets a history record saying so. Reversible: the names and schedule tools are
copied back (the rows made here are left for the schema migration's reversal to drop)."""

import datetime

from django.db import migrations
from django.utils import timezone

REASON = "Moved from the observations' free text to the MA's plan (issue 13)"
CYCLE_REASON = "Made from the pair's recorded observations and schedules (issue 13)"
ORDER = {"pre": 0, "mid": 1, "post": 2}


def _history(historical, obj, kind: str, reason: str, when) -> None:
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    historical.objects.create(
        **values, history_date=when, history_type=kind, history_change_reason=reason, history_user=None
    )


def _at_noon(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def forward(apps, schema_editor):
    Pair = apps.get_model("pairings", "Pair")
    Observation = apps.get_model("evaluation", "Observation")
    HistoricalObservation = apps.get_model("evaluation", "HistoricalObservation")
    Scheduled = apps.get_model("evaluation", "ScheduledObservation")
    PrePostCycle = apps.get_model("evaluation", "PrePostCycle")
    HistoricalPrePostCycle = apps.get_model("evaluation", "HistoricalPrePostCycle")
    PlanEducator = apps.get_model("coaching", "PlanEducator")
    HistoricalPlanEducator = apps.get_model("coaching", "HistoricalPlanEducator")
    Goal = apps.get_model("coaching", "Goal")
    HistoricalGoal = apps.get_model("coaching", "HistoricalGoal")
    now = timezone.now()

    # 1. the educator or classroom team of each MA's plan
    named_pairs = (
        set(Observation.objects.filter(pair__kind="ca_ma").exclude(educator_observed="").values_list("pair_id", flat=True))
        | set(Scheduled.objects.filter(pair__kind="ca_ma").exclude(educator_observed="").values_list("pair_id", flat=True))
    )
    for pair in Pair.objects.filter(pk__in=named_pairs).order_by("pk"):
        mentions = []  # (when, order, name, classroom, user id, observation or None)
        for o in Observation.objects.filter(pair=pair).exclude(educator_observed=""):
            mentions.append((_at_noon(o.observed_on), ORDER.get(o.time_point, 3), o.pk, o.educator_observed, o.classroom, o.recorded_by_id, o))
        for s in Scheduled.objects.filter(pair=pair).exclude(educator_observed=""):
            mentions.append((s.created_at, ORDER.get(s.time_point, 3), -s.pk, s.educator_observed, s.classroom, s.scheduled_by_id, None))
        mentions.sort(key=lambda m: (m[0], m[1], m[2]))
        segments = []  # [name, classroom, user id, named at, [observations]]
        for when, _, _, name, classroom, user_id, observation in mentions:
            name = _clean(name)
            if not name:
                continue
            if not segments or segments[-1][0].casefold() != name.casefold():
                segments.append([name, _clean(classroom), user_id, when, []])
            elif not segments[-1][1] and classroom:
                segments[-1][1] = _clean(classroom)
            if observation is not None:
                segments[-1][4].append(observation)
        rows = []
        for index, (name, classroom, user_id, when, observations) in enumerate(segments):
            replaced = segments[index + 1][3] if index + 1 < len(segments) else None
            row = PlanEducator.objects.create(
                pair_id=pair.pk,
                name=name[:160],
                classroom=classroom[:120],
                named_by_id=user_id,
                named_at=when,
                replaced_at=replaced,
            )
            _history(HistoricalPlanEducator, row, "+", REASON, now)
            rows.append(row)
            for observation in observations:
                observation.plan_educator_id = row.pk
                observation.save(update_fields=["plan_educator"])
                _history(HistoricalObservation, observation, "~", REASON, now)
        if not rows:
            continue
        for goal in Goal.objects.filter(pair=pair, plan_educator__isnull=True):
            earlier = [r for r in rows if r.named_at <= goal.created_at]
            goal.plan_educator_id = (earlier[-1] if earlier else rows[0]).pk
            goal.save(update_fields=["plan_educator"])
            _history(HistoricalGoal, goal, "~", REASON, now)

    # 2. each pair's pre/post cycle and its tool
    for pair_id in sorted(
        set(Observation.objects.values_list("pair_id", flat=True))
        | set(Scheduled.objects.filter(instrument__isnull=False).values_list("pair_id", flat=True))
    ):
        if PrePostCycle.objects.filter(pair_id=pair_id).exists():
            continue
        observations = sorted(
            Observation.objects.filter(pair_id=pair_id),
            key=lambda o: (o.time_point != "pre", o.observed_on, o.pk),
        )
        if observations:
            first = observations[0]
            instrument_id, user_id, when = first.instrument_id, first.recorded_by_id, first.created_at
        else:
            schedules = sorted(
                Scheduled.objects.filter(pair_id=pair_id, instrument__isnull=False),
                key=lambda s: (ORDER.get(s.time_point, 3), s.pk),
            )
            first = schedules[0]
            instrument_id, user_id, when = first.instrument_id, first.scheduled_by_id, first.created_at
        cycle = PrePostCycle.objects.create(pair_id=pair_id, instrument_id=instrument_id, set_by_id=user_id)
        PrePostCycle.objects.filter(pk=cycle.pk).update(set_at=when)
        cycle.set_at = when
        _history(HistoricalPrePostCycle, cycle, "+", CYCLE_REASON, now)


def backward(apps, schema_editor):
    Observation = apps.get_model("evaluation", "Observation")
    Scheduled = apps.get_model("evaluation", "ScheduledObservation")
    PrePostCycle = apps.get_model("evaluation", "PrePostCycle")
    for observation in Observation.objects.filter(plan_educator__isnull=False).select_related("plan_educator"):
        observation.educator_observed = observation.plan_educator.name
        observation.save(update_fields=["educator_observed"])
    for cycle in PrePostCycle.objects.all():
        Scheduled.objects.filter(pair_id=cycle.pair_id, instrument__isnull=True).update(instrument_id=cycle.instrument_id)


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0009_plan_educator"),
        ("evaluation", "0011_pre_post_cycle_and_plan_educator"),
    ]

    operations = [migrations.RunPython(forward, backward)]
