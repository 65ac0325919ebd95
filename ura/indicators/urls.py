"""The indicator pages (issue 7): the table of every indicator, one indicator, and
their CSV exports, and the DHIS2 export."""

from django.urls import path

from ura.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.table, name="table"),
    path("export.csv", views.table_export, name="table_export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("equity/", views.equity, name="equity"),
    path("dhis2/", views.dhis2, name="dhis2"),
    path("dhis2/dataValueSet.json", views.dhis2_export, name="dhis2_export"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/export.csv", views.detail_export, name="detail_export"),
]
