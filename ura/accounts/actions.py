"""Writes for accounts: language choice, two-factor devices and API tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ura.accounts.models import ApiToken, User, token_digest
from ura.audit.actions import record
from ura.audit.models import AuditAction

TOKEN_PREFIX_LENGTH = 8


def user_language_set(*, actor: User, language: str) -> None:
    actor.language = language
    actor.save(update_fields=["language"])


def totp_device_pending(*, actor: User) -> TOTPDevice:
    """The unconfirmed device a user is setting up (made once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="default", confirmed=False)
    return device


def totp_device_confirm(
    *, actor: User, device: TOTPDevice, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        record(
            actor=actor,
            action=AuditAction.TWO_FACTOR,
            obj=actor,
            detail="authenticator set up",
            request=request,
        )


def api_token_create(
    *, actor: User, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its digest is kept."""
    secret = "ura_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[:TOKEN_PREFIX_LENGTH],
            digest=token_digest(secret),
            expires_at=timezone.now() + timedelta(days=settings.URA_API_TOKEN_DAYS),
        )
        record(
            actor=actor,
            action=AuditAction.TOKEN,
            object_type="accounts.apitoken",
            object_id=token.pk,
            detail="created",
            request=request,
        )
    return token, secret


def api_token_revoke(
    *, actor: User, token: ApiToken, request: HttpRequest | None = None
) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action=AuditAction.TOKEN,
            object_type="accounts.apitoken",
            object_id=token.pk,
            detail="revoked",
            request=request,
        )


def api_token_user(secret: str) -> User | None:
    """The active user behind a bearer token, or None. Marks the token as used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Written at most once a minute so a busy client does not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def password_change(
    *, actor: User, form: "PasswordChangeForm", request: HttpRequest
) -> None:
    with transaction.atomic():
        form.save()
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=actor,
            fields=["password"],
            detail="password changed",
            request=request,
        )
