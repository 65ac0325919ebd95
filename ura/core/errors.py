"""Error pages in the user's language, without tracebacks, SQL or setting names."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _record_refusal(request: HttpRequest, status: int) -> None:
    """A signed-in user who asked for something out of reach is on the record: the
    path holds ids only, never names."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    from ura.audit.actions import record
    from ura.audit.models import AuditAction

    record(
        actor=user,
        action=AuditAction.DENIED,
        detail=f"{status} {request.method} {request.path}",
        request=request,
        outcome=str(status),
    )


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if status in (403, 404):
        _record_refusal(request, status)
    context = {
        "status": status,
        "title": title,
        "text": text,
        "request_id": getattr(request, "request_id", ""),
    }
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"message": text}, status=status)
    return render(request, "core/error.html", context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Not found"),
        _("There is nothing here, or it is not shared with you."),
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Not allowed"), _("Your role does not allow this."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Something went wrong"),
        _(
            "Nothing was saved. Try again; if it happens again, tell your "
            "administrator."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("The form has expired"),
        _(
            "The page was open too long or was sent from elsewhere, so nothing was "
            "saved. Go back, reload the page and send it again."
        ),
    )
