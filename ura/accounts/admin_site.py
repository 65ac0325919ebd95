from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


class UraAdminSite(admin.AdminSite):
    """The administration area: open to the administrator role, through ura.access."""

    site_header = _("Ura administration")
    site_title = _("Ura administration")
    index_title = _("Places, agencies and users")

    def has_permission(self, request: HttpRequest) -> bool:
        from ura.access.rules import Permission, may

        return request.user.is_active and may(request.user, Permission.ADMINISTER)

    def login(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # One sign-in page for everything, with its lockout and two-factor steps.
        if request.user.is_authenticated:
            return redirect("workspace:home")
        return redirect(f"/accounts/login/?next={request.path}")
