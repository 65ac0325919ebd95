from django.urls import path

from ura.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export.csv", views.people_export, name="export"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path(
        "<int:person_id>/functioning/",
        views.person_functioning,
        name="functioning",
    ),
]
