from django.urls import include, path

from ura.people import household_views, merge_views, views

app_name = "people"
urlpatterns = [
    path("", include("ura.people.import_urls")),
    path("", views.people_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export.csv", views.people_export, name="export"),
    path("duplicates/", merge_views.duplicates_list, name="duplicates"),
    path(
        "duplicates/<int:pair_id>/dismiss/",
        merge_views.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
    path(
        "households/<int:household_id>/",
        household_views.household_page,
        name="household",
    ),
    path(
        "households/members/<int:member_id>/end/",
        household_views.household_member_end,
        name="household_member_end",
    ),
    path(
        "<int:person_id>/households/new/",
        household_views.household_new,
        name="household_new",
    ),
    path("merges/", merge_views.merges_list, name="merges"),
    path("merges/<int:merge_id>/undo/", merge_views.merge_undo, name="merge_undo"),
    path(
        "<int:person_id>/merge/<int:other_id>/",
        merge_views.person_merge_page,
        name="merge",
    ),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path(
        "<int:person_id>/functioning/",
        views.person_functioning,
        name="functioning",
    ),
]
