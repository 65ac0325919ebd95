from django.urls import path

from ura.conferences import views

app_name = "conferences"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("schedule/", views.conference_schedule, name="schedule"),
    path("items/", views.my_items, name="my_items"),
    path("items/<int:item_id>/", views.item_progress, name="item_progress"),
    path("<int:conference_id>/", views.conference_detail, name="detail"),
    path("<int:conference_id>/minutes/", views.conference_minutes, name="minutes"),
    path("<int:conference_id>/edit/", views.conference_edit, name="edit"),
    path("<int:conference_id>/cases/", views.conference_case_add, name="case_add"),
    path(
        "<int:conference_id>/cases/<int:case_id>/remove/",
        views.conference_case_remove,
        name="case_remove",
    ),
    path(
        "<int:conference_id>/members/", views.conference_member_add, name="member_add"
    ),
    path(
        "<int:conference_id>/members/<int:member_id>/remove/",
        views.conference_member_remove,
        name="member_remove",
    ),
    path(
        "<int:conference_id>/attendance/",
        views.conference_attendance,
        name="attendance",
    ),
    path(
        "<int:conference_id>/decisions/",
        views.conference_decision_add,
        name="decision_add",
    ),
    path("<int:conference_id>/items/", views.conference_item_add, name="item_add"),
    path("<int:conference_id>/held/", views.conference_held, name="held"),
    path("<int:conference_id>/close/", views.conference_close, name="close"),
]
