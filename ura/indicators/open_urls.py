"""Open statistics: public, no login (docs/indicators.md, "Open statistics")."""

from django.urls import path

from ura.indicators import open_views

app_name = "open"
urlpatterns = [
    path("", open_views.table, name="table"),
    path("<str:code>/", open_views.detail, name="detail"),
]
