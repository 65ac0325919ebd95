import pytest
from django.test import Client
from hypothesis import settings

from tests.world import PASSWORD, World, build_world

# Speed is measured in benchmarks/, never asserted in the suite (README): a
# property's example that runs slowly on a loaded CI machine is not a failure.
settings.register_profile("ura", deadline=None)
settings.load_profile("ura")


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()


@pytest.fixture
def signed_in(world: World):  # noqa: ANN201
    """signed_in("worker_a1") -> a test client with that persona's session."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(world.users[persona])
        # force_login skips the sign-in view; set what that view would have set.
        session = client.session
        import time

        session["_ura_signed_in_at"] = time.time()
        session.save()
        return client

    return make


@pytest.fixture
def api_client(world: World):  # noqa: ANN201
    """api_client("worker_a1") -> (client, headers) with a fresh bearer token."""
    from ura.accounts.actions import api_token_create

    def make(persona: str) -> tuple[Client, dict[str, str]]:
        _token, secret = api_token_create(actor=world.users[persona], name="test")
        return Client(), {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _english_to_start_with():  # noqa: ANN202
    """Each test starts in the default language: a request made in Albanian by an
    earlier test on the same worker must not change what the next one reads."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
