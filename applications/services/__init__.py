"""Writes and workflow transitions for applications. One function per step: each checks the
step is allowed, does it in a transaction, records who and when, and queues its emails to be
sent once the transaction commits. Views and other apps import from here."""

from .applicants import (
    application_check_editable,
    application_reopen,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    person_for_user,
)
from .common import (
    COMPONENT_STAGES,
    REVIEWERS_PER_APPLICATION,
    application_url,
)
from .components import (
    mou_decline,
    mou_for_token,
    mou_render,
    mou_request,
    mou_send,
    mou_sign,
    mou_template_for,
    mou_waive,
    mous_waiting_for,
    recommendation_add,
    recommendation_cancel,
    recommendation_for_token,
    recommendation_receive,
    recommendation_send,
)
from .decisions import DECISIONS, application_decide, applications_decide_bulk
from .interviews import application_advance_to_interview, application_skip_interview, slot_book
from .renewals import application_renew, renewal_for
from .review import (
    assignment_add,
    assignment_declare_conflict,
    assignment_remove,
    assignment_submit,
    assignments_fill,
    assignments_fill_all,
    reviews_remind,
    rubric_for,
    score_save,
    tier2_complete,
)
from .tier1 import application_screen, screening_facts, screening_override

__all__ = [
    "COMPONENT_STAGES",
    "DECISIONS",
    "REVIEWERS_PER_APPLICATION",
    "application_advance_to_interview",
    "application_check_editable",
    "application_decide",
    "application_renew",
    "application_reopen",
    "application_screen",
    "application_skip_interview",
    "application_start",
    "application_submit",
    "application_update",
    "application_url",
    "application_withdraw",
    "applications_decide_bulk",
    "assignment_add",
    "assignment_declare_conflict",
    "assignment_remove",
    "assignment_submit",
    "assignments_fill",
    "assignments_fill_all",
    "mou_decline",
    "mou_for_token",
    "mou_render",
    "mou_request",
    "mou_send",
    "mou_sign",
    "mou_template_for",
    "mou_waive",
    "mous_waiting_for",
    "person_for_user",
    "recommendation_add",
    "recommendation_cancel",
    "recommendation_for_token",
    "recommendation_receive",
    "recommendation_send",
    "renewal_for",
    "reviews_remind",
    "rubric_for",
    "score_save",
    "screening_facts",
    "screening_override",
    "slot_book",
    "tier2_complete",
]
