from django.urls import path

from ura.visiting import protocol_views, views, visit_views, worklist_views

app_name = "visiting"
urlpatterns = [
    path("", views.enrolment_list, name="list"),
    path("enrol/", views.enrolment_new, name="enrol"),
    path("<int:enrolment_id>/", views.enrolment_detail, name="detail"),
    path("<int:enrolment_id>/change/", views.enrolment_change, name="change"),
    path("<int:enrolment_id>/birth/", views.enrolment_birth, name="birth"),
    path("<int:enrolment_id>/end/", views.enrolment_end, name="end"),
    path("<int:enrolment_id>/visit/", visit_views.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", visit_views.visit_detail, name="visit"),
    path(
        "visits/<int:visit_id>/change/", visit_views.visit_change, name="visit_change"
    ),
    path("visits/<int:visit_id>/refer/", visit_views.concern_refer, name="refer"),
    path("visits/<int:visit_id>/report/", visit_views.concern_report, name="report"),
    path("protocols/", protocol_views.protocol_list, name="protocols"),
    path("protocols/new/", protocol_views.protocol_edit, name="protocol_new"),
    path(
        "protocols/<int:protocol_id>/",
        protocol_views.protocol_edit,
        name="protocol_edit",
    ),
    path(
        "protocols/<int:protocol_id>/schedules/",
        protocol_views.protocol_schedules,
        name="protocol_schedules",
    ),
    path("today/", worklist_views.today, name="today"),
    path("centre/", worklist_views.centre, name="centre"),
    path("coverage/", worklist_views.coverage, name="coverage"),
]
