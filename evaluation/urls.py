from django.urls import include, path

from . import documents, export_views, pair_report, review_views, views
from .interviews import urls as interview_urls
from .surveys import urls as survey_urls

app_name = "evaluation"

urlpatterns = [
    path("observations/", views.observation_list, name="observations"),
    path("observations/new/", views.observation_new, name="observation_new"),
    path("observations/new/<int:pk>/<str:time_point>/", views.observation_record, name="observation_record"),
    path("pairs/<int:pk>/cycle/", views.pre_post_cycle, name="pre_post_cycle"),
    path("observations/<int:pk>/", views.observation_detail, name="observation"),
    path("schedule/", views.schedule, name="schedule"),
    path("pairs/<int:pk>/growth/", views.pair_growth, name="pair_growth"),
    path("pairs/<int:pk>/growth.svg", views.pair_growth_chart, name="pair_growth_chart"),
    path("pairs/<int:pk>/progress.pdf", pair_report.pair_progress_pdf, name="pair_progress_pdf"),
    path("analytics/", views.cohort, name="cohort"),
    path("analytics/chart.svg", views.cohort_chart, name="cohort_chart"),
    path("charts/<str:token>.svg", views.cached_chart, name="cached_chart"),
    path("analytics/report/", documents.cohort_report_request, name="cohort_report"),
    path("data/", export_views.exports, name="exports"),
    path("data/<slug:slug>.<str:fmt>", export_views.export, name="export"),
    path("coach-reviews/", review_views.review_list, name="coach_reviews"),
    path("coach-reviews/open/", review_views.reviews_open_now, name="coach_reviews_open"),
    path("coach-reviews/<int:pk>/", review_views.review_detail, name="coach_review"),
    path("coach-reviews/second-year/", review_views.second_year_list, name="second_year"),
    path("coach-reviews/second-year/carry-out/", review_views.second_year_carry_out, name="second_year_carry_out"),
    path("surveys/", include(survey_urls.urlpatterns)),
    path("interviews/", include(interview_urls.urlpatterns)),
]
