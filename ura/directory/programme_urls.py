"""/directory/programmes/: programmes, their partners and donors, and what is
attributed to them. Included by ``ura.directory.urls``."""

from django.urls import path

from ura.directory import programme_views as views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path(
        "programmes/<int:programme_id>/",
        views.programme_detail,
        name="programme_detail",
    ),
    path(
        "programmes/<int:programme_id>/edit/",
        views.programme_edit,
        name="programme_edit",
    ),
]
