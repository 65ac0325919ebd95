"""/services/outreach/: a team's outreach contacts and the person records made
from them."""

from django.urls import path

from ura.services import outreach_views as views

urlpatterns = [
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("outreach/<int:contact_id>/", views.outreach_detail, name="outreach_detail"),
    path(
        "outreach/<int:contact_id>/change/",
        views.outreach_change,
        name="outreach_change",
    ),
    path(
        "outreach/<int:contact_id>/person/",
        views.outreach_person,
        name="outreach_person",
    ),
    path("outreach/<int:contact_id>/link/", views.outreach_link, name="outreach_link"),
]
