from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "ura.accounts"
    label = "accounts"
    verbose_name = _("Accounts and agencies")

    def ready(self) -> None:
        from ura.accounts import signals  # noqa: F401 - sign-in audit receivers


class UraAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "ura.accounts.admin_site.UraAdminSite"
