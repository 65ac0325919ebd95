"""The services pages: delivery (enrolments, sessions, attendance), outreach,
trainings and the reach figures, one module of routes each."""

from ura.services import delivery_urls, outreach_urls, reach_urls, training_urls

app_name = "services"
urlpatterns = [
    *delivery_urls.urlpatterns,
    *outreach_urls.urlpatterns,
    *training_urls.urlpatterns,
    *reach_urls.urlpatterns,
]
