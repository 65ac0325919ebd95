"""Ura speaks Albanian, Serbian in Cyrillic and Serbian in Latin, completely.

The catalogues live in ``ura/locale/`` and are produced by ``make messages``
(``scripts/messages.py``): extract, transliterate Serbian into Latin, compile.
"""

import gettext
import importlib.util
import re
import shutil
from pathlib import Path

import cyrtranslit
import polib
import pytest
from django.conf import settings
from django.test import Client

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "ura" / "locale"
LOCALES = ["sq", "sr", "sr_Latn"]
RUN = "run `make messages`, translate what it lists in ura/locale/sq and ura/locale/sr"

PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[^{}]*\}")


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def translation(entry: polib.POEntry | polib.MOEntry) -> str | tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(text for _, text in sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def plural_function(po: polib.POFile):  # noqa: ANN201
    expression = po.metadata["Plural-Forms"].split("plural=", 1)[1].rstrip("; ")
    return gettext.c2py(expression)


def load_script():  # noqa: ANN201
    path = BASE_DIR / "scripts" / "messages.py"
    spec = importlib.util.spec_from_file_location("ura_messages_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_in_albanian_and_both_serbian_scripts(locale):
    po = catalogue(locale)
    problems = [f"obsolete: {entry.msgid!r}" for entry in po.obsolete_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    problems += [
        f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()
    ]
    assert len(po.translated_entries()) > 0
    assert not problems, f"{locale}: {RUN}\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogues_match_their_sources(locale):
    po = catalogue(locale)
    mo = polib.mofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo"))
    expected = {key(entry): translation(entry) for entry in po.translated_entries()}
    compiled = {key(entry): translation(entry) for entry in mo}
    stale = sorted(
        set(expected.items()).symmetric_difference(compiled.items()), key=str
    )
    assert not stale, f"{locale}: django.mo is out of date, {RUN}\n{stale[:20]}"
    for header in ("Language", "Plural-Forms", "Content-Type"):
        assert mo.metadata.get(header) == po.metadata.get(header), header


def test_serbian_latin_is_the_transliteration_of_cyrillic():
    cyrillic = {key(entry): entry for entry in catalogue("sr")}
    latin = {key(entry): entry for entry in catalogue("sr_Latn")}
    assert latin.keys() == cyrillic.keys(), RUN
    wrong = []
    for message, entry in latin.items():
        source = translation(cyrillic[message])
        expected = (
            tuple(cyrtranslit.to_latin(text, "sr") for text in source)
            if isinstance(source, tuple)
            else cyrtranslit.to_latin(source, "sr")
        )
        if translation(entry) != expected:
            wrong.append((entry.msgid, translation(entry), expected))
    assert not wrong, f"sr_Latn is generated from sr: {RUN}\n{wrong[:20]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale):
    po = catalogue(locale)
    plural = plural_function(po)
    lost = []
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            if placeholders(entry.msgstr) != placeholders(entry.msgid):
                lost.append((entry.msgid, entry.msgstr))
            continue
        singular, many = placeholders(entry.msgid), placeholders(entry.msgid_plural)
        for index, text in entry.msgstr_plural.items():
            # A form used for 21 or 101 (Serbian form 0) must show the number.
            numbers = {n for n in range(1000) if plural(n) == index}
            allowed = [singular, many] if numbers == {1} else [many]
            if placeholders(text) not in allowed:
                lost.append((entry.msgid, index, text))
    assert not lost, f"{locale}: placeholders differ from the English\n{lost}"


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    missing_tools = [
        tool
        for tool in ("xgettext", "msgmerge", "msguniq", "msgattrib")
        if not shutil.which(tool)
    ]
    if missing_tools:
        pytest.skip(
            "GNU gettext is not installed: apt-get install gettext "
            f"(missing {', '.join(missing_tools)})"
        )
    script = load_script()
    ignored = shutil.ignore_patterns(".*", "locale", *script.IGNORE)

    def sources_only(directory: str, names: list[str]) -> set[str]:
        skip = ignored(directory, names)
        return skip | {
            name
            for name in names
            if not Path(directory, name).is_dir()
            and Path(name).suffix not in (".py", ".html", ".txt")
        }

    # Extract from a copy, so that makemessages' work files never touch the tree.
    copy = tmp_path / "ura"
    shutil.copytree(BASE_DIR / "ura", copy, ignore=sources_only)
    script.extract(("sq",), source_dir=copy, locale_dir=copy / "locale", verbosity=0)

    extracted = {
        key(entry) for entry in polib.pofile(str(script.po_path(copy / "locale", "sq")))
    }
    committed = {key(entry) for entry in catalogue("sq") if not entry.obsolete}
    new = sorted(extracted - committed)
    assert not new, (
        f"{len(new)} string(s) in the code are not in the catalogues: {RUN}\n"
        + "\n".join(repr(message[1]) for message in new)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "lang", "sign_in"),
    [("sq", "sq", "Hyr"), ("sr", "sr", "Пријава"), ("sr-Latn", "sr-latn", "Prijava")],
)
def test_the_sign_in_page_speaks_the_language_the_browser_asks_for(
    accept_language, lang, sign_in
):
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert re.search(rf">\s*{sign_in}\s*</button>", page), page
    assert "Sign in" not in page
    assert "User name" not in page
