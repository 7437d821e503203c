from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import requires_two_factor

# Pages a person who must enrol can still reach: sign-in, sign-out, the enrolment pages
# themselves (under /accounts/), static files and the health check.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class StaffTwoFactorMiddleware:
    """EEC staff (and any group in PAC_MFA_REQUIRED_GROUPS) must enrol in TOTP two-factor
    authentication before reaching any other page. allauth then asks for the code at every
    sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and requires_two_factor(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                "Staff accounts must use two-factor sign-in. Set up an authenticator app to continue.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
