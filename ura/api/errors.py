"""Errors as JSON with a message per field, in the user's language."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

# pydantic error types mapped to messages the catalogue translates.
PYDANTIC_MESSAGES = {
    "missing": lambda: _("This field is required."),
    "string_too_long": lambda: _("This value is too long."),
    "string_too_short": lambda: _("This value is too short."),
    "date_from_datetime_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "bool_parsing": lambda: _("Enter true or false."),
    "decimal_parsing": lambda: _("Enter a number."),
    "decimal_type": lambda: _("Enter a number."),
    "enum": lambda: _("Choose one of the allowed values."),
    "literal_error": lambda: _("Choose one of the allowed values."),
    "json_invalid": lambda: _("The request body is not valid JSON."),
    "extra_forbidden": lambda: _("This field is not accepted."),
}


def field_errors(errors: list[dict]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "payload", "query", "path")
        ]
        name = ".".join(loc) or "__all__"
        message = PYDANTIC_MESSAGES.get(
            error.get("type", ""), lambda: _("Enter a valid value.")
        )()
        result.setdefault(name, []).append(message)
    return result


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request,
            {
                "message": _("Some fields are not valid."),
                "errors": field_errors(exc.errors),
            },
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"message": _("Sign-in needed: send a valid API token.")},
            status=401,
        )

    @api.exception_handler(Http404)
    def on_missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        from ura.core.errors import _record_refusal

        _record_refusal(request, 404)
        return api.create_response(request, {"message": _("Not found.")}, status=404)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, {"message": str(exc)}, status=exc.status_code
        )


def install_permission_handler(api: NinjaAPI) -> None:
    from django.core.exceptions import PermissionDenied

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        from ura.core.errors import _record_refusal

        _record_refusal(request, 403)
        return api.create_response(
            request, {"message": _("Your role does not allow this.")}, status=403
        )


class FieldErrors(Exception):
    """Errors found after parsing (an unknown code, a model rule)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("field errors")
        self.errors = errors

    @classmethod
    def from_validation(cls, exc: "DjangoValidationError") -> "FieldErrors":
        if hasattr(exc, "error_dict"):
            return cls({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        return cls({"__all__": [str(m) for m in exc.messages]})


def install_field_error_handler(api: NinjaAPI) -> None:
    @api.exception_handler(FieldErrors)
    def on_field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
        return api.create_response(
            request,
            {"message": _("Some fields are not valid."), "errors": exc.errors},
            status=422,
        )
