"""The JSON API under /api/v1/: one NinjaAPI, each app contributes a router."""

from ninja import NinjaAPI

from ura.accounts.api import router as auth_router
from ura.api.auth import BearerToken
from ura.api.errors import (
    install_error_handlers,
    install_field_error_handler,
    install_permission_handler,
)
from ura.cases.api import router as cases_router
from ura.cases.record_api import router as case_records_router
from ura.cases.work_api import router as case_work_router
from ura.conferences.api import router as conferences_router
from ura.directory.api import router as directory_router
from ura.justice.api import router as justice_router
from ura.people.api import router as people_router
from ura.people.household_api import router as household_router
from ura.referrals.api import router as referrals_router
from ura.services.delivery_api import router as delivery_router
from ura.services.outreach_api import router as outreach_router
from ura.services.reach_api import router as reach_router
from ura.services.training_api import router as training_router
from ura.statistics.api import router as statistics_router
from ura.visiting.api import router as visiting_router
from ura.visiting.visit_api import router as visiting_visit_router
from ura.visiting.worklist_api import router as visiting_worklist_router

api = NinjaAPI(
    title="Ura API",
    version="1",
    description="Child protection and social inclusion records. Every call goes "
    "through the same access rules as the pages.",
    auth=BearerToken(),
    urls_namespace="api",
    # The interactive docs page loads Swagger UI from a CDN, which a closed LAN cannot
    # reach; the OpenAPI document itself is served at /api/v1/openapi.json.
    docs_url=None,
)
install_error_handlers(api)
install_permission_handler(api)
install_field_error_handler(api)
api.add_router("/auth", auth_router)
api.add_router("/people", people_router)
api.add_router("/households", household_router)
api.add_router("/statistics", statistics_router)
api.add_router("/cases", cases_router)
# The work on a case (assessments, plan, approvals, ...): distinct paths, same prefix.
api.add_router("/cases", case_work_router)
# Notes, documents and consent of a case (ura.cases.record_api).
api.add_router("/cases", case_records_router)
api.add_router("/justice", justice_router)
api.add_router("/conferences", conferences_router)
api.add_router("/directory", directory_router)
api.add_router("/referrals", referrals_router)
# Enrolments, sessions and attendance (ura.services.delivery_api).
api.add_router("/services", delivery_router)
api.add_router("/outreach", outreach_router)
api.add_router("/trainings", training_router)
api.add_router("/reach", reach_router)
api.add_router("/visiting", visiting_router)
# The nurse's worklist and the coverage report (ura.visiting.worklist_api).
api.add_router("/visiting", visiting_worklist_router)
# The visits made: read and posted by a nurse's app (ura.visiting.visit_api).
api.add_router("/visiting", visiting_visit_router)
