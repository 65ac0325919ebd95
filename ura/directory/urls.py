from django.urls import path

from ura.directory import programme_urls, views

app_name = "directory"
urlpatterns = [
    path("", views.directory_search, name="search"),
    path("manage/", views.services_managed, name="manage"),
    path("new/", views.service_new, name="new"),
    path("<int:service_id>/", views.service_detail, name="detail"),
    path("<int:service_id>/edit/", views.service_edit, name="edit"),
    path("<int:service_id>/active/", views.service_set_active, name="set_active"),
    *programme_urls.urlpatterns,
]
