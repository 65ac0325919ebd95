"""``__in_ids`` finds the same rows as ``__in``, on both databases, for any list."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ura.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(world):  # noqa: ANN001, ANN201
    return list(Place.objects.order_by("pk"))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=0, max_value=40), max_size=20))
def test_the_same_rows_as_in(places, picks):
    ids = [places[i].pk if i < len(places) else 10**9 + i for i in picks]
    assert sorted(
        Place.objects.filter(pk__in_ids=ids).values_list("pk", flat=True)
    ) == (sorted(Place.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    # Through a foreign key too.
    assert sorted(
        Place.objects.filter(parent__in_ids=ids).values_list("pk", flat=True)
    ) == (sorted(Place.objects.filter(parent__in=ids).values_list("pk", flat=True)))


def test_more_ids_than_sqlite_takes_parameters(places):
    ids = [*range(10**8, 10**8 + 40_000), places[3].pk]
    assert list(Place.objects.filter(pk__in_ids=ids)) == [places[3]]


def test_no_ids_no_rows(places):
    assert not Place.objects.filter(pk__in_ids=[]).exists()
    assert Place.objects.exclude(pk__in_ids=[]).count() == len(places)
