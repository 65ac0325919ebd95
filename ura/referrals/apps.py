from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "ura.referrals"
    verbose_name = _("Referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ura.core.sections import register_section
        from ura.people.merge import PERSON_LINKS
        from ura.referrals.sections import (
            case_referrals_section,
            person_referrals_section,
        )

        # The cases and people apps must not import this one: the sections are
        # contributed from here.
        register_section("case", "referrals", 40, case_referrals_section)
        register_section("person", "referrals", 20, person_referrals_section)
        # A merge of two records of one child moves their referrals to the kept one.
        if ("referrals.referral", "person") not in PERSON_LINKS:
            PERSON_LINKS.append(("referrals.referral", "person"))
