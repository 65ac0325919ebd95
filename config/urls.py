from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ura.api.api import api
from ura.core.views import healthz
from ura.workspace import views as workspace

urlpatterns = [
    path("", workspace.root, name="root"),
    path("home/", include(([path("", workspace.home, name="home")], "workspace"))),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("ura.accounts.urls")),
    path("people/", include("ura.people.urls")),
    path("cases/", include("ura.cases.urls")),
    path("conferences/", include("ura.conferences.urls")),
    path("justice/", include("ura.justice.urls")),
    path("directory/", include("ura.directory.urls")),
    path("referrals/", include("ura.referrals.urls")),
    path("services/", include("ura.services.urls")),
    path("visiting/", include("ura.visiting.urls")),
    path("statistics/", include("ura.statistics.urls")),
    path("indicators/", include("ura.indicators.urls")),
    path("open/", include("ura.indicators.open_urls")),
    path("audit/", include("ura.audit.urls")),
    path("api/v1/", api.urls),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler404 = "ura.core.errors.not_found"
handler500 = "ura.core.errors.server_error"
handler403 = "ura.core.errors.forbidden"
