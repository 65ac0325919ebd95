from django.urls import path

from ura.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("incoming/", views.referral_incoming, name="incoming"),
    path("new/", views.referral_new, name="new"),
    path("response-times/", views.referral_response_times, name="response_times"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/accept/", views.referral_accept, name="accept"),
    path("<int:referral_id>/decline/", views.referral_decline, name="decline"),
    path("<int:referral_id>/start/", views.referral_start, name="start"),
    path("<int:referral_id>/complete/", views.referral_complete, name="complete"),
    path("<int:referral_id>/close/", views.referral_close, name="close"),
    path("<int:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
]
