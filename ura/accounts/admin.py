from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from ura.accounts.models import Agency, ApiToken, Membership, Team, User
from ura.core.admin import AdministratorOnly


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["agency"]

    def has_view_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return True

    has_add_permission = has_change_permission = has_delete_permission = (
        has_view_permission
    )


@admin.register(User)
class UserAdmin(AdministratorOnly, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role", "memberships__agency"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("", {"fields": ("first_name", "last_name", "email", "language")}),
        ("", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Agency)
class AgencyAdmin(AdministratorOnly):
    list_display = ["name", "type", "place", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["place", "places_covered"]


@admin.register(Team)
class TeamAdmin(AdministratorOnly):
    list_display = ["name", "agency", "supervisor"]
    autocomplete_fields = ["agency", "supervisor", "members"]
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorOnly):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
