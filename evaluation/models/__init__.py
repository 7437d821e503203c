"""Evaluation models: CLASS observations and reference figures, surveys about coaches, formative
interviews, and the six-month coach review."""

from .interviews import FormativeInterview, InterviewAnswer, InterviewProtocol, InterviewQuestion
from .observations import (
    Cycle,
    CycleScore,
    Dimension,
    DimensionResult,
    Domain,
    DomainResult,
    Instrument,
    Observation,
    ObserverCertificate,
    PrePostCycle,
    ReferenceFigure,
    ScheduledObservation,
)
from .reviews import CoachReview, PanelRecommendation, Recommendation, ReviewOutcome
from .surveys import Answer, Audience, Invitation, Question, Response, Survey, SurveyRound

__all__ = [
    "Answer",
    "Audience",
    "CoachReview",
    "Cycle",
    "CycleScore",
    "Dimension",
    "DimensionResult",
    "Domain",
    "DomainResult",
    "FormativeInterview",
    "Instrument",
    "InterviewAnswer",
    "InterviewProtocol",
    "InterviewQuestion",
    "Invitation",
    "Observation",
    "ObserverCertificate",
    "PanelRecommendation",
    "PrePostCycle",
    "Question",
    "Recommendation",
    "ReferenceFigure",
    "Response",
    "ReviewOutcome",
    "ScheduledObservation",
    "Survey",
    "SurveyRound",
]
