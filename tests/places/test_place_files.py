"""The administrative place files shipped in ura/places/data/ (see docs/places.md)."""

import re
from collections import Counter

import cyrtranslit
import pycountry
import pytest

from ura.places.loader import COLUMNS, COUNTRIES, DATA_DIR, load_places, read_rows
from ura.places.models import Place, PlaceLevel

COUNTRY_CODES = {"kosovo": "XK", "albania": "AL", "serbia": "RS"}
NAME_COLUMNS = ["name_en", "name_sq", "name_sr", "name_sr_latn"]
# Serbia's Kosovo-Metohija districts: the Serbian statistical office publishes no
# municipal data for them, and Kosovo's own places are in kosovo.csv.
SERBIAN_DISTRICTS_LEFT_OUT = {"RS-25", "RS-26", "RS-27", "RS-28", "RS-29"}

LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")


def rows_of(country: str) -> list[dict[str, str]]:
    return read_rows(DATA_DIR / f"{country}.csv")


def codes_at(rows: list[dict[str, str]], level: str) -> list[str]:
    return [row["code"] for row in rows if row["level"] == level]


def all_rows() -> list[dict[str, str]]:
    return [row for country in COUNTRIES for row in rows_of(country)]


@pytest.mark.parametrize("country", COUNTRIES)
def test_each_place_file_parses_with_the_loaders_reader(country):
    rows = rows_of(country)

    assert rows
    assert all(list(row) == COLUMNS for row in rows)


@pytest.mark.parametrize("country", COUNTRIES)
def test_each_file_has_exactly_one_country_row_and_it_comes_first(country):
    rows = rows_of(country)
    countries = [row for row in rows if row["level"] == PlaceLevel.COUNTRY]

    assert len(countries) == 1
    assert rows[0] == countries[0]
    assert rows[0]["code"] == COUNTRY_CODES[country]
    assert rows[0]["parent_code"] == ""


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_code_in_a_file_starts_with_its_country_code(country):
    prefix = COUNTRY_CODES[country] + "-"

    assert all(row["code"].startswith(prefix) for row in rows_of(country)[1:])


@pytest.mark.parametrize("country", COUNTRIES)
def test_regions_hang_off_the_country_and_municipalities_off_a_region(country):
    rows = rows_of(country)
    level_of = {row["code"]: row["level"] for row in rows}

    for row in rows[1:]:
        expected = {
            PlaceLevel.REGION: PlaceLevel.COUNTRY,
            PlaceLevel.MUNICIPALITY: PlaceLevel.REGION,
        }[row["level"]]
        assert level_of[row["parent_code"]] == expected, row["code"]


def test_kosovo_has_38_municipalities_in_7_districts():
    rows = rows_of("kosovo")

    assert codes_at(rows, PlaceLevel.REGION) == [f"XK-{n:02d}" for n in range(1, 8)]
    assert len(codes_at(rows, PlaceLevel.MUNICIPALITY)) == 38
    per_district = Counter(
        row["parent_code"] for row in rows if row["level"] == PlaceLevel.MUNICIPALITY
    )
    assert per_district == {
        "XK-01": 8,
        "XK-02": 7,
        "XK-03": 3,
        "XK-04": 5,
        "XK-05": 5,
        "XK-06": 6,
        "XK-07": 4,
    }


def test_kosovo_municipality_codes_carry_the_38_distinct_statistics_agency_codes():
    rows = rows_of("kosovo")
    agency_codes = [
        int(row["code"].rsplit("-", 1)[1])
        for row in rows
        if row["level"] == PlaceLevel.MUNICIPALITY
    ]

    assert sorted(agency_codes) == list(range(1, 39))


def test_kosovo_has_prishtina_and_prizren_under_their_english_names():
    municipalities = {
        row["name_en"]: row
        for row in rows_of("kosovo")
        if row["level"] == PlaceLevel.MUNICIPALITY
    }

    assert municipalities["Prishtina"]["name_sq"] == "Prishtinë"
    assert municipalities["Prishtina"]["name_sr"] == "Приштина"
    assert municipalities["Prizren"]["parent_code"] == "XK-04"


def test_albania_has_12_counties_and_61_municipalities():
    rows = rows_of("albania")

    assert len(codes_at(rows, PlaceLevel.REGION)) == 12
    assert len(codes_at(rows, PlaceLevel.MUNICIPALITY)) == 61


