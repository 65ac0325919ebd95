from django.http import HttpRequest

from ura.access.rules import permissions_of, roles_of


def access(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may": frozenset(), "my_roles": frozenset()}
    return {"may": {str(p) for p in permissions_of(user)}, "my_roles": roles_of(user)}
