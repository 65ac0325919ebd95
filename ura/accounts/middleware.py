import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "_ura_signed_in_at"


class SessionLimitsMiddleware:
    """Ends a session 12 hours after sign-in whatever the activity (ASVS 7.3.2).

    The 30-minute idle limit is the session cookie age, renewed on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            limit = settings.URA_SESSION_ABSOLUTE_SECONDS
            if started is None or time.time() - started > limit:
                logout(request)
                messages.info(request, _("Your session ended. Please sign in again."))
                return redirect("accounts:login")
        return self.get_response(request)


class UserLanguageMiddleware:
    """The language a signed-in user chose wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        if not language:
            return self.get_response(request)
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is put back afterwards, so
        # it cannot leak into whatever this thread runs next.
        with translation.override(language):
            return self.get_response(request)


# Paths a signed-in user may reach before finishing two-factor set-up.
TWO_FACTOR_OPEN_PREFIXES = ("/static/", "/healthz", "/api/")


class TwoFactorRequiredMiddleware:
    """Where the deployment requires it, a user whose roles show names must have
    completed a TOTP step in this session before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._needs_second_factor(request):
            if request.headers.get("HX-Request"):
                return JsonResponse(
                    {"detail": _("Two-factor sign-in needed.")}, status=403
                )
            return redirect("accounts:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        if not settings.URA_REQUIRE_2FA or not request.user.is_authenticated:
            return False
        if request.path.startswith(TWO_FACTOR_OPEN_PREFIXES):
            return False
        open_paths = {
            reverse("accounts:two_factor_setup"),
            reverse("accounts:logout"),
            reverse("accounts:language"),
        }
        if request.path in open_paths:
            return False
        from ura.access.rules import sees_names

        return sees_names(request.user) and not request.user.is_verified()
