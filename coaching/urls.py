from django.urls import path

from . import document_views, participation_views, plan_views, views

app_name = "coaching"

urlpatterns = [
    path("pairs/<int:pk>/", views.workspace, name="workspace"),
    path("pairs/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("pairs/<int:pk>/meetings/<int:meeting_id>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("pairs/<int:pk>/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("pairs/<int:pk>/meetings/<int:meeting_id>/withdraw/", views.meeting_withdraw, name="meeting_withdraw"),
    path("pairs/<int:pk>/reports/<int:period>/", views.report_for_period, name="report_for_period"),
    path("pairs/<int:pk>/goals/new/", views.goal_edit, name="goal_new"),
    path("pairs/<int:pk>/goals/<int:goal_id>/", views.goal_edit, name="goal"),
    path("pairs/<int:pk>/plan/", views.plan, name="plan"),
    path("pairs/<int:pk>/plan/educator/", plan_views.plan_educator, name="plan_educator"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>/report.pdf", document_views.report_pdf, name="report_pdf"),
    path("reports/bundle/", document_views.coach_reports, name="coach_reports"),
    path("staff/", views.overview, name="overview"),
    path("staff/reports/", views.report_list, name="reports"),
    path("training/", views.training, name="training"),
    path("training/<int:event_id>/", views.attendance, name="attendance"),
    path("reminders/<int:reminder_id>/read/", views.reminder_read, name="reminder_read"),
    path("pairs/<int:pk>/trainings/new/", participation_views.training_recommend, name="training_recommend"),
    path(
        "pairs/<int:pk>/trainings/<int:recommendation_id>/",
        participation_views.training_outcome,
        name="training_outcome",
    ),
    path("staff/participation/", participation_views.roster, name="participation"),
]
