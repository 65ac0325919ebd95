"""The language switcher, remembered per user."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_user_picks_albanian_and_keeps_it_whatever_the_browser_says(world, signed_in):
    client = signed_in("worker_a1")
    response = client.post(
        reverse("accounts:language"), {"language": "sq", "next": "/people/"}
    )
    assert response["Location"] == "/people/"
    world.users["worker_a1"].refresh_from_db()
    assert world.users["worker_a1"].language == "sq"
    page = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="sq"' in page.content.decode()


def test_serbian_latin_is_a_language_of_its_own(world, signed_in):
    client = signed_in("worker_a1")
    client.post(reverse("accounts:language"), {"language": "sr-latn"})
    page = client.get(reverse("workspace:home"))
    assert 'lang="sr-latn"' in page.content.decode()


def test_the_switcher_never_redirects_off_site(world, signed_in):
    client = signed_in("worker_a1")
    response = client.post(
        reverse("accounts:language"),
        {"language": "sr", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("workspace:home")


def test_an_unknown_language_changes_nothing(world, signed_in):
    client = signed_in("worker_a1")
    client.post(reverse("accounts:language"), {"language": "xx"})
    world.users["worker_a1"].refresh_from_db()
    assert world.users["worker_a1"].language == ""
