"""The name normaliser: one canonical form for every way a name is written.

Properties (Hypothesis) for idempotence, scripts, diacritics and the Albanian and
Serbian spellings; then the concrete names the issue lists."""

import re

import cyrtranslit
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ura.people.matching import normalise_name, normalise_place

SERBIAN_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"
# Serbian Latin letters, digraphs as single letters, as cyrtranslit maps them.
SERBIAN_LATIN = [*"abcčćdđefghijklmnoprsštuvzž", "dž", "lj", "nj"]
DIACRITICS = {"č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "dj", "ë": "e", "ç": "c"}
# (Albanian, Serbian) spellings of one sound.
SPELLING_PAIRS = [
    ("xh", "dž"),
    ("gj", "đ"),
    ("q", "ć"),
    ("sh", "š"),
    ("zh", "ž"),
    ("ç", "č"),
]
# Letters written the same in both, none of which forms a digraph with another.
SHARED_LETTERS = list("aeioubfkmnprtv")
CANONICAL = re.compile(r"([a-z]+( [a-z]+)*)?")


def _words(letters: list[str]) -> st.SearchStrategy[str]:
    word = st.lists(st.sampled_from(letters), min_size=1, max_size=12).map("".join)
    return st.lists(word, min_size=1, max_size=3).map(" ".join)


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(st.text())
def test_the_result_is_lower_case_ascii_words_with_single_spaces(text):
    assert CANONICAL.fullmatch(normalise_name(text))


@given(_words(list(SERBIAN_CYRILLIC + SERBIAN_CYRILLIC.upper())))
def test_serbian_cyrillic_and_its_latin_transliteration_normalise_equal(text):
    assert normalise_name(text) == normalise_name(cyrtranslit.to_latin(text, "sr"))


@given(_words(SERBIAN_LATIN))
def test_serbian_latin_sent_through_cyrillic_and_back_normalises_equal(text):
    cyrillic = cyrtranslit.to_cyrillic(text, "sr")
    assert normalise_name(cyrillic) == normalise_name(text)
    assert normalise_name(cyrtranslit.to_latin(cyrillic, "sr")) == normalise_name(text)


@given(_words([*SERBIAN_LATIN, "ë", "ç"]))
def test_dropping_diacritics_does_not_change_the_normal_form(text):
    plain = "".join(DIACRITICS.get(ch, ch) for ch in text)
    assert normalise_name(plain) == normalise_name(text)
    assert normalise_name(text.upper()) == normalise_name(text)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(SHARED_LETTERS).map(lambda x: (x, x)),
            st.sampled_from(SPELLING_PAIRS),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_albanian_and_serbian_spellings_of_the_same_sounds_normalise_equal(sounds):
    albanian = "".join(a for a, _ in sounds)
    serbian = "".join(s for _, s in sounds)
    assert normalise_name(albanian) == normalise_name(serbian)


@pytest.mark.parametrize(
    "variants",
    [
        ("Shpëtim Krasniqi", "Shpetim Krasniqi", "SHPËTIM  KRASNIQI"),
        ("Ђорђе Јовановић", "Djordje Jovanovic", "Đorđe Jovanović", "đorđe jovanović"),
        ("Xhevdet", "Dževdet", "Dzevdet", "Џевдет"),
        ("Krasniqi", "Krasnići", "Краснићи", "Krasnici"),
        ("Shaqiri", "Šaćiri", "Шаћири"),
        ("Hoxha", "Hodža", "Хоџа"),
        ("Thaçi", "Tači", "Тачи"),
        ("Çeku", "Čeku", "Ceku"),
        ("Gjakovë", "Đakove"),
        ("Ana-Marija", "Ana Marija", " ana   marija "),
        ("Zhaneta", "Žaneta", "Жанета"),
        ("Ylli", "Ili"),
        ("Mulla", "Mula"),
    ],
)
def test_the_spellings_of_one_name_normalise_equal(variants):
    forms = {normalise_name(v) for v in variants}
    assert len(forms) == 1, forms


@pytest.mark.parametrize(
    ("a", "b"),
    [("Arben", "Arbena"), ("Jovan", "Jovana"), ("Ana", "Ena"), ("Gashi", "Gjoka")],
)
def test_different_names_stay_different(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_a_name_with_no_latin_or_serbian_letters_normalises_to_nothing():
    assert normalise_name("123 — ?") == ""


@pytest.mark.parametrize(
    "variants",
    [
        ("Prishtinë", "Prishtina", "Priština", "Приштина"),
        ("XK-01 002", "xk01002", "XK01002"),
    ],
)
def test_the_spellings_of_one_place_normalise_equal(variants):
    assert len({normalise_place(v) for v in variants}) == 1
