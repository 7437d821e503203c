"""Six-month coach reviews, included at /evaluation/reviews/ under the ``evaluation`` namespace."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.review_list, name="reviews"),
    path("<int:pk>/", views.review_detail, name="review"),
]
