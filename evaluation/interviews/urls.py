"""Formative interview pages, included at /evaluation/interviews/ under the ``evaluation`` namespace."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.interview_list, name="interviews"),
    path("new/", views.interview_new, name="interview_new"),
    path("<int:interview_id>/", views.interview_detail, name="interview"),
    path("<int:interview_id>/record/", views.interview_record, name="interview_record"),
    path("<int:interview_id>/cancel/", views.interview_cancel, name="interview_cancel"),
]
