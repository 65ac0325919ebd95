"""Deployment checks that Django's own ``check --deploy`` does not make."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register()
def ura_data_keys_check(app_configs, **kwargs):  # noqa: ANN001, ANN201
    """The keys that encrypt notes and documents must be usable before anything
    is written with them."""
    from ura.core.crypto import parse_keys

    try:
        parse_keys(settings.URA_DATA_KEYS)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="ura.E001")]
    return []


@register(Tags.security, deploy=True)
def ura_deploy_checks(app_configs, **kwargs):  # noqa: ANN001, ANN201
    problems = []
    hashers = settings.PASSWORD_HASHERS
    if not hashers or "Argon2" not in hashers[0]:
        problems.append(
            Warning("Argon2 must be the first password hasher.", id="ura.W001")
        )
    if settings.SESSION_ENGINE.endswith("signed_cookies"):
        problems.append(Warning("Sessions must be kept on the server.", id="ura.W002"))
    if settings.SESSION_COOKIE_AGE > 30 * 60 or not settings.SESSION_SAVE_EVERY_REQUEST:
        problems.append(
            Warning("Sessions must end after 30 idle minutes.", id="ura.W003")
        )
    if not settings.URA_REQUIRE_2FA:
        problems.append(
            Warning(
                "Two-factor sign-in must be required in production (URA_REQUIRE_2FA).",
                id="ura.W004",
            )
        )
    return problems
