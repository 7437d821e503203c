from django.urls import path

from . import participation_views, views

app_name = "pairings"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("staff/", views.suggest, name="suggest"),
    path("staff/targets/", views.targets, name="targets"),
    path("staff/pairs/", views.pair_list, name="list"),
    path("pairs/<int:pk>/", views.pair_detail, name="detail"),
    path("confidentiality/", participation_views.confidentiality, name="confidentiality"),
]
