"""The import page's routes; included by ura/people/urls.py, so named
``people:import`` and ``people:import_job``."""

from django.urls import path

from ura.people import import_views

urlpatterns = [
    path("import/", import_views.import_start, name="import"),
    path("import/<int:job_id>/", import_views.import_job, name="import_job"),
]
