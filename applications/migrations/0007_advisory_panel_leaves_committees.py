"""The Advisory Panel leaves the review committees (issue 13).

Being on the panel was a kind of committee membership ("PAC Advisory Panel member"). It is now its
own body per program year (``pac.AdvisoryPanel``). Each advisory-panel membership of an *active*
committee (the only ones that counted) becomes a seat on that year's panel, its term starting with
the year; the committee seat stays (the member still reviews applications) as "other", since
whether a committee member is on the panel is now read from the panel. Inactive committees' rows
gave no panel access before, so they give none now. Every change is written to the history with its
reason. Reversing marks a committee member who sits on the year's panel "advisory_panel" again.
"""

from django.db import migrations, models
from django.utils import timezone

REASON = "Advisory Panel moved from committee membership (issue 13)"


def _history(apps, model_name: str, obj, kind: str, when) -> None:
    historical = apps.get_model(obj._meta.app_label, f"Historical{model_name}")
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    historical.objects.create(**values, history_date=when, history_type=kind, history_change_reason=REASON)


def forwards(apps, schema_editor):
    CommitteeMember = apps.get_model("applications", "CommitteeMember")
    AdvisoryPanel = apps.get_model("pac", "AdvisoryPanel")
    AdvisoryPanelMembership = apps.get_model("pac", "AdvisoryPanelMembership")
    now = timezone.now()
    seats = (
        CommitteeMember.objects.filter(kind="advisory_panel")
        .select_related("committee__program_year")
        .order_by("committee__program_year__starts_on", "pk")
    )
    for seat in seats:
        year = seat.committee.program_year
        if seat.committee.is_active:
            panel, created = AdvisoryPanel.objects.get_or_create(program_year=year)
            if created:
                _history(apps, "AdvisoryPanel", panel, "+", now)
            membership, created = AdvisoryPanelMembership.objects.get_or_create(
                panel=panel, user_id=seat.user_id, defaults={"role": "member", "term_starts_on": year.starts_on}
            )
            if created:
                _history(apps, "AdvisoryPanelMembership", membership, "+", now)
        seat.kind = "other"
        seat.save(update_fields=["kind"])
        _history(apps, "CommitteeMember", seat, "~", now)


def backwards(apps, schema_editor):
    CommitteeMember = apps.get_model("applications", "CommitteeMember")
    AdvisoryPanelMembership = apps.get_model("pac", "AdvisoryPanelMembership")
    for seat in CommitteeMember.objects.filter(kind="other").select_related("committee"):
        if AdvisoryPanelMembership.objects.filter(
            panel__program_year_id=seat.committee.program_year_id, user_id=seat.user_id
        ).exists():
            seat.kind = "advisory_panel"
            seat.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_interview_invitation_sequence"),
        ("pac", "0015_advisory_panel"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="committeemember",
            name="kind",
            field=models.CharField(
                choices=[("eec", "EEC representative"), ("other", "Other representative (or an Advisory Panel member)")],
                default="other",
                help_text="Advisory Panel members are recognised from the year's Advisory Panel (Directory).",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommitteemember",
            name="kind",
            field=models.CharField(
                choices=[("eec", "EEC representative"), ("other", "Other representative (or an Advisory Panel member)")],
                default="other",
                help_text="Advisory Panel members are recognised from the year's Advisory Panel (Directory).",
                max_length=16,
            ),
        ),
    ]
