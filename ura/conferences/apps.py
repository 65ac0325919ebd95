from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "ura.conferences"
    verbose_name = _("Case conferences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ura.conferences.case_section import case_conferences_section
        from ura.core.sections import register_section

        # The case page lists the conferences that discussed the case, their
        # decisions on it and its open action items (the cases app must not
        # import this one, so the section is contributed from here).
        register_section("case", "conferences", 30, case_conferences_section)
