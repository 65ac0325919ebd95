"""The held rows of a job as the importing user may see them.

Like the registration page's duplicate warning: a matching record the user may
see is shown in full, one they may not is only counted, so that an import never
reveals a record kept from its user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ura.access.rules import visible_people
from ura.accounts.models import User
from ura.people.models import Person
from ura.people.reasons import reason_label

__all__ = ["HeldRow", "ShownMatch", "held_lines", "held_report"]


@dataclass(frozen=True)
class ShownMatch:
    person: Person | None  # None: an earlier row of the file, not stored
    row: int | None  # the row of this file the record came from, if any
    score: int
    reasons: list[str]

    def describe(self) -> str:
        if self.person is not None and self.row:
            what = _("record #%(id)s (row %(row)s of this file)") % {
                "id": self.person.pk,
                "row": self.row,
            }
        elif self.person is not None:
            what = _("record #%(id)s") % {"id": self.person.pk}
        else:
            what = _("row %(row)s of this file") % {"row": self.row}
        return f"{what} ({self.score}%, {', '.join(self.reasons)})"


@dataclass(frozen=True)
class HeldRow:
    row: int
    same_as_row: int | None = None
    matches: list[ShownMatch] = field(default_factory=list)
    hidden: int = 0


def held_report(*, user: User, held: list[dict[str, Any]]) -> list[HeldRow]:
    ids = {m["person"] for e in held for m in e.get("matches", ()) if m["person"]}
    visible = {
        p.pk: p for p in visible_people(user).filter(pk__in=ids).select_related("place")
    }
    rows = []
    for entry in held:
        if entry["kind"] == "repeat":
            rows.append(HeldRow(entry["row"], same_as_row=entry["same_as_row"]))
            continue
        shown, hidden = [], 0
        for match in entry["matches"]:
            person = visible.get(match["person"])
            if match["person"] and person is None:
                hidden += 1
                continue
            reasons = [reason_label(code) for code in match["reasons"]]
            shown.append(ShownMatch(person, match["row"], match["score"], reasons))
        rows.append(HeldRow(entry["row"], matches=shown, hidden=hidden))
    return rows


def held_lines(*, user: User, held: list[dict[str, Any]]) -> list[str]:
    """The report as lines of text, for the command."""
    lines = []
    for entry in held_report(user=user, held=held):
        if entry.same_as_row:
            lines.append(
                _("Row %(row)s: the same as row %(first)s; imported once.")
                % {"row": entry.row, "first": entry.same_as_row}
            )
            continue
        parts = [m.describe() for m in entry.matches]
        if entry.hidden:
            parts.append(
                ngettext(
                    "%(n)s record not shared with you",
                    "%(n)s records not shared with you",
                    entry.hidden,
                )
                % {"n": entry.hidden}
            )
        lines.append(
            _("Row %(row)s: held for review, a possible duplicate of %(matches)s.")
            % {"row": entry.row, "matches": "; ".join(parts)}
        )
    return lines
