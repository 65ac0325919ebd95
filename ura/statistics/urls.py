from django.urls import path

from ura.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("people-by-place.csv", views.summary_export, name="summary_export"),
]