def test_albanias_county_codes_are_exactly_pycountrys():
    iso = {s.code for s in pycountry.subdivisions.get(country_code="AL")}

    assert set(codes_at(rows_of("albania"), PlaceLevel.REGION)) == iso


def test_serbias_districts_are_pycountrys_city_and_districts_outside_kosovo():
    iso = {
        s.code
        for s in pycountry.subdivisions.get(country_code="RS")
        if s.type in ("City", "District")
    }

    regions = set(codes_at(rows_of("serbia"), PlaceLevel.REGION))

    assert regions == iso - SERBIAN_DISTRICTS_LEFT_OUT
    assert len(regions) == 25


def test_serbia_has_at_least_160_municipalities_and_cities():
    assert len(codes_at(rows_of("serbia"), PlaceLevel.MUNICIPALITY)) >= 160


def test_belgrade_has_its_17_city_municipalities():
    rows = rows_of("serbia")

    assert sum(1 for row in rows if row["parent_code"] == "RS-00") == 17


def test_codes_are_unique_across_all_three_files():
    duplicates = [
        code for code, n in Counter(row["code"] for row in all_rows()).items() if n > 1
    ]

    assert duplicates == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_parent_precedes_its_children_in_the_same_file(country):
    seen: set[str] = set()
    for row in rows_of(country):
        if row["parent_code"]:
            assert row["parent_code"] in seen, row["code"]
        seen.add(row["code"])


@pytest.mark.parametrize("country", COUNTRIES)
def test_no_two_places_under_one_parent_share_an_english_name(country):
    pairs = Counter((row["parent_code"], row["name_en"]) for row in rows_of(country))

    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_every_name_column_is_filled_and_trimmed():
    for row in all_rows():
        for column in NAME_COLUMNS:
            assert row[column], (row["code"], column)
            assert row[column] == row[column].strip(), (row["code"], column)


def test_serbian_cyrillic_names_contain_no_latin_letters():
    offenders = [r["code"] for r in all_rows() if LATIN_LETTER.search(r["name_sr"])]

    assert offenders == []


def test_serbian_cyrillic_names_are_written_in_cyrillic():
    offenders = [
        r["code"] for r in all_rows() if not CYRILLIC_LETTER.search(r["name_sr"])
    ]

    assert offenders == []


def test_serbian_latin_names_contain_no_cyrillic():
    offenders = [
        r["code"] for r in all_rows() if CYRILLIC_LETTER.search(r["name_sr_latn"])
    ]

    assert offenders == []


def test_serbian_latin_names_are_the_transliteration_of_the_cyrillic_ones():
    offenders = [
        (r["code"], r["name_sr_latn"])
        for r in all_rows()
        if r["name_sr_latn"] != cyrtranslit.to_latin(r["name_sr"], "sr")
    ]

    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("country", COUNTRIES)
def test_loading_a_country_twice_creates_nothing_the_second_time(country):
    expected = len(rows_of(country))

    first = load_places(country)
    count_after_first = Place.objects.count()
    second = load_places(country)

    assert first.created + first.updated == expected
    assert second.created == 0
    assert second.updated == expected
    assert Place.objects.count() == count_after_first


@pytest.mark.django_db
def test_a_places_path_starts_with_its_parents_path():
    for country in COUNTRIES:
        load_places(country)

    codes = [row["code"] for row in all_rows()]
    places = Place.objects.filter(code__in=codes).select_related("parent")
    assert places.count() == len(codes)
    for place in places:
        if place.parent is None:
            assert place.path == f"/{place.code}/"
        else:
            assert place.path.startswith(place.parent.path)
            assert place.path == f"{place.parent.path}{place.code}/"


@pytest.mark.django_db
def test_loaded_places_keep_the_names_from_the_file():
    load_places("kosovo")

    prishtina = Place.objects.get(
        name_en="Prishtina", level=PlaceLevel.MUNICIPALITY, path__startswith="/XK/"
    )

    assert prishtina.name_sq == "Prishtinë"
    assert prishtina.name_sr_latn == "Priština"
    assert prishtina.parent.code == "XK-01"
    assert prishtina.country_code == "XK"
