"""How a name gets written differently: the other language's spelling, no
diacritics, a typo. Used by the synthetic population's re-registrations."""

from __future__ import annotations

import random
import unicodedata

import cyrtranslit

_TO_SERBIAN = (
    ("xh", "dž"),
    ("gj", "đ"),
    ("sh", "š"),
    ("zh", "ž"),
    ("ç", "č"),
    ("q", "ć"),
    ("dh", "d"),
    ("th", "t"),
    ("ll", "l"),
    ("rr", "r"),
    ("ë", "e"),
    ("y", "i"),
    ("x", "dz"),
)
_TO_ALBANIAN = (
    ("dž", "xh"),
    ("đ", "gj"),
    ("š", "sh"),
    ("ž", "zh"),
    ("č", "ç"),
    ("ć", "q"),
)
LATIN = "abcdefghijklmnoprstuvzšžčćđ"
CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"


def _title(word: str) -> str:
    return " ".join(part[:1].upper() + part[1:] for part in word.split(" "))


def _convert(text: str, table: tuple[tuple[str, str], ...]) -> str:
    lowered = text.lower()
    for old, new in table:
        lowered = lowered.replace(old, new)
    if table is _TO_SERBIAN and lowered.endswith("e") and text.lower().endswith("ë"):
        lowered = lowered[:-1]  # Serbian drops the final ë (Gjakovë → Đakova)
    return _title(lowered)


def to_serbian(text: str) -> str:
    return _convert(text, _TO_SERBIAN)


def to_albanian(text: str) -> str:
    return _convert(text, _TO_ALBANIAN)


def without_diacritics(text: str, rng: random.Random) -> str:
    # Typed on a keyboard without them: đ becomes dj or d, the rest lose the mark.
    text = text.replace("đ", rng.choice(("dj", "d"))).replace("Đ", "Dj")
    text = cyrtranslit.to_latin(text, "sr")
    text = text.replace("đ", "dj").replace("Đ", "Dj")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 3:
        return text
    alphabet = CYRILLIC if any("\u0400" <= ch <= "\u04ff" for ch in text) else LATIN
    # First letters are seldom mistyped (about one typo in twenty here).
    at = 0 if rng.random() < 0.05 else rng.randrange(1, len(text))
    kind = rng.random()
    if kind < 0.35:
        return text[:at] + rng.choice(alphabet) + text[at + 1 :]
    if kind < 0.6:
        return text[:at] + text[at + 1 :]
    if kind < 0.85:
        return text[:at] + rng.choice(alphabet) + text[at:]
    if at < len(text) - 1:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text + text[at]
