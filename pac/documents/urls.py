from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("<uuid:job_id>/", views.job_detail, name="job"),
    path("<uuid:job_id>/download/", views.job_download, name="download"),
    path("<uuid:job_id>/retry/", views.job_retry, name="retry"),
]
