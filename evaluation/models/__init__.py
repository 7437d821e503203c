"""Evaluation models: CLASS observations and reference figures, surveys about coaches, and the
six-month coach review."""

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
from .reviews import CoachReview, PanelRecommendation, Recommendation
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
    "Instrument",
    "Invitation",
    "Observation",
    "ObserverCertificate",
    "PanelRecommendation",
    "PrePostCycle",
    "Question",
    "Recommendation",
    "ReferenceFigure",
    "Response",
    "ScheduledObservation",
    "Survey",
    "SurveyRound",
]
