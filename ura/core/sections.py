"""Sections of a record's page contributed by the parts of Ura that know about it.

A person's page shows their cases; a case's page shows its conferences and its
contact with the law. The app that owns the page must not import the apps that
add to it (dependencies point one way), so those apps register a function here
in their ``AppConfig.ready``: given the user and the record (already checked by
``ura.access``), it returns the template and context of its section, or None to
show nothing. Pages render their sections in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


SectionFunction = Callable[[Any, Any], Section | None]
_SECTIONS: dict[str, list[tuple[int, str, SectionFunction]]] = {}


def register_section(page: str, name: str, order: int, build: SectionFunction) -> None:
    entries = _SECTIONS.setdefault(page, [])
    if any(existing == name for _, existing, _ in entries):
        return
    entries.append((order, name, build))
    entries.sort(key=lambda entry: (entry[0], entry[1]))


def page_sections(page: str, user: Any, record: Any) -> list[Section]:
    sections = []
    for _order, _name, build in _SECTIONS.get(page, []):
        section = build(user, record)
        if section is not None:
            sections.append(section)
    return sections
