"""PAC's URLs plus the benchmark's two bare views (pac.settings.benchmark only, never production).

A bare view returns "ok" and nothing else: anonymously, it is the framework's floor on the machine;
behind a staff session it adds what signing in costs on every request (session, user, two-factor
check) before any page code runs."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from pac.urls import urlpatterns as pac_urlpatterns


@login_not_required
def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def ok_signed_in(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok", ok, name="bench_ok"),
    path("bench/ok-signed-in", ok_signed_in, name="bench_ok_signed_in"),
    *pac_urlpatterns,
]
