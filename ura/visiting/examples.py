"""Two example protocols: a universal one for every family and an intensified
one for prioritised families. They are examples to show how a protocol is
built, not a clinical recommendation: the programme replaces them with its own
(docs/home-visiting.md). ``ura load-visit-protocols`` and the demo load them."""

from __future__ import annotations

from django.db import transaction

from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.visiting.models import Anchor, Protocol, ProtocolKind, ProtocolVisit
from ura.visiting.models import RecordSection as S
from ura.visiting.protocols import VisitInput, protocol_problems

P, B = Anchor.PREGNANCY, Anchor.BIRTH
PREGNANCY = [S.FEEDING, S.MATERNAL_MENTAL_HEALTH, S.HOME_SAFETY]
NEWBORN = [S.GROWTH, S.FEEDING, S.IMMUNISATION, S.MATERNAL_MENTAL_HEALTH, S.HOME_SAFETY]
INFANT = [S.GROWTH, S.FEEDING, S.IMMUNISATION, S.MILESTONES]
INFANT_MOTHER = [*INFANT, S.MATERNAL_MENTAL_HEALTH]
TODDLER = [S.GROWTH, S.FEEDING, S.IMMUNISATION, S.MILESTONES, S.HOME_SAFETY]

# (name, anchor, target, opens, due, overdue, closes, sections)
UNIVERSAL = [
    ("Pregnancy, week 28", P, 28, -14, 0, 14, 28, PREGNANCY),
    ("Newborn, day 3", B, 3, -3, 0, 4, 7, NEWBORN),
    ("Two weeks", B, 14, -4, 0, 7, 14, NEWBORN),
    ("One month", B, 30, -2, 0, 10, 20, INFANT_MOTHER),
    ("Two months", B, 60, -10, 0, 14, 30, INFANT_MOTHER),
    ("Four months", B, 120, -30, 0, 21, 45, INFANT_MOTHER),
    ("Six months", B, 180, -15, 0, 21, 60, INFANT),
    ("Nine months", B, 270, -30, 0, 30, 60, TODDLER),
    ("Twelve months", B, 365, -35, 0, 30, 60, TODDLER),
]
INTENSIFIED = [
    ("Pregnancy, week 20", P, 20, -14, 0, 7, 14, PREGNANCY),
    ("Pregnancy, week 28", P, 28, -14, 0, 7, 14, PREGNANCY),
    ("Pregnancy, week 36", P, 36, -14, 0, 7, 14, PREGNANCY),
    ("Newborn, day 3", B, 3, -3, 0, 2, 4, NEWBORN),
    ("Newborn, day 10", B, 10, -3, 0, 4, 7, NEWBORN),
    ("Three weeks", B, 21, -4, 0, 5, 9, NEWBORN),
    ("Six weeks", B, 42, -12, 0, 10, 18, INFANT_MOTHER),
    ("Ten weeks", B, 75, -15, 0, 10, 15, INFANT_MOTHER),
    ("Four months", B, 120, -30, 0, 15, 30, INFANT_MOTHER),
    ("Six months", B, 180, -30, 0, 15, 30, INFANT_MOTHER),
    ("Eight months", B, 240, -30, 0, 15, 30, INFANT),
    ("Ten months", B, 300, -30, 0, 15, 30, TODDLER),
    ("Twelve months", B, 365, -35, 0, 30, 60, TODDLER),
    ("Eighteen months", B, 545, -45, 0, 30, 60, TODDLER),
    ("Two years", B, 730, -60, 0, 30, 60, TODDLER),
]
EXAMPLES = [
    (
        "Universal (example)",
        ProtocolKind.UNIVERSAL,
        "An example of a universal protocol: one visit in pregnancy and eight in "
        "the first year. Replace it with the programme's own.",
        UNIVERSAL,
    ),
    (
        "Intensified (example)",
        ProtocolKind.INTENSIFIED,
        "An example of an intensified protocol for prioritised families: three "
        "visits in pregnancy, close follow-up of the newborn, and visits to the "
        "second birthday. Replace it with the programme's own.",
        INTENSIFIED,
    ),
]


def example_inputs(rows: list[tuple]) -> list[VisitInput]:
    return [
        VisitInput(name, anchor, target, o, d, od, c, [str(s) for s in sections])
        for name, anchor, target, o, d, od, c, sections in rows
    ]


@transaction.atomic
def load_example_protocols() -> int:
    """Create the example protocols that are not there yet (by name); each is the
    default of its kind unless the deployment already has one. Returns how many
    were created."""
    created = 0
    for name, kind, description, rows in EXAMPLES:
        if Protocol.objects.filter(name=name).exists():
            continue
        visits = example_inputs(rows)
        problems = protocol_problems(visits)
        assert not problems, problems
        protocol = Protocol.objects.create(
            name=name,
            kind=kind,
            description=description,
            is_default=not Protocol.objects.filter(kind=kind, is_default=True).exists(),
        )
        ProtocolVisit.objects.bulk_create(
            ProtocolVisit(
                protocol=protocol,
                name=v.name,
                anchor=v.anchor,
                target=v.target,
                opens=v.opens,
                due=v.due,
                overdue=v.overdue,
                closes=v.closes,
                sections=v.sections,
            )
            for v in visits
        )
        record(
            actor=None,
            action=AuditAction.CREATE,
            obj=protocol,
            fields=["name", "kind", "visits"],
            changes={"visits": len(visits)},
            detail="example protocol loaded",
        )
        created += 1
    return created
