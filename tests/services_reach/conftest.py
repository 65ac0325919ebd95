import pytest

from tests.services_reach.helpers import Reach, national_data_officer
from tests.world import World


@pytest.fixture
def reach(world: World) -> Reach:
    national_data_officer(world)
    return Reach(world)
