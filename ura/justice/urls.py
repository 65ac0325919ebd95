from django.urls import path

from ura.justice import views

app_name = "justice"
urlpatterns = [
    path("detention/", views.detention_list, name="detention"),
    path(
        "case/<int:case_id>/contact/new/",
        views.involvement_new,
        name="involvement_new",
    ),
    path(
        "case/<int:case_id>/proceedings/new/",
        views.proceeding_new,
        name="proceeding_new",
    ),
    path("proceedings/<int:pk>/edit/", views.proceeding_edit, name="proceeding_edit"),
    path("proceedings/<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path(
        "case/<int:case_id>/discrimination/new/",
        views.report_new,
        name="report_new",
    ),
    path("discrimination/<int:pk>/edit/", views.report_edit, name="report_edit"),
]
