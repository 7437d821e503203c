from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("stipend/", views.my_stipend, name="my_stipend"),
    path("staff/stipends/", views.stipends, name="stipends"),
]
