from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import calendar_views, views


@login_not_required
def admin_login(request, extra_context=None):
    """The admin signs in through allauth, so its rate limits and two-factor step apply.
    A signed-in person who is not staff is told so rather than asked to sign in again."""
    if request.user.is_authenticated:
        raise PermissionDenied("The staff admin is for EEC staff only.")
    next_url = request.GET.get("next", "/admin/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/admin/"
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


@login_not_required
def favicon(request):
    """Pages that do not link PAC's icon (the admin, files opened in the browser) make the
    browser ask for /favicon.ico; a 404 there is an error in the console."""
    return redirect(static("pac/favicon.svg"), permanent=True)


admin.site.login = admin_login
admin.site.site_header = "PAC staff admin"
admin.site.site_title = "PAC staff admin"
admin.site.index_title = "Peer Assistance and Coaching"

app_patterns = (
    [
        path("", views.home, name="home"),
        path("my-work/", views.my_work, name="my_work"),
        path("profile/", views.profile, name="profile"),
        path("calendar/", calendar_views.calendar_page, name="calendar"),
        path("calendar/new/", calendar_views.calendar_new, name="calendar_new"),
        path("calendar/stop/", calendar_views.calendar_stop, name="calendar_stop"),
        path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    ],
    "pac",
)

urlpatterns = [
    path("", include(app_patterns)),
    path("applications/", include("applications.urls")),
    path("pairings/", include("pairings.urls")),
    path("coaching/", include("coaching.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("evidence/", include("evidence.urls")),
    path("funding/", include("funding.urls")),
    path("documents/", include("pac.documents.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
