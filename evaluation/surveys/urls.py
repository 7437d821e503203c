"""Survey pages, included at /evaluation/surveys/ under the ``evaluation`` namespace."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.survey_rounds, name="survey_rounds"),
    path("send/", views.survey_send, name="survey_send"),
    path("rounds/<int:pk>/", views.survey_round, name="survey_round"),
    path("rounds/<int:pk>/remind/", views.survey_remind, name="survey_remind"),
    path("coaches/<int:coach_id>/results/", views.survey_results, name="survey_results"),
    path("answer/<int:pk>/", views.survey_answer, name="survey_answer"),
    path("respond/<str:token>/", views.survey_respond, name="survey_respond"),
]
