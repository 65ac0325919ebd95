"""Sign-in (password, then the authenticator code), sign-out, language, API tokens."""

import base64
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ura.accounts import actions
from ura.accounts.forms import CodeForm, LanguageForm, SignInForm, TokenForm
from ura.accounts.models import ApiToken
from ura.audit.actions import record
from ura.audit.models import AuditAction

PENDING_KEY = "_ura_pending_second_factor"
PENDING_SECONDS = 5 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, fallback: str = "workspace:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("workspace:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            # One message whether the name exists or not, so it reveals nothing.
            form.add_error(None, _("The user name or password is not right."))
        elif device := TOTPDevice.objects.filter(user=user, confirmed=True).first():
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "device": device.pk,
                "at": time.time(),
                "next": _safe_next(request),
            }
            return redirect("accounts:two_factor")
        else:
            login(request, user, backend=MODEL_BACKEND)
            return redirect(_safe_next(request))
    return render(request, "accounts/sign_in.html", {"form": form}, status=200)


def locked_out(
    request: HttpRequest, response: HttpResponse, credentials: dict
) -> HttpResponse:  # noqa: E501
    """django-axes calls this when a (user name, address) pair is locked out.

    The same page for real and made-up user names; the lock lifts by itself.
    """
    message = _(
        "Too many failed attempts. Wait %(minutes)d minutes, then try again."
    ) % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    context = {"form": SignInForm(), "lockout": message}
    return render(request, "accounts/sign_in.html", context, status=429)


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    device = get_object_or_404(
        TOTPDevice, pk=pending["device"], user_id=pending["user"], confirmed=True
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token refuses a code already used (last_t) and slows down guessing.
        if device.verify_token(form.cleaned_data["code"]):
            user = device.user
            login(request, user, backend=MODEL_BACKEND)
            otp_login(request, device)
            return redirect(pending["next"])
        record(
            actor=None,
            action=AuditAction.TWO_FACTOR,
            object_type="accounts.user",
            object_id=pending["user"],
            detail="wrong code",
            request=request,
            outcome="failed",
        )
        form.add_error("code", _("That code is not right or was already used."))
    return render(request, "accounts/two_factor.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = actions.totp_device_pending(actor=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            actions.totp_device_confirm(
                actor=request.user, device=device, request=request
            )
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect("workspace:home")
        form.add_error("code", _("That code is not right or was already used."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_data_uri(scale=4),
        "secret": base64.b32encode(device.bin_key).decode(),
        "has_device": TOTPDevice.objects.filter(
            user=request.user, confirmed=True
        ).exists(),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    response = redirect(_safe_next(request))
    if form.is_valid():
        code = form.cleaned_data["language"]
        if request.user.is_authenticated:
            actions.user_language_set(actor=request.user, language=code)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = actions.api_token_create(
            actor=request.user, name=form.cleaned_data["name"], request=request
        )
        form = TokenForm()
    context = {
        "form": form,
        "new_secret": new_secret,
        "tokens": ApiToken.objects.filter(user=request.user)[:50],
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.api_token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:tokens")


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.password_change(actor=request.user, form=form, request=request)
        # Keep this session; every other session of the user ends with the old hash.
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect("workspace:home")
    return render(request, "accounts/password_change.html", {"form": form})
