from django.urls import path

from ura.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/code/", views.two_factor, name="two_factor"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("logout/", views.sign_out, name="logout"),
    path("language/", views.language, name="language"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
