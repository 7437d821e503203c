"""What a Mentee or Mentee Administrator must have done before staff confirm their pair, when the
program year asks for it: the confidentiality acknowledgement they sign online, and the year's
setting. (Orientation attendance is coaching's record; pairings asks for it through
``pac.annotations.orientation_attended``.) Imported by ``pairings.models``."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pac.models import Person, ProgramRole, ProgramYear, User

# the roles that sign the acknowledgement and are held to the requirement (the model's "Maintain
# confidentiality" is asked of every role; PAC asks the Mentee and MA to sign it before pairing)
SIGNING_ROLES = (ProgramRole.MENTEE, ProgramRole.MA)


class ConfirmationRequirement(models.Model):
    """A program year's rule for confirming pairs, set by staff in the admin. Without a row (or with
    it off) pairs are confirmed as before."""

    program_year = models.OneToOneField(ProgramYear, on_delete=models.PROTECT, related_name="confirmation_requirement")
    participation_required = models.BooleanField(
        "require orientation attendance and the confidentiality acknowledgement before a pair is confirmed",
        default=False,
        help_text="When on, staff can confirm a pair only once its Mentee or Mentee Administrator has attended "
        "pre-service orientation (recorded on PLC and training) and signed the confidentiality acknowledgement "
        "online. Pairs already confirmed are not affected.",
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-program_year__starts_on"]
        verbose_name = "pair confirmation requirement"

    def __str__(self) -> str:
        state = "required" if self.participation_required else "not required"
        return f"{self.program_year}: orientation and confidentiality acknowledgement {state}"


class ConfidentialityText(models.Model):
    """The acknowledgement's wording, versioned. A version someone has signed is never changed:
    ``pairings.participation.confidentiality_text_save`` keeps it and saves a new version, and
    ``save`` refuses to change its words anywhere else."""

    PLACEHOLDERS = ("name", "role", "program_year")

    version = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Placeholders: {name}, {role}, {program_year}.")
    is_active = models.BooleanField(
        default=True, help_text="The version Mentees and MAs sign now; saving a new version replaces it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = "confidentiality acknowledgement text"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_confidentiality_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = ConfidentialityText.objects.filter(pk=self.pk).values("title", "body", "version").first()
            changed = stored and (stored["title"], stored["body"], stored["version"]) != (
                self.title,
                self.body,
                self.version,
            )
            if changed and ConfidentialityAcknowledgement.objects.filter(text_id=self.pk).exists():
                raise ValidationError(
                    "This version has been signed and cannot change; save the new wording as a new version."
                )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        unknown = sorted(set(re.findall(r"\{([a-z_]+)\}", self.body or "")) - set(self.PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                {
                    "body": "Unknown placeholder(s): "
                    + ", ".join("{" + u + "}" for u in unknown)
                    + ". Use: "
                    + ", ".join("{" + p + "}" for p in self.PLACEHOLDERS)
                    + "."
                }
            )

    def render(self, *, name: str, role: str, program_year: str) -> str:
        values = {"name": name, "role": role, "program_year": program_year}
        return re.sub(r"\{(name|role|program_year)\}", lambda m: values[m.group(1)], self.body).strip()


class ConfidentialityAcknowledgement(models.Model):
    """A Mentee's or MA's signed acknowledgement for a program year: the exact text they signed,
    the name they typed, when, from where. Signed, it never changes and is never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="confidentiality_acknowledgements")
    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=ProgramRole.choices)
    text = models.ForeignKey(ConfidentialityText, on_delete=models.PROTECT, related_name="acknowledgements")
    signed_text = models.TextField()
    signature_name = models.CharField("typed full name", max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=300, blank=True)
    signed_by_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = "confidentiality acknowledgement"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "program_year"], name="one_confidentiality_acknowledgement_per_year"
            ),
            models.CheckConstraint(condition=models.Q(role__in=SIGNING_ROLES), name="acknowledged_by_mentee_or_ma"),
        ]

    def __str__(self) -> str:
        return f"{self.person} acknowledged confidentiality ({self.program_year}, v{self.text.version})"

    def save(self, *args, **kwargs) -> None:
        if self.pk and ConfidentialityAcknowledgement.objects.filter(pk=self.pk).exists():
            raise ValidationError("A signed confidentiality acknowledgement cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A signed confidentiality acknowledgement is kept; it cannot be deleted.")
