"""Staff-like roles are Django groups; program roles come from Participation rows."""

from django.db.models import TextChoices


class StaffRole(TextChoices):
    EEC_STAFF = "EEC staff", "EEC staff"
    REVIEWER = "Review committee", "Review committee member"  # the Advisory Panel is pac.AdvisoryPanel
    PLC_FACILITATOR = "PLC facilitator", "PLC facilitator"
    CLASS_OBSERVER = "CLASS observer", "CLASS observer"
    EVALUATOR = "Evaluator", "Evaluator (de-identified data only)"


# Django model permissions each staff-like group holds, for the admin. Object-level rules
# (pac/permissions.py and each app's permissions.py) decide everything else.
GROUP_MODEL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    StaffRole.EEC_STAFF: {
        # app label -> actions on every model of that app
        "pac": ("view", "add", "change"),
        "applications": ("view", "add", "change"),
        "pairings": ("view", "add", "change"),
        "coaching": ("view", "add", "change"),
        "evaluation": ("view", "add", "change"),
        "evidence": ("view", "add", "change"),  # the clip retention row; clips are read-only there
        "funding": ("view", "add", "change"),
        "django_celery_beat": ("view", "add", "change", "delete"),
    },
    StaffRole.REVIEWER: {},
    StaffRole.PLC_FACILITATOR: {},
    StaffRole.CLASS_OBSERVER: {},
    StaffRole.EVALUATOR: {},
}
