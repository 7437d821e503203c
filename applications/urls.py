from django.urls import path

from .views import applicant, documents, interview_calendar, links, review, staff

app_name = "applications"

urlpatterns = [
    # emailed links, answered without an account (recommenders, MOU signers)
    path("r/<str:token>/", links.recommend, name="recommend"),
    path("m/<str:token>/", links.mou_sign, name="mou_sign"),
    # applicants
    path("", applicant.mine, name="mine"),
    path("start/<str:role>/", applicant.start, name="start"),
    path("mous/", links.mou_waiting, name="mou_waiting"),
    path("mous/<int:pk>/", links.mou_sign_mine, name="mou_sign_mine"),
    path("mous/<int:pk>/pdf/", documents.mou_pdf, name="mou_pdf"),
    path("reviews/", review.reviews, name="reviews"),
    path("reviews/<int:pk>/", review.review, name="review"),
    path("reviews/<int:pk>/score/<int:criterion_id>/", review.review_score, name="review_score"),
    path("reviews/<int:pk>/submit/", review.review_submit, name="review_submit"),
    path("reviews/committees/<int:pk>/packets/", documents.committee_bundle, name="committee_bundle"),
    # staff
    path("staff/", staff.pipeline, name="pipeline"),
    path("staff/applications/", staff.application_list, name="staff_list"),
    path("staff/progress/", staff.progress, name="progress"),
    path("staff/assign/", staff.assign_all, name="assign_all"),
    path("staff/results/", staff.results, name="results"),
    path("staff/interviews/", staff.interviews, name="interviews"),
    path("staff/interviews/<int:slot_id>/cancel/", interview_calendar.slot_cancel, name="interview_cancel"),
    path("staff/decisions/", staff.decisions, name="decisions"),
    path("staff/<str:reference>/", staff.detail, name="staff_detail"),
    path("staff/<str:reference>/checks/<int:check_id>/override/", staff.override, name="staff_override"),
    path("staff/<str:reference>/mou/waive/", staff.waive_mou, name="staff_waive_mou"),
    path("staff/<str:reference>/reopen/", staff.reopen, name="staff_reopen"),
    path("staff/<str:reference>/<str:kind>/<int:pk>/resend/", staff.resend, name="staff_resend"),
    path("staff/<str:reference>/reviewers/", staff.assignment_add, name="staff_assign"),
    path("staff/<str:reference>/reviewers/<int:pk>/remove/", staff.assignment_remove, name="staff_unassign"),
    path("staff/<str:reference>/advance/", staff.advance, name="staff_advance"),
    path("staff/<str:reference>/skip-interview/", staff.skip_interview, name="staff_skip_interview"),
    path("staff/<str:reference>/decide/", staff.decide, name="staff_decide"),
    # one application (the applicant's own pages)
    path("<str:reference>/", applicant.detail, name="detail"),
    path("<str:reference>/edit/", applicant.edit, name="edit"),
    path("<str:reference>/submit/", applicant.submit, name="submit"),
    path("<str:reference>/withdraw/", applicant.withdraw, name="withdraw"),
    path("<str:reference>/recommenders/", applicant.recommender_add, name="recommender_add"),
    path("<str:reference>/recommenders/<int:pk>/resend/", applicant.recommender_resend, name="recommender_resend"),
    path("<str:reference>/recommenders/<int:pk>/remove/", applicant.recommender_cancel, name="recommender_cancel"),
    path("<str:reference>/mou/", applicant.mou_request, name="mou_request"),
    path("<str:reference>/mou/<int:pk>/resend/", applicant.mou_resend, name="mou_resend"),
    path("<str:reference>/resume/", applicant.resume, name="resume"),
    path("<str:reference>/packet/", documents.packet_pdf, name="packet_pdf"),
    path("<str:reference>/audit-bundle/", documents.audit_bundle, name="audit_bundle"),
    path("<str:reference>/letters/<int:pk>/", review.letter, name="letter"),
    path("<str:reference>/interview/", applicant.interview_pick, name="interview_pick"),
]
