"""Routes of what providers deliver, under /services/ (namespace "services")."""

from django.urls import path

from ura.services import delivery_sheet_views as sheet_views
from ura.services import delivery_views as views

urlpatterns: list = [
    path("", views.my_services, name="my_services"),
    path("<int:service_id>/", views.service_detail, name="service_detail"),
    path("<int:service_id>/enrol/", views.enrol, name="enrol"),
    path("<int:service_id>/groups/new/", views.group_new, name="group_new"),
    path("<int:service_id>/sessions/", sheet_views.session_list, name="session_list"),
    path("<int:service_id>/sessions/new/", sheet_views.session_new, name="session_new"),
    path(
        "enrolments/<int:enrolment_id>/",
        views.enrolment_detail,
        name="enrolment_detail",
    ),
    path(
        "enrolments/<int:enrolment_id>/end/", views.enrolment_end, name="enrolment_end"
    ),
    path(
        "enrolments/<int:enrolment_id>/group/",
        views.enrolment_group,
        name="enrolment_group",
    ),
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/assign/", views.group_assign, name="group_assign"),
    path("groups/<int:group_id>/month/", sheet_views.month_sheet, name="month_sheet"),
    path(
        "sessions/<int:session_id>/", sheet_views.session_detail, name="session_detail"
    ),
    path(
        "sessions/<int:session_id>/change/",
        sheet_views.session_change,
        name="session_change",
    ),
    path(
        "sessions/<int:session_id>/remove/",
        sheet_views.session_remove,
        name="session_remove",
    ),
]
