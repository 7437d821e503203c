"""Surveys about coaches. Staff build a survey in the admin, then send it for one coach (a
round) to that coach's respondents. Each respondent holds one invitation, answered once through
a personal link or when signed in. Nothing answered is ever deleted."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords


class Survey(models.Model):
    name = models.CharField(max_length=120)
    introduction = models.TextField(blank=True, help_text="Shown to respondents above the questions.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agreement, 1–5 (strongly disagree to strongly agree)"
        CHOICE = "choice", "Single choice"
        TEXT = "text", "Free text (shown to EEC staff only)"

    AGREEMENT_LABELS = {
        1: "Strongly disagree",
        2: "Disagree",
        3: "Neither agree nor disagree",
        4: "Agree",
        5: "Strongly agree",
    }

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=300)
    choices = models.TextField(blank=True, help_text="Single choice: one option a line.")
    required = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Audience(models.TextChoices):
    """Who may be asked about a coach."""

    MENTEE = "mentee", "The coach's Mentees / Mentee Administrators"
    LEADER = "leader", "The Mentees' Program/Instructional Leaders"
    FACILITATOR = "facilitator", "The region's PLC facilitator"
    PANEL = "panel", "Advisory Panel members"


class SurveyRound(models.Model):
    """A survey sent for one coach in a program year."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    program_year = models.ForeignKey("pac.ProgramYear", on_delete=models.PROTECT, related_name="survey_rounds")
    coach = models.ForeignKey("pac.Person", on_delete=models.PROTECT, related_name="survey_rounds")
    audiences = models.JSONField(default=list, help_text="Audience values the round was sent to.")
    closes_on = models.DateField()
    sent_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.survey} about {self.coach} ({self.program_year})"

    @cached_property
    def coach_role(self) -> str:
        """What the coach is in the round's year, as respondents know them: Consultant Teacher or
        Consultant Administrator (from the application they coach on), "coach" if neither is known."""
        from pac.models import Participation, ProgramRole
        from pairings.models import Pair

        role = (
            Pair.objects.filter(coach_id=self.coach_id, program_year_id=self.program_year_id)
            .order_by("pk")
            .values_list("coach_application__role", flat=True)
            .first()
        ) or (
            Participation.objects.filter(
                person_id=self.coach_id, program_year_id=self.program_year_id, role__in=(ProgramRole.CT, ProgramRole.CA)
            )
            .order_by("pk")
            .values_list("role", flat=True)
            .first()
        )
        return ProgramRole(role).label if role in (ProgramRole.CT, ProgramRole.CA) else "coach"


class Invitation(models.Model):
    """One respondent's invitation to a round. The link's token is stored only as a hash."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="invitations")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    person = models.ForeignKey("pac.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        "pac.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
        help_text="The account that may answer when signed in.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "audience", "name"]
        constraints = [models.UniqueConstraint(fields=["round", "email"], name="one_invitation_per_email_and_round")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_audience_display()}) for {self.round}"


class Response(models.Model):
    """A submitted answer sheet: one per invitation, enforced by the database."""

    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="response")
    submitted_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, choices=[("link", "Personal link"), ("account", "Signed in")])

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Response to {self.invitation}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    agreement = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=models.Q(agreement__isnull=True) | models.Q(agreement__gte=1, agreement__lte=5),
                name="agreement_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.agreement or self.choice or self.text[:30]}"
