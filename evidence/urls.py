from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("pairs/<int:pk>/clips/", views.clip_list, name="clips"),
    path("pairs/<int:pk>/clips/new/", views.clip_new, name="clip_new"),
    path("uploads/<int:upload_id>/", views.upload, name="upload"),
    path("uploads/<int:upload_id>/cancel/", views.upload_cancel, name="upload_cancel"),
    path("clips/<int:clip_id>/", views.clip, name="clip"),
    path("clips/<int:clip_id>/video.mp4", views.clip_video, name="clip_video"),
    path("clips/<int:clip_id>/poster.jpg", views.clip_poster, name="clip_poster"),
    path("clips/<int:clip_id>/captions.vtt", views.clip_captions, name="clip_captions"),
    path("clips/<int:clip_id>/comments/", views.comment_add, name="comment_add"),
    path("clips/<int:clip_id>/read/", views.feedback_read, name="feedback_read"),
    path("clips/<int:clip_id>/comments/<int:comment_id>/reply/", views.comment_reply, name="comment_reply"),
    path("clips/<int:clip_id>/comments/<int:comment_id>/withdraw/", views.comment_withdraw, name="comment_withdraw"),
    path("clips/<int:clip_id>/observation/", views.observation, name="observation"),
    path("clips/<int:clip_id>/observation/meeting/", views.observation_meeting, name="observation_meeting"),
    path("clips/<int:clip_id>/goal/", views.goal_from_feedback, name="goal_from_feedback"),
    path("clips/<int:clip_id>/goal-note/", views.goal_note_from_feedback, name="goal_note_from_feedback"),
    path("clips/<int:clip_id>/return/", views.clip_return, name="clip_return"),
    path("clips/<int:clip_id>/share/", views.clip_share, name="clip_share"),
    path("clips/<int:clip_id>/retry/", views.clip_retry, name="clip_retry"),
    path("clips/<int:clip_id>/library/consent/", views.library_consent, name="library_consent"),
    path("clips/<int:clip_id>/library/promote/", views.library_promote, name="library_promote"),
    path("library/", views.library, name="library"),
    path("staff/", views.staff_clips, name="staff"),
]
