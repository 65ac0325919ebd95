"""Extract, transliterate and compile Ura's translations (`make messages`).

1. Runs Django's ``makemessages`` for Albanian (``sq``), Serbian Cyrillic (``sr``)
   and Serbian Latin (``sr_Latn``).  Extraction needs GNU gettext (xgettext,
   msgmerge); everything after it is pure Python.
2. Fills every Serbian Latin message by transliterating the Cyrillic one with
   ``cyrtranslit``, so ``sr_Latn`` is never edited by hand.
3. Compiles every catalogue to ``.mo`` with ``polib`` (no msgfmt needed).
4. Lists untranslated or fuzzy messages in ``sq`` and ``sr`` and exits non-zero
   when there are any: translate them in the ``.po`` and run it again.

``--apply FILE.json`` fills translations from a file before the check: a list of
``{"msgid": ..., "msgctxt": ... (optional), "sq": ..., "sr": ...}``, where a plural
message gives lists (``"sq": [one, many]``, ``"sr": [one, few, many]``). Runs take
a lock on the catalogues, so two people (or two helpers) running it at once do not
overwrite each other's work.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import gettext
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import cyrtranslit
import polib

BASE_DIR = Path(__file__).resolve().parent.parent
SOURCE_DIR = BASE_DIR / "ura"
LOCALE_DIR = SOURCE_DIR / "locale"

TRANSLATED = ("sq", "sr")  # edited by hand
LATIN = "sr_Latn"  # generated from sr
LOCALES = (*TRANSLATED, LATIN)

IGNORE = [
    ".venv",
    "venv",
    "var",
    "tests",
    "benchmarks",
    "static",
    "node_modules",
    "docs",
    "scripts",
    "*.egg-info",
]

SERBIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
HEADERS = {
    "sq": {"Language": "sq", "Plural-Forms": "nplurals=2; plural=(n != 1);"},
    "sr": {"Language": "sr", "Plural-Forms": SERBIAN_PLURALS},
    "sr_Latn": {"Language": "sr_Latn", "Plural-Forms": SERBIAN_PLURALS},
}
COMMON_HEADERS = {
    "Project-Id-Version": "Ura",
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "Ura team",
    "Language-Team": "Ura team",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}

# Python %-format and str.format placeholders, and Django template variables.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|\{\{[^{}]*\}\}|\{[^{}]*\}"
)
HTML_TAG = re.compile(r"<[^<>]+>|&[#\w]+;")
# cyrtranslit turns "ЉУ" into "LjU"; an all-capitals word reads badly in Latin.
CAPS_DIGRAPH = re.compile(r"[ЉЊЏ][А-ЯЂЈЋЏЉЊ]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def po_path(locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("URA_ENV", "test")
    import django

    django.setup()


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def extract(
    locales: tuple[str, ...] = LOCALES,
    source_dir: Path = SOURCE_DIR,
    locale_dir: Path = LOCALE_DIR,
    verbosity: int = 1,
) -> None:
    """Run makemessages over ``source_dir`` into ``locale_dir``.

    ``locale_dir`` must sit directly inside ``source_dir``: makemessages assigns
    each source file to the locale path whose parent contains it.
    """
    from django.core.management import call_command
    from django.test import override_settings

    source_dir, locale_dir = Path(source_dir).resolve(), Path(locale_dir).resolve()
    if locale_dir.parent != source_dir:
        raise ValueError(f"{locale_dir} is not directly inside {source_dir}")
    with _working_directory(source_dir), override_settings(LOCALE_PATHS=[locale_dir]):
        call_command(
            "makemessages",
            locale=list(locales),
            domain="django",
            no_location=True,
            no_obsolete=True,
            ignore_patterns=list(IGNORE),
            verbosity=verbosity,
        )


def set_headers(po: polib.POFile, locale: str) -> None:
    po.metadata.update(COMMON_HEADERS)
    po.metadata.update(HEADERS[locale])
    revised = po.metadata.get("PO-Revision-Date", "")
    if not revised or revised.startswith("YEAR"):  # gettext's unfilled template
        po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    # makemessages' template header, now filled in.
    po.header = (
        "Ura user interface.\n"
        "This file is distributed under the same license as the Ura package."
    )
    po.metadata_is_fuzzy = False


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def to_latin(text: str) -> str:
    latin = cyrtranslit.to_latin(text, "sr")
    if placeholders(latin) != placeholders(text):
        raise ValueError(f"transliteration changed the placeholders of {text!r}")
    if HTML_TAG.findall(latin) != HTML_TAG.findall(text):
        raise ValueError(f"transliteration changed the HTML of {text!r}")
    return latin


def transliterate(cyrillic: polib.POFile, latin: polib.POFile) -> list[str]:
    """Make every message of ``latin`` the transliteration of ``cyrillic``."""
    warnings = []
    source = {_key(entry): entry for entry in cyrillic if not entry.obsolete}
    for entry in latin:
        original = source.get(_key(entry))
        if original is None:
            entry.msgstr = ""
            entry.msgstr_plural = (
                dict.fromkeys(entry.msgstr_plural, "") if entry.msgid_plural else {}
            )
            continue
        entry.msgstr = to_latin(original.msgstr)
        entry.msgstr_plural = {
            index: to_latin(text) for index, text in original.msgstr_plural.items()
        }
        if original.fuzzy and not entry.fuzzy:
            entry.flags.append("fuzzy")
        if entry.fuzzy and not original.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
        for text in [original.msgstr, *original.msgstr_plural.values()]:
            if CAPS_DIGRAPH.search(text):
                warnings.append(
                    f"sr: capitals Љ/Њ/Џ in {text!r} transliterate as Lj/Nj/Dž"
                )
    return warnings


def compile_catalogue(po: polib.POFile, po_file: Path) -> None:
    po.save_as_mofile(str(po_file.with_suffix(".mo")))


def placeholder_problems(po: polib.POFile, entry: polib.POEntry) -> bool:
    """True if a translation loses or adds a placeholder.

    A plural form used for any number but 1 (Serbian form 0 is also 21, 31, ...)
    must show every placeholder of the English plural.
    """
    if not entry.msgid_plural:
        return placeholders(entry.msgstr) != placeholders(entry.msgid)
    expression = po.metadata["Plural-Forms"].split("plural=", 1)[1].rstrip("; ")
    plural = gettext.c2py(expression)
    singular, many = placeholders(entry.msgid), placeholders(entry.msgid_plural)
    for index, text in entry.msgstr_plural.items():
        only_one = {n for n in range(1000) if plural(n) == index} == {1}
        if placeholders(text) not in ([singular, many] if only_one else [many]):
            return True
    return False


def problems(po: polib.POFile, locale: str) -> list[str]:
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        label = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}|{entry.msgid}"
        if entry.fuzzy:
            found.append(f"{locale}: fuzzy: {label!r}")
        elif not entry.translated():
            found.append(f"{locale}: untranslated: {label!r}")
        elif placeholder_problems(po, entry):
            found.append(f"{locale}: placeholders differ from the English: {label!r}")
    return found


def apply_translations(catalogues: dict[str, polib.POFile], path: Path) -> int:
    """Fill the sq and sr messages named in ``path``; returns how many were found."""
    applied = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        wanted = (item.get("msgctxt"), item["msgid"])
        for locale in TRANSLATED:
            text = item.get(locale)
            if text is None:
                continue
            for entry in catalogues[locale]:
                if entry.obsolete or (entry.msgctxt, entry.msgid) != wanted:
                    continue
                if entry.msgid_plural:
                    texts = [text] if isinstance(text, str) else text
                    entry.msgstr_plural = dict(enumerate(texts))
                else:
                    entry.msgstr = text
                if entry.fuzzy:
                    entry.flags.remove("fuzzy")
                applied += 1
                break
    return applied


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    with open(LOCALE_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-extract",
        action="store_true",
        help="skip makemessages (no GNU gettext needed); only transliterate, "
        "compile and check",
    )
    parser.add_argument(
        "--apply",
        type=Path,
        action="append",
        default=[],
        help="fill translations from this JSON file (see above); may be repeated",
    )
    args = parser.parse_args(argv)

    setup_django()
    with _locked():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if not args.no_extract:
        extract()

    catalogues = {}
    for locale in LOCALES:
        path = po_path(LOCALE_DIR, locale)
        catalogues[locale] = polib.pofile(str(path), wrapwidth=79)
        set_headers(catalogues[locale], locale)
    for path in args.apply:
        print(f"{apply_translations(catalogues, path)} translations from {path}")

    warnings = transliterate(catalogues["sr"], catalogues[LATIN])
    for locale, po in catalogues.items():
        path = po_path(LOCALE_DIR, locale)
        po.save(str(path))
        compile_catalogue(po, path)

    found = [
        issue for locale in TRANSLATED for issue in problems(catalogues[locale], locale)
    ]
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    total = len([entry for entry in catalogues["sq"] if not entry.obsolete])
    print(f"{total} messages in {', '.join(LOCALES)}; compiled to .mo")
    if found:
        for issue in found:
            print(issue, file=sys.stderr)
        print(
            f"{len(found)} message(s) to translate in ura/locale/sq or ura/locale/sr "
            "(sr_Latn is generated), then run `make messages` again",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
