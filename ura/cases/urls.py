from django.urls import path

from ura.cases import record_views, transfer_views, views
from ura.cases.work_views import urlpatterns as work_urls

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/<int:person_id>/", views.case_open, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/edit/", views.case_edit, name="edit"),
    path("<int:case_id>/assign/", views.case_assign, name="assign"),
    path("<int:case_id>/notes/", record_views.note_list, name="notes"),
    path("<int:case_id>/notes/new/", record_views.note_create, name="note_add"),
    path("<int:case_id>/documents/", record_views.document_list, name="documents"),
    path(
        "<int:case_id>/documents/new/",
        record_views.document_create,
        name="document_add",
    ),
    path(
        "<int:case_id>/documents/<int:document_id>/",
        record_views.document_download,
        name="document_download",
    ),
    path("<int:case_id>/consents/", record_views.consent_list, name="consents"),
    path(
        "<int:case_id>/consents/new/", record_views.consent_create, name="consent_add"
    ),
    path(
        "<int:case_id>/consents/<int:consent_id>/withdraw/",
        record_views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "<int:case_id>/transfer/",
        transfer_views.transfer_propose,
        name="transfer_propose",
    ),
    path(
        "<int:case_id>/transfers/<int:transfer_id>/withdraw/",
        transfer_views.transfer_withdraw,
        name="transfer_withdraw",
    ),
    path(
        "transfers/incoming/",
        transfer_views.transfers_incoming,
        name="transfers_incoming",
    ),
    path(
        "transfers/<int:transfer_id>/",
        transfer_views.transfer_decide,
        name="transfer_decide",
    ),
    path(
        "transfers/<int:transfer_id>/accept/",
        transfer_views.transfer_accept,
        name="transfer_accept",
    ),
    path(
        "transfers/<int:transfer_id>/decline/",
        transfer_views.transfer_decline,
        name="transfer_decline",
    ),
    # Assessments, the plan, reviews, approvals, closure (ura.cases.work_views).
    *work_urls,
]
