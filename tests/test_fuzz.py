"""Bad input never becomes a 500 (issue 12): for each role, every URL pattern of the site, with its
parameters filled from real rows and from hostile values, answered to GET and to a POST of each of
the page's own forms, filled by hypothesis from the form's fields. No response may be a 500.

Bounded for CI (one walk per role, derandomized, no shrinking): about a minute on PostgreSQL.
Admin pages are walked for staff (index, each model's list with hostile search, ordering, page
and filter values, one object's change page, the add page); the admin's other internals are not.
"""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from applications.models import MOU, Committee, Criterion, Recommendation, ReviewAssignment, ScreeningCheck
from coaching.models import Goal, Meeting, Reminder, ThirtyDayReport, TrainingEvent, TrainingRecommendation
from evaluation.deidentified import DATASETS
from evaluation.models import CoachReview, FormativeInterview, Invitation, Observation, SurveyRound
from evidence import services as evidence_services
from evidence.models import Clip, ClipUpload, Comment
from pac.documents.models import DocumentJob
from pac.models import ProgramRole
from pac.roles import StaffRole
from pac.services import role_grant
from pairings.models import Pair
from tests.applications.factories import ApplicationFactory, MOUFactory, committee_with_members, make_in_review
from tests.coaching.factories import active_pair, meeting
from tests.evaluation.factories import certified_observer, record, recorded_interview, scheduled_interview
from tests.factories import ParticipationFactory, panel_seat

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant",
    "staff",
    "reviewer",
    "coach",
    "mentee",
    "ca",
    "ma",
    "leader",
    "observer",
    "evaluator",
    "facilitator",
]

# Hostile values for a path segment or a field. NUL and other control characters are answered
# 400 at the edge; the others must reach the views and be refused there (404, 400 or a form error).
HOSTILE = [
    "x\x00y",
    "\x00",
    "a\x01\x1bb",
    "99999999999999999999",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "../../etc/passwd",
    "..%2f..%2fetc",
    "Zoë ✓ 漢字 🙂",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "A" * 3000,
    "%00",
    "1e309",
    "NaN",
    "2024-02-30",
    "",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
FIELD_VALUE = st.one_of(st.sampled_from(HOSTILE), TEXT, st.integers(-(2**70), 2**70).map(str))

# URL names whose <pk> is a row of this model (the other parameters are read from their name)
PK_MODELS = {
    "applications:mou_sign_mine": MOU,
    "applications:mou_pdf": MOU,
    "applications:review": ReviewAssignment,
    "applications:review_score": ReviewAssignment,
    "applications:review_submit": ReviewAssignment,
    "applications:committee_bundle": Committee,
    "applications:staff_resend": Recommendation,
    "applications:staff_unassign": ReviewAssignment,
    "applications:recommender_resend": Recommendation,
    "applications:recommender_cancel": Recommendation,
    "applications:mou_resend": MOU,
    "applications:letter": Recommendation,
    "evaluation:observation": Observation,
    "evaluation:coach_review": CoachReview,
    "evaluation:survey_round": SurveyRound,
    "evaluation:survey_remind": SurveyRound,
    "evaluation:survey_answer": Invitation,
}
PARAM_MODELS = {
    "criterion_id": Criterion,
    "check_id": ScreeningCheck,
    "meeting_id": Meeting,
    "goal_id": Goal,
    "report_id": ThirtyDayReport,
    "event_id": TrainingEvent,
    "recommendation_id": TrainingRecommendation,
    "reminder_id": Reminder,
    "job_id": DocumentJob,
    "interview_id": FormativeInterview,
    "clip_id": Clip,
    "upload_id": ClipUpload,
    "comment_id": Comment,
}
# Never POSTed during a walk: they would end the walk's own session or second factor.
NO_POST = ("account_logout", "mfa_deactivate_totp", "account_email", "account_change_password", "mfa_")
# Rendering these real documents (PDF, ZIP) takes seconds each; they are fuzzed with hostile values only.
HEAVY = ("pdf", "bundle", "packet", "audit", "download", "progress", "report_pdf")


def _patterns():
    """(route template, URL name) for every pattern; regex patterns keep their regex."""
    found = []

    def walk(resolver, prefix, namespaces):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespaces + ([p.namespace] if p.namespace else [])
                walk(p, prefix + [p.pattern], ns)
            elif isinstance(p, URLPattern):
                found.append((prefix + [p.pattern], ":".join([*namespaces, p.name or ""])))

    walk(get_resolver(), [], [])
    return found


def _site_patterns():
    return [(parts, name) for parts, name in _patterns() if not name.startswith("admin:")]


def _template(parts) -> str:
    """The path with <conv:name> (route) or (?P<name>...) (regex) placeholders as {name}."""
    out = ""
    for part in parts:
        text = str(part)
        if isinstance(part, RegexPattern):
            text = text.lstrip("^").rstrip("$").replace("\\Z", "")
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
        elif isinstance(part, RoutePattern):
            text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
        out += text
    return "/" + out


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**{k: quote(str(v), safe="") for k, v in values.items()})


