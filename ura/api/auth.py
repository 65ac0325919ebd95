from django.http import HttpRequest
from ninja.security import HttpBearer

from ura.accounts.actions import api_token_user


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; the request's user becomes the token's."""

    def authenticate(self, request: HttpRequest, token: str):  # noqa: ANN201
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        request.api_token = token  # type: ignore[attr-defined]
        return user
