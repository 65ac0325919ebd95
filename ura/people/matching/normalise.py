"""Canonical forms of names and places, for comparison only (never for display).

One person is written in several ways across Kosovo, Albania and Serbia: in
Serbian Cyrillic or Latin, with or without diacritics, in Albanian or in Serbian
orthography ("Xhevdet Krasniqi", "Dževdet Krasnići", "Џевдет Краснићи",
"Dzevdet Krasnici"). ``normalise_name`` maps all of these to one lower-case ASCII
string, so that they compare equal and the remaining differences are real ones
(typos, other names).

The steps, in order:

1. NFC and casefold.
2. Serbian Cyrillic to Serbian Latin with ``cyrtranslit`` (Open Data Kosovo's
   package, MIT); ``unidecode`` is not used because it writes Cyrillic the Russian
   way (ш → sh, ц → ts).
3. Letters that Unicode does not decompose (đ → dj, ł → l, ø → o, ...), then NFD
   and every combining mark dropped: ë → e, ç/č/ć → c, š → s, ž → z, dž → dz.
4. Anything that is not a-z becomes a word break; apostrophes vanish.
5. The Albanian and Serbian spellings of the same sound folded to one form,
   repeated until nothing changes (so the result is a fixed point):
   xh/dž → dz, gj/đ → dj, q/ć → c, ç/č → c, sh/š → s, zh/ž → z, th → t, dh → d,
   y → i, and doubled letters (Albanian ll, rr; typing slips) collapsed.

Some of the folding merges letters that are distinct in one language (Albanian c
and ç, Serbian č and ć). That costs little: the comparison that follows is fuzzy
anyway, and these are exactly the letters that registrars drop or confuse.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cyrtranslit

__all__ = ["normalise_name", "normalise_place", "has_cyrillic"]

# Letters with no Unicode decomposition, which NFD would leave alone. đ is the one
# that matters (Serbian Latin; "Djordje" is how it is typed without diacritics).
_UNDECOMPOSABLE = str.maketrans(
    {
        "đ": "dj",
        "ð": "d",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ı": "i",
        "þ": "th",
        "ħ": "h",
        # Apostrophes and similar marks join the letters around them (O'Neil).
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "ʼ": "",
    }
)

# One pass of the cross-orthography folding (plain replacements, in order, then
# doubled letters collapsed). Each rule either shortens the string or removes a
# q or a y, and no rule writes a q or a y, so repeating the pass until nothing
# changes always ends.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("xh", "dz"),
    ("gj", "dj"),
    ("sh", "s"),
    ("zh", "z"),
    ("ch", "c"),
    ("th", "t"),
    ("dh", "d"),
    ("q", "c"),
    ("y", "i"),
)
_DOUBLED = re.compile(r"([a-z])\1+")
_NOT_LETTER = re.compile(r"[^a-z]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_VOWEL_END = re.compile("[aeiou]$")


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def _ascii_letters(text: str) -> str:
    """Steps 1 to 4: casefolded, Latin, diacritics gone, words split by spaces."""
    text = unicodedata.normalize("NFC", text).casefold()
    if has_cyrillic(text):
        text = cyrtranslit.to_latin(text, "sr")
    text = text.translate(_UNDECOMPOSABLE)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_LETTER.sub(" ", text)


def _fold(word: str) -> str:
    while True:
        folded = word
        for old, new in _FOLDS:
            folded = folded.replace(old, new)
        folded = _DOUBLED.sub(r"\1", folded)
        if folded == word:
            return word
        word = folded


@lru_cache(maxsize=200_000)
def normalise_name(text: str) -> str:
    """The canonical form of a name: lower-case a-z words separated by one space.

    Idempotent, and the same for Cyrillic and Latin, with or without diacritics,
    in Albanian or Serbian spelling. Empty when the text has no Latin or Serbian
    Cyrillic letters at all.
    """
    words = (_fold(word) for word in _ascii_letters(text).split())
    return " ".join(word for word in words if word)


@lru_cache(maxsize=20_000)
def normalise_place(text: str) -> str:
    """A place code or name, reduced so that spellings of one place compare equal.

    Codes keep their digits ("XK-01 002" → "xk01002"). Names go through the name
    folding without spaces and lose a final vowel, because Albanian writes the
    same town with its definite and indefinite ending (Prishtinë, Prishtina) and
    Serbian without one (Priština).
    """
    if any(ch.isdigit() for ch in text):
        kept = unicodedata.normalize("NFKD", text.casefold())
        return "".join(ch for ch in kept if ch.isascii() and ch.isalnum())
    name = normalise_name(text).replace(" ", "")
    if len(name) > 3:
        name = _VOWEL_END.sub("", name)
    return name
