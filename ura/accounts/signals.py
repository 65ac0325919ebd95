"""Sign-in events go to the audit log; a session remembers when it began."""

import time

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from ura.accounts.middleware import SESSION_STARTED_KEY
from ura.audit.actions import record
from ura.audit.models import AuditAction


@receiver(user_logged_in)
def on_signed_in(sender, request, user, **kwargs) -> None:  # noqa: ANN001
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = time.time()
    record(actor=user, action=AuditAction.SIGN_IN, obj=user, request=request)


@receiver(user_logged_out)
def on_signed_out(sender, request, user, **kwargs) -> None:  # noqa: ANN001
    if user is not None:
        record(actor=user, action=AuditAction.SIGN_OUT, obj=user, request=request)


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:  # noqa: ANN001
    # The user name typed is not kept: it is sometimes a password in the wrong box.
    record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="accounts.user",
        request=request,
        outcome="failed",
    )
