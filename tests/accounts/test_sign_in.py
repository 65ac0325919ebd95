"""Signing in and out: clear messages, lockout that lifts by itself, session limits."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from ura.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _sign_in(client: Client, username: str, password: str, **extra):  # noqa: ANN003, ANN202
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_a_persona_signs_in_and_lands_on_home(world, password):
    client = Client()
    response = _sign_in(client, "worker_a1", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert client.get(reverse("workspace:home")).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN, actor_username="worker_a1"
    ).exists()


def test_a_wrong_password_gets_one_message_that_does_not_say_which_part_was_wrong(
    world,
):
    wrong_password = _sign_in(Client(), "worker_a1", "not-the-password")
    no_such_user = _sign_in(Client(), "nobody_here", "not-the-password")
    assert wrong_password.status_code == no_such_user.status_code == 200
    assert "The user name or password is not right." in wrong_password.content.decode()
    assert "The user name or password is not right." in no_such_user.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 2


def test_the_message_comes_in_the_users_language(world):
    response = _sign_in(Client(), "worker_a1", "wrong", HTTP_ACCEPT_LANGUAGE="sq")
    assert response.status_code == 200
    assert 'lang="sq"' in response.content.decode()


def test_five_failures_lock_the_name_from_that_address_for_real_and_made_up_names(
    world, password
):
    for username in ("worker_a1", "made_up_name"):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(client, username, "wrong-password")
        locked = _sign_in(client, username, password)
        assert locked.status_code == 429
        assert "Too many failed attempts" in locked.content.decode()
    # Another user from the same address is not locked out.
    assert _sign_in(Client(), "worker_a2", password).status_code == 302
    # Nor is the same user from another address.
    elsewhere = _sign_in(Client(), "worker_a1", password, REMOTE_ADDR="10.9.8.7")
    assert elsewhere.status_code == 302


def test_the_lockout_lifts_by_itself(world, password):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "worker_a1", "wrong-password")
    assert _sign_in(client, "worker_a1", password).status_code == 429
    from axes.models import AccessAttempt

    later = AccessAttempt.objects.all()
    later.update(
        attempt_time=later[0].attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert _sign_in(client, "worker_a1", password).status_code == 302


def test_a_post_without_csrf_token_is_refused_with_a_clear_page(world, password):
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "worker_a1", password)
    assert response.status_code == 403
    assert "nothing was saved" in response.content.decode()


def test_signing_out_ends_the_session_for_good(world, password):
    client = Client()
    _sign_in(client, "worker_a1", password)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert replay.get(reverse("workspace:home")).status_code == 302


def test_the_session_key_changes_at_sign_in(world, password):
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _sign_in(client, "worker_a1", password)
    assert client.session.session_key != before


def test_a_deactivated_user_is_signed_out_on_the_next_request(world, signed_in):
    client = signed_in("worker_a1")
    assert client.get(reverse("workspace:home")).status_code == 200
    world.users["worker_a1"].is_active = False
    world.users["worker_a1"].save()
    assert client.get(reverse("workspace:home")).status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(world, signed_in):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = signed_in("worker_a1")
    client.get(reverse("workspace:home"))
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request pushes the end 30 minutes ahead; 30 quiet minutes reach it.
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("workspace:home")).status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(world, signed_in):
    client = signed_in("worker_a1")
    session = client.session
    session["_ura_signed_in_at"] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("workspace:home")).status_code == 302


def test_a_page_for_signed_in_users_sends_the_anonymous_to_sign_in():
    response = Client().get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_passwords_need_twelve_characters_and_must_not_be_common():
    with pytest.raises(ValidationError):
        validate_password("short-pw1")
    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("lowercase only but long")


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]
)
def test_passwords_are_stored_with_argon2(world):
    user = world.users["worker_a1"]
    user.set_password("a long enough password")
    assert user.password.startswith("argon2$argon2id$")


def test_pages_about_people_are_not_cached(world, signed_in):
    response = signed_in("worker_a1").get(
        reverse("people:detail", args=[world.people["own"].pk])
    )
    assert response["Cache-Control"] == "no-store"


def test_a_user_changes_their_password_and_other_sessions_end(world, password):
    mine, elsewhere = Client(), Client()
    _sign_in(mine, "worker_a1", password)
    _sign_in(elsewhere, "worker_a1", password, REMOTE_ADDR="10.1.1.1")
    response = mine.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "a brand new long phrase",
            "new_password2": "a brand new long phrase",
        },
    )
    assert response.status_code == 302
    assert mine.get(reverse("workspace:home")).status_code == 200
    assert elsewhere.get(reverse("workspace:home")).status_code == 302
    assert AuditEvent.objects.filter(detail="password changed").exists()


def test_a_short_new_password_is_refused_with_the_reason(world, signed_in, password):
    response = signed_in("worker_a1").post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "short1",
            "new_password2": "short1",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
