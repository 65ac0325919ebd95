from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from ura.access.rules import permissions_of, roles_of, sees_names
from ura.accounts import actions
from ura.accounts.models import ApiToken, token_digest
from ura.audit.actions import record
from ura.audit.models import AuditAction

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=200)
    otp: str | None = Field(
        default=None, max_length=6, description="TOTP code, where required"
    )
    name: str = Field(default="API", max_length=100)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class MessageOut(Schema):
    message: str


class MeOut(Schema):
    username: str
    roles: list[str]
    permissions: list[str]
    language: str


@router.post(
    "/token", auth=None, response={201: TokenOut, 401: MessageOut, 429: MessageOut}
)
def token_create(request: HttpRequest, payload: TokenIn):  # noqa: ANN201
    """Exchange user name, password and (where required) a TOTP code for a token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"message": _("Too many failed attempts. Try again later.")})
    if user is None:
        return Status(401, {"message": _("The user name or password is not right.")})
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and settings.URA_REQUIRE_2FA and sees_names(user):
        raise HttpError(403, _("Set up two-factor sign-in in Ura first."))
    if device is not None and not (payload.otp and device.verify_token(payload.otp)):
        record(
            actor=None,
            action=AuditAction.TWO_FACTOR,
            object_type="accounts.user",
            object_id=user.pk,
            detail="wrong code (API)",
            request=request,
            outcome="failed",
        )
        return Status(
            401, {"message": _("The code is missing, not right, or already used.")}
        )
    token, secret = actions.api_token_create(
        actor=user, name=payload.name, request=request
    )
    return Status(201, {"token": secret, "expires_at": token.expires_at})


@router.delete("/token", response={204: None})
def token_revoke(request: HttpRequest):  # noqa: ANN201
    """Revoke the token this request was made with."""
    token = ApiToken.objects.get(digest=token_digest(request.api_token))
    actions.api_token_revoke(actor=request.user, token=token, request=request)
    return Status(204, None)


@router.get("/me", response=MeOut)
def me(request: HttpRequest):  # noqa: ANN201
    user = request.user
    return {
        "username": user.get_username(),
        "roles": sorted(roles_of(user)),
        "permissions": sorted(str(p) for p in permissions_of(user)),
        "language": user.language or settings.LANGUAGE_CODE,
    }
