from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "ura.services"
    verbose_name = _("Services delivered, outreach and trainings")
    default_auto_field = "django.db.models.BigAutoField"
