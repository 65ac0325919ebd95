"""The reach figures (issue 5, point 7): the page, its export and its refresh."""

from django.urls import path

from ura.services import reach_views

urlpatterns = [
    path("reach/", reach_views.reach, name="reach"),
    path("reach/export.csv", reach_views.reach_export, name="reach_export"),
    path("reach/refresh/", reach_views.reach_refresh_start, name="reach_refresh_start"),
    path(
        "reach/refresh/<int:job_id>/",
        reach_views.reach_refresh_progress,
        name="reach_refresh",
    ),
]
