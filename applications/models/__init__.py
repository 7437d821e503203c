from .application import (
    MOU,
    Application,
    ApplicationEvent,
    MOUTemplate,
    Recommendation,
    ScreeningCheck,
    Stage,
    YesNoNA,
    mou_open_q,
    ready_to_pair_q,
)
from .review import Committee, CommitteeMember, Criterion, InterviewSlot, ReviewAssignment, Rubric, Score, Tier

__all__ = [
    "MOU",
    "Application",
    "ApplicationEvent",
    "Committee",
    "CommitteeMember",
    "Criterion",
    "InterviewSlot",
    "MOUTemplate",
    "Recommendation",
    "ReviewAssignment",
    "Rubric",
    "Score",
    "ScreeningCheck",
    "Stage",
    "Tier",
    "YesNoNA",
    "mou_open_q",
    "ready_to_pair_q",
]
