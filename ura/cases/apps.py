from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "ura.cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ura.cases.documents import rotate_documents
        from ura.cases.person_section import person_cases_section
        from ura.cases.record_views import case_records_section
        from ura.cases.transfer_queries import case_transfer_section
        from ura.cases.work_queries import case_work_section
        from ura.core.crypto import register_rotation
        from ura.core.sections import register_section
        from ura.people.merge import PERSON_LINKS

        register_section("person", "cases", 10, person_cases_section)
        register_section("case", "transfer", 80, case_transfer_section)
        # Assessments, the plan, reviews and approvals: the cycle itself.
        register_section("case", "work", 10, case_work_section)
        # Notes, documents and consent: the case's own parts, first after its summary.
        register_section("case", "records", 20, case_records_section)
        # `ura rotate-keys` re-encrypts the stored documents too.
        register_rotation("cases.casedocument", rotate_documents)

        # A merge of two records of one child moves their cases to the kept one.
        for link in (
            ("cases.case", "person"),
            ("cases.planaction", "responsible_person"),
        ):
            if link not in PERSON_LINKS:
                PERSON_LINKS.append(link)