def _real(name: str, param: str, world) -> list[str]:
    if param == "reference":
        return [world["application"].reference, world["applicant_app"].reference]
    if param == "kind":
        return ["recommendation", "mou"]
    if param == "role":
        return ["ct", "mentee", "ca", "ma"]
    if param == "slug":
        return list(DATASETS)[:2]
    if param == "fmt":
        return ["csv", "xlsx"]
    if param == "time_point":
        return ["pre", "post"]
    if param == "coach_id":
        return [world["pair"].coach_id]
    if param in ("token", "key", "uidb36"):
        return ["not-a-token"]
    model = PARAM_MODELS.get(param) or PK_MODELS.get(name)
    if model is None and param == "pk":
        model = Pair  # pairings:, coaching: and evaluation:pair_* address a pair
    if model is None:
        return ["1"]
    values = [str(v) for v in model.objects.order_by("-pk").values_list("pk", flat=True)[:2]]
    if model is DocumentJob and not values:
        values = [str(uuid.uuid4())]
    return values or ["1"]


class _Forms(HTMLParser):
    """The page's forms: action, method and fields (name, kind, choices, current value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            )
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select["choices"].append(a.get("value", ""))
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                fields.setdefault(
                    a["name"], {"kind": "submit", "choices": [a.get("value", "")], "value": a.get("value", "")}
                )
            else:
                field = fields.setdefault(a["name"], {"kind": kind, "choices": [], "value": a.get("value", "")})
                if kind in ("checkbox", "radio"):
                    field["choices"].append(a.get("value", "on"))
        elif tag == "textarea":
            fields[a["name"]] = {"kind": "textarea", "choices": [], "value": ""}
        elif tag == "select":
            self._select = fields[a["name"]] = {"kind": "select", "choices": [], "value": ""}

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms(response) -> list[dict]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(response.content.decode(errors="replace"))
    return [f for f in parser.forms if f["method"] == "post"]


def _form_data(draw, form) -> dict:
    data = {}
    for name, field in form["fields"].items():
        kind, choices, value = field["kind"], field["choices"], field["value"]
        if name == "csrfmiddlewaretoken" or name.endswith(
            ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
        ):
            data[name] = value
        elif kind == "file":
            continue
        elif kind == "submit":
            if draw(st.booleans()):
                data[name] = value
        elif kind in ("checkbox", "select") and choices:
            picked = draw(st.lists(st.sampled_from(choices), max_size=2, unique=True))
            if draw(st.integers(0, 5)) == 0:
                picked.append(draw(st.sampled_from(HOSTILE)))
            data[name] = picked
        elif kind == "radio" and choices:
            data[name] = draw(st.one_of(st.sampled_from(choices), st.sampled_from(HOSTILE)))
        elif kind == "hidden":
            data[name] = draw(st.one_of(st.just(value), st.sampled_from(HOSTILE)))
        elif kind == "number":
            data[name] = draw(st.one_of(st.integers(-(2**40), 2**40).map(str), st.sampled_from(HOSTILE)))
        elif kind == "date":
            data[name] = draw(st.one_of(st.dates().map(str), st.sampled_from(HOSTILE)))
        else:
            data[name] = draw(st.one_of(st.just(value), FIELD_VALUE))
    return data


def _world(program_year, staff_user, reviewer, observer, evaluator, facilitator, clip_file=None):
    """A small, realistic program year: an application in Tier 2 review with a letter and an MOU,
    a draft application, an active CT–Mentee pair with a leader, a meeting and an observation,
    a CA and an MA, and a staff user with a second factor."""
    _, members = committee_with_members(program_year, 3)
    for member in members:
        role_grant(user=member, role=StaffRole.REVIEWER)
    panel_seat(program_year, members[0])  # the reviewer also sits on the year's Advisory Panel
    application, _ = make_in_review(ApplicationFactory(program_year=program_year), members=members)
    draft = ApplicationFactory(program_year=program_year)
    MOUFactory(application=draft)
    pair = active_pair(program_year, staff_user, with_leader=True)
    meeting(pair, pair.started_on)
    TrainingRecommendation.objects.create(pair=pair, title="A course", recommended_by=pair.coach.user)
    obs = certified_observer()
    record(pair, "pre", 4, observer=obs)
    if clip_file is not None:  # a clip with a comment and a reply, and an upload left half way
        from tests.evidence.factories import details, ready_clip

        clip = ready_clip(pair, path=clip_file)
        comment = evidence_services.comment_add(clip=clip, actor=pair.coach.user, text="Warm", kind="strength")
        evidence_services.comment_add(clip=clip, actor=pair.mentee.user, text="Thanks", parent=comment)
        evidence_services.upload_start(
            pair=pair, actor=pair.mentee.user, details=details(), filename="half.mp4", size=10_000
        )
    # a formative interview held by the reviewer (on the panel), and one still to be recorded
    recorded_interview(program_year, staff_user, interviewee=pair.mentee, interviewer=members[0])
    scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=members[0])
    leader = MOU.objects.filter(signer_person__isnull=False).first().signer_person.user
    people = {
        role: ParticipationFactory(program_year=program_year, role=role).person.user
        for role in (ProgramRole.CA, ProgramRole.MA)
    }
    return {
        "application": application,
        "applicant_app": draft,
        "pair": pair,
        "users": {
            "anonymous": None,
            "applicant": draft.applicant.user,
            "staff": staff_user,
            "reviewer": members[0],
            "coach": pair.coach.user,
            "mentee": pair.mentee.user,
            "ca": people[ProgramRole.CA],
            "ma": people[ProgramRole.MA],
            "leader": leader,
            "observer": obs.user,
            "evaluator": evaluator,
            "facilitator": facilitator,
        },
    }


def _admin_urls() -> list[str]:
    """Staff's admin pages: the index, and for each model its list (plain, and with hostile search,
    ordering, page and filter values) and one object's change page; one add page, one missing row."""
    urls = ["/admin/", "/admin/pac/person/add/", "/admin/pac/person/99999999999999999999/change/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"{base}?q=%25%27%22%F0%9F%99%82&o=99&p=99999999999&id__exact=abc"]
        pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            urls.append(f"{base}{quote(str(pk), safe='')}/change/")
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_request_is_a_server_error(
    client, program_year, staff_user, reviewer, observer, evaluator, facilitator, role, clip_file
):
    world = _world(program_year, staff_user, reviewer, observer, evaluator, facilitator, clip_file)
    client.raise_request_exception = False
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    errors: list[str] = []

    def check(method, url, payload=None):
        response = client.get(url) if method == "GET" else client.post(url, payload or {})
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {method} {url!r} {payload!r}")
        return response

    # One walk, drawn by hypothesis from a fixed seed. The walk changes the database as it goes
    # (forms are posted), so a failing example could not be replayed or shrunk: the 500s are
    # collected and reported after the walk, with the URL and payload of each.
    @settings(
        max_examples=1,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def walk(data):
        for parts, name in _site_patterns():
            template = _template(parts)
            params = re.findall(r"{(\w+)}", template)
            real = {p: data.draw(st.sampled_from(_real(name, p, world)), label=f"{name} {p}") for p in params}
            url = _fill(template, real)
            heavy = any(word in url for word in HEAVY) or any(word in name for word in HEAVY)
            if params:
                hostile = {p: data.draw(st.sampled_from(HOSTILE), label=f"{name} {p} hostile") for p in params}
                check("GET", _fill(template, hostile))
            if heavy:
                continue
            query = data.draw(st.sampled_from(["", "?year=99999999999", "?year=x", "?page=-1", "?next=//evil.example"]))
            response = check("GET", url + query)
            if role != "anonymous" and name.startswith("account_"):
                continue  # the sign-in and sign-up forms are fuzzed anonymously
            for form in _forms(response)[:3]:
                action = urljoin(url, form["action"]) if form["action"] else url
                if urlsplit(action).netloc or any(
                    bad in action for bad in ("/logout/", "/2fa/", "/email/", "/password/change/")
                ):
                    continue
                check("POST", action, _form_data(data.draw, form))
            if not _forms(response) and name and not name.startswith(NO_POST):
                check("POST", url, {"x": data.draw(FIELD_VALUE)})  # a POST nobody's page offers

    walk()
    if role == "staff":
        for url in _admin_urls():
            check("GET", url)
    else:
        check("GET", "/admin/pac/person/?q=x")  # everyone else is sent away from the admin

    assert not errors, "\n".join(errors)
