from django.urls import path

from . import participation_views, views

app_name = "pairings"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("staff/", views.suggest, name="suggest"),
    # the suggestion page's steps: one form each, POST only, each back to the page
    path("staff/lock/", views.suggest_lock, name="suggest_lock"),
    path("staff/pair-by-hand/", views.suggest_pair_by_hand, name="suggest_pair_by_hand"),
    path("staff/unlock/", views.suggest_unlock, name="suggest_unlock"),
    path("staff/waive-region/", views.suggest_waive, name="suggest_waive"),
    path("staff/confirm/", views.suggest_confirm, name="suggest_confirm"),
    path("staff/targets/", views.targets, name="targets"),
    path("staff/pairs/", views.pair_list, name="list"),
    path("pairs/<int:pk>/", views.pair_detail, name="detail"),
    path("confidentiality/", participation_views.confidentiality, name="confidentiality"),
]
