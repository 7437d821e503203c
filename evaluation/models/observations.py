"""CLASS instruments (data, seeded by migration; staff may correct them in the admin), observer
certificates, observations with their scored cycles, stored results, schedules and reference figures."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class Instrument(models.Model):
    """A CLASS tool: Infant, Toddler, Pre-K, K–3. Scores are integers 1–7."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=80)
    ages = models.CharField(max_length=80, blank=True)
    cycle_minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Observation minutes a cycle.")
    min_cycle_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="domains")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="one_domain_code_per_instrument")]

    def __str__(self) -> str:
        return f"{self.instrument.code}: {self.name}"


class Dimension(models.Model):
    """A scored dimension. A reversed one (Negative Climate) enters its domain as 8 − score."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="dimensions")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    reversed = models.BooleanField(default=False, help_text="Low is good: enters the domain score as 8 − score.")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain__instrument", "domain__order", "order"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ObserverCertificate(models.Model):
    """A CLASS observer's reliability certificate for one instrument, valid until it expires."""

    observer = models.ForeignKey("pac.Person", on_delete=models.PROTECT, related_name="class_certificates")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="certificates")
    certified_on = models.DateField()
    expires_on = models.DateField()
    reference = models.CharField("certificate number", max_length=60, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["observer", "instrument", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("certified_on")), name="certificate_expires_after_issue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.observer}: {self.instrument} until {self.expires_on}"


class PrePostCycle(models.Model):
    """A pair's pre/post cycle: the observations that measure one Mentee's (or Mentee
    Administrator's) growth in a program year — pre, perhaps mid, and post — and the CLASS tool they
    all use, so that post can be compared with pre (DOMAIN.md §4: pair pre and post on the same tool
    and age band).

    The tool belongs to the cycle, not to each observation. Most rooms take one tool. A room that
    spans age bands (a mixed-age family child care room) takes two: the observer alternates CLASS
    cycles between them (odd cycles on the first tool, even cycles on the second) and each tool is
    scored on its own (DOMAIN.md §1), so every visit to such a room records one observation per tool,
    and growth is measured per tool, pre against post.

    A pair belongs to one program year, so a pair has one cycle. Its tools may change until the
    first observation of the pair is recorded; after that they are fixed (staff see why in the
    admin), so a post can never be scored on another tool than its pre."""

    pair = models.OneToOneField("pairings.Pair", on_delete=models.PROTECT, related_name="pre_post_cycle")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="+", verbose_name="CLASS tool", help_text="The room's tool."
    )
    second_instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="second CLASS tool (mixed-age room)",
        help_text="Only for a room that spans age bands (a mixed-age family child care room): the other age "
        "band's tool. The observer alternates CLASS cycles between the two and each is scored on its own.",
    )
    set_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pre/post cycle"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(second_instrument__isnull=True)
                | ~models.Q(second_instrument=models.F("instrument")),
                name="pre_post_cycle_two_different_tools",
            )
        ]

    def __str__(self) -> str:
        return f"Pre/post cycle of pair {self.pair_id}: {self.tools_label}"

    @property
    def is_mixed_age(self) -> bool:
        return self.second_instrument_id is not None

    def instruments(self) -> list[Instrument]:
        """The cycle's tools, the first first."""
        return [self.instrument, self.second_instrument] if self.second_instrument_id else [self.instrument]

    def instrument_of_cycle(self, number: int) -> Instrument:
        """The tool of CLASS cycle ``number`` (1-based) of a visit: a mixed-age room alternates."""
        if self.second_instrument_id and number % 2 == 0:
            return self.second_instrument
        return self.instrument

    @property
    def tools_label(self) -> str:
        if self.second_instrument_id:
            return f"{self.instrument.name} and {self.second_instrument.name} (mixed-age room, alternating cycles)"
        return self.instrument.name


