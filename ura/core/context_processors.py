from django.conf import settings
from django.http import HttpRequest


def ura(request: HttpRequest) -> dict[str, object]:
    return {"URA_LANGUAGES": settings.LANGUAGES, "URA_ENV": settings.URA_ENV}
