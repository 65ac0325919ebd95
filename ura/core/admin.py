from django.contrib import admin
from django.http import HttpRequest


class AdministratorOnly(admin.ModelAdmin):
    """Administrators manage configuration through ura.access, not Django's perms."""

    def _administers(self, request: HttpRequest) -> bool:
        from ura.access.rules import Permission, may

        return may(request.user, Permission.ADMINISTER)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administers(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)