class Observation(models.Model):
    """A CLASS observation of one classroom at one time point on one tool, made of scored cycles.
    A visit to a mixed-age room records one observation per tool of the pair's pre/post cycle, each
    holding the CLASS cycles scored on that tool (numbered as they were in the visit: 1, 3 and 2, 4)."""

    class TimePoint(models.TextChoices):
        PRE = "pre", "Pre (start of year)"
        MID = "mid", "Mid-year"
        POST = "post", "Post (end of year)"

    pair = models.ForeignKey("pairings.Pair", on_delete=models.PROTECT, related_name="observations")
    observee = models.ForeignKey(
        "pac.Person",
        on_delete=models.PROTECT,
        related_name="observations",
        help_text="Whose growth this measures: the Mentee, or the Mentee Administrator.",
    )
    classroom = models.CharField(max_length=120, blank=True)
    plan_educator = models.ForeignKey(
        "coaching.PlanEducator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name="educator or classroom team observed",
        help_text="For a Mentee Administrator: the educator or team named in the MA's plan, whose classroom is observed.",
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="observations")
    time_point = models.CharField(max_length=4, choices=TimePoint.choices)
    observed_on = models.DateField()
    observer = models.ForeignKey("pac.Person", on_delete=models.PROTECT, related_name="observations_made")
    recorded_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-observed_on", "-pk"]
        indexes = [
            # a pair's latest observation at a time point (the schedule, My work)
            models.Index(fields=["pair", "time_point", "observed_on"], name="observation_pair_time_point"),
            # the observations list, latest first, a page at a time
            models.Index(fields=["-observed_on", "-id"], name="observation_latest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} {self.get_time_point_display()} on {self.observed_on}"


class Cycle(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["observation", "number"]
        constraints = [models.UniqueConstraint(fields=["observation", "number"], name="one_cycle_number")]

    def __str__(self) -> str:
        return f"Cycle {self.number}"


class CycleScore(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "dimension"], name="one_score_per_cycle_dimension"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=7), name="class_score_1_to_7"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code}: {self.score}"


class DimensionResult(models.Model):
    """An observation's mean score on one dimension (raw: Negative Climate stays low-is-good), kept
    so cohort analytics aggregate in the database."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="dimension_results")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    mean = models.DecimalField(max_digits=5, decimal_places=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["observation", "dimension"], name="one_result_per_dimension")]

    def __str__(self) -> str:
        return f"{self.dimension.code}: {self.mean}"


class DomainResult(models.Model):
    """An observation's domain score (reversed dimensions entered as 8 − score)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="domain_results")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["observation", "domain"], name="one_result_per_domain")]

    def __str__(self) -> str:
        return f"{self.domain.code}: {self.score}"


class ScheduledObservation(models.Model):
    """Staff's plan for one of a pair's observations: when and by whom (the tool is the pair's
    pre/post cycle's). It is done once an observation of that pair at that time point is recorded."""

    pair = models.ForeignKey("pairings.Pair", on_delete=models.PROTECT, related_name="scheduled_observations")
    time_point = models.CharField(max_length=4, choices=Observation.TimePoint.choices)
    window_opens = models.DateField()
    due_by = models.DateField()
    observer = models.ForeignKey(
        "pac.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="observations_scheduled"
    )
    classroom = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=300, blank=True)
    scheduled_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_by", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "time_point"], name="one_schedule_per_pair_time_point"),
            models.CheckConstraint(condition=models.Q(due_by__gte=models.F("window_opens")), name="due_after_window"),
        ]

    def __str__(self) -> str:
        return f"{self.get_time_point_display()} for pair {self.pair_id} by {self.due_by}"


class ReferenceFigure(models.Model):
    """A published figure drawn as a reference line on growth charts (DOMAIN.md §2 and §4):
    an effect size from the research, or a domain-score threshold, valid between dates."""

    class Kind(models.TextChoices):
        EFFECT_SIZE = "effect", "Effect size (standard deviations)"
        SCORE = "score", "Domain score threshold"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    label = models.CharField(max_length=120)
    source = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=6, decimal_places=3)
    domain_code = models.CharField(
        max_length=10, blank=True, help_text="For a score threshold: the domain it applies to (ES, CO, IS ...)."
    )
    instruments = models.ManyToManyField(Instrument, blank=True, related_name="reference_figures")
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords(m2m_fields=[instruments])

    class Meta:
        ordering = ["kind", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    def applies_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )
