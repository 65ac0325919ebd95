from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitingConfig(AppConfig):
    name = "ura.visiting"
    verbose_name = _("Home visiting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ura.core.sections import register_section
        from ura.people.merge import PERSON_LINKS
        from ura.visiting.sections import (
            household_visiting_section,
            person_visiting_section,
        )

        # The people app must not import this one: the sections come from here.
        register_section("person", "visiting", 30, person_visiting_section)
        register_section("household", "visiting", 10, household_visiting_section)
        # A merge of two records of one person moves their enrolments to the kept one.
        for link in (
            ("visiting.enrolment", "caregiver"),
            ("visiting.enrolment", "child"),
        ):
            if link not in PERSON_LINKS:
                PERSON_LINKS.append(link)
