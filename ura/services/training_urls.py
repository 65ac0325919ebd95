"""/services/trainings/: trainings of professionals and their participants."""

from django.urls import path

from ura.services import training_views as views

urlpatterns = [
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<int:training_id>/", views.training_detail, name="training_detail"),
    path(
        "trainings/<int:training_id>/edit/", views.training_edit, name="training_edit"
    ),
    path(
        "trainings/<int:training_id>/participants/add/",
        views.training_participant_add,
        name="training_participant_add",
    ),
    path(
        "trainings/<int:training_id>/participants/sheet/",
        views.training_participants_bulk,
        name="training_participants_bulk",
    ),
    path(
        "trainings/participants/<int:participant_id>/",
        views.training_participant_edit,
        name="training_participant_edit",
    ),
    path(
        "trainings/participants/<int:participant_id>/remove/",
        views.training_participant_remove,
        name="training_participant_remove",
    ),
]
