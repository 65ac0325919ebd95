from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    name = "ura.justice"
    verbose_name = _("Justice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ura.core.sections import register_section
        from ura.justice.section import case_justice_section

        # After the case's own parts, before its history.
        register_section("case", "justice", 40, case_justice_section)
