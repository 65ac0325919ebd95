"""Keeping the visit protocols: checked as a whole, saved as a whole, audited.

A protocol's visits are saved together: one visit whose window runs backwards,
or two whose windows overlap, refuse the whole list and nothing is saved. The
windows are compared on one line of days counted from the first day of the
last menstrual period, where the expected date of delivery is day 280, so a
late pregnancy visit and a newborn visit are checked against each other too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import save_versioned
from ura.visiting import rescheduling
from ura.visiting.models import (
    Anchor,
    Protocol,
    ProtocolKind,
    ProtocolVisit,
    RecordSection,
    ScheduleUpdate,
)
from ura.visiting.schedule import PREGNANCY_DAYS

MAX_PREGNANCY_WEEK = 42
# The first 1,000 days run to about 27 months of age; a protocol may follow a
# child to their third birthday.
MAX_AGE_DAYS = 3 * 366
MAX_VISITS = 60


class NotAllowed(Exception):
    """The actor's role does not allow keeping the protocols."""


@dataclass
class VisitInput:
    """One visit as typed; ``pk`` names an existing visit of the protocol."""

    name: str
    anchor: str
    target: int
    opens: int
    due: int
    overdue: int
    closes: int
    sections: list[str] = field(default_factory=list)
    pk: int | None = None

    def day(self, offset: int) -> int:
        """Where ``target + offset`` falls on the line of days from the LMP."""
        if self.anchor == Anchor.PREGNANCY:
            return self.target * 7 + offset
        return PREGNANCY_DAYS + self.target + offset


def _visit_problems(visit: VisitInput) -> list[str]:
    name = visit.name or _("(no name)")
    problems = []
    if not visit.name.strip():
        problems.append(_("Each visit needs a name."))
    if visit.anchor not in Anchor.values:
        problems.append(
            _("%(visit)s: choose how the visit is timed.") % {"visit": name}
        )
        return problems
    if visit.anchor == Anchor.PREGNANCY and not 1 <= visit.target <= MAX_PREGNANCY_WEEK:
        problems.append(
            _("%(visit)s: a week of pregnancy is between 1 and %(max)s.")
            % {"visit": name, "max": MAX_PREGNANCY_WEEK}
        )
    if visit.anchor == Anchor.BIRTH and not 0 <= visit.target <= MAX_AGE_DAYS:
        problems.append(
            _("%(visit)s: an age in days is between 0 and %(max)s.")
            % {"visit": name, "max": MAX_AGE_DAYS}
        )
    if not (visit.opens <= visit.due <= visit.overdue <= visit.closes) or (
        visit.opens >= visit.closes
    ):
        problems.append(
            _(
                "%(visit)s: the window runs backwards. It must open first, then be "
                "due, then overdue, then close, and close after it opens "
                "(opens %(opens)s, due %(due)s, overdue %(overdue)s, "
                "closes %(closes)s days from the target)."
            )
            % {
                "visit": name,
                "opens": visit.opens,
                "due": visit.due,
                "overdue": visit.overdue,
                "closes": visit.closes,
            }
        )
    unknown = [s for s in visit.sections if s not in RecordSection.values]
    if unknown:
        problems.append(
            _("%(visit)s: choose what is recorded from the list.") % {"visit": name}
        )
    return problems


def protocol_problems(visits: list[VisitInput]) -> list[str]:
    """Every reason the list cannot be saved, each naming its visit."""
    problems: list[str] = []
    if not visits:
        problems.append(_("A protocol needs at least one visit."))
    if len(visits) > MAX_VISITS:
        problems.append(
            _("A protocol has at most %(max)s visits.") % {"max": MAX_VISITS}
        )
    for visit in visits:
        problems += _visit_problems(visit)
    if problems:
        return problems
    ordered = sorted(visits, key=lambda v: (v.day(v.opens), v.day(v.closes)))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        # Windows are [opens, closes): the next may open the day the last closes.
        if later.day(later.opens) < earlier.day(earlier.closes):
            problems.append(
                _(
                    "%(first)s and %(second)s: their windows overlap. A window "
                    "must close before the next one opens."
                )
                % {"first": earlier.name, "second": later.name}
            )
    return problems


def _check_protocol_fields(name: str, kind: str, protocol: Protocol | None) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the protocol a name.")
    elif (
        Protocol.objects.filter(name__iexact=name.strip())
        .exclude(pk=protocol.pk if protocol else None)
        .exists()
    ):
        errors["name"] = _("Another protocol has this name.")
    if kind not in ProtocolKind.values:
        errors["kind"] = _("Choose one of the allowed values.")
    if errors:
        raise ValidationError(errors)


def _make_default(protocol: Protocol) -> None:
    Protocol.objects.filter(kind=protocol.kind, is_default=True).exclude(
        pk=protocol.pk
    ).update(is_default=False)


def protocol_create(
    *,
    actor: User,
    name: str,
    kind: str,
    description: str = "",
    is_default: bool = False,
    visits: Iterable[VisitInput] = (),
    request: HttpRequest | None = None,
) -> Protocol:
    if not may(actor, Permission.MANAGE_VISIT_PROTOCOLS):
        raise NotAllowed
    visits = list(visits)
    _check_protocol_fields(name, kind, None)
    problems = protocol_problems(visits)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        protocol = Protocol(
            name=name.strip(), kind=kind, description=description, is_default=False
        )
        protocol.full_clean()
        protocol.save(force_insert=True)
        if is_default:
            _make_default(protocol)
            protocol.is_default = True
            protocol.save(update_fields=["is_default"])
        _save_visits(protocol, visits)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=protocol,
            fields=["name", "kind", "description", "is_default", "visits"],
            changes={"visits": len(visits)},
            request=request,
        )
    return protocol


def _save_visits(protocol: Protocol, visits: list[VisitInput]) -> None:
    """Replace the protocol's visits by ``visits``, keeping the rows (and so the
    scheduled visits that point to them) of those that stay."""
    existing = {v.pk: v for v in protocol.visits.all()}
    kept = {v.pk for v in visits if v.pk in existing}
    ProtocolVisit.objects.filter(protocol=protocol).exclude(pk__in=kept).delete()
    for visit in visits:
        row = existing.get(visit.pk) if visit.pk else None
        if row is None:
            row = ProtocolVisit(protocol=protocol)
        for name in ("name", "anchor", "target", "opens", "due", "overdue", "closes"):
            setattr(row, name, getattr(visit, name))
        row.name = visit.name.strip()
        row.sections = [s for s in RecordSection.values if s in visit.sections]
        row.full_clean()
        row.save()


@dataclass(frozen=True)
class ProtocolSaved:
    """What saving a protocol did to the schedules: ``rescheduled`` active
    enrolments followed it at once, or ``update`` brings them in line in the
    background."""

    rescheduled: int
    update: ScheduleUpdate | None = None


def protocol_update(
    *,
    actor: User,
    protocol: Protocol,
    expected_version: int,
    name: str,
    kind: str,
    description: str,
    is_default: bool,
    is_active: bool,
    visits: Iterable[VisitInput],
    request: HttpRequest | None = None,
) -> ProtocolSaved:
    """Save the protocol and its visits; the schedules of the active enrolments
    on it follow: inline for a few, in the background for many
    (``ura.visiting.rescheduling``)."""
    if not may(actor, Permission.MANAGE_VISIT_PROTOCOLS):
        raise NotAllowed
    visits = list(visits)
    _check_protocol_fields(name, kind, protocol)
    problems = protocol_problems(visits)
    if problems:
        raise ValidationError(problems)
    if not is_active and is_default:
        raise ValidationError(
            {"is_active": _("The default protocol of its kind must stay in use.")}
        )
    if rescheduling.running_update(protocol) is not None:
        raise ValidationError(
            _(
                "The schedules are still being updated after the last save: "
                "save again once that is finished."
            )
        )
    with transaction.atomic():
        protocol.name = name.strip()
        protocol.kind = kind
        protocol.description = description
        protocol.is_active = is_active
        protocol.is_default = is_default
        protocol.full_clean(validate_constraints=False)
        if is_default:
            _make_default(protocol)
        save_versioned(
            protocol,
            expected_version=expected_version,
            update_fields=[
                "name",
                "kind",
                "description",
                "is_active",
                "is_default",
                "updated_at",
            ],
        )
        _save_visits(protocol, visits)
        ids = rescheduling.active_ids(protocol)
        update = None
        if len(ids) <= rescheduling.INLINE_LIMIT:
            rescheduling.reschedule_batch(ids, protocol=protocol)
        else:
            update = rescheduling.update_start(
                protocol=protocol, actor=actor, total=len(ids)
            )
            # The thread reads the saved visits: it starts once they are committed.
            transaction.on_commit(partial(rescheduling.update_in_background, update.pk))
        changes = {"visits": len(visits), "rescheduled": len(ids)}
        if update is not None:
            changes["in_background"] = update.pk
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=protocol,
            fields=["name", "kind", "description", "is_default", "is_active", "visits"],
            changes=changes,
            request=request,
        )
    return ProtocolSaved(len(ids), update)


def default_protocol(*, prioritised: bool) -> Protocol | None:
    """The protocol a new enrolment gets: the intensified one for a prioritised
    family, else the universal one (either when only one is set up)."""
    preferred = ProtocolKind.INTENSIFIED if prioritised else ProtocolKind.UNIVERSAL
    active = Protocol.objects.filter(is_active=True)
    return (
        active.filter(kind=preferred, is_default=True).first()
        or active.filter(kind=preferred).order_by("pk").first()
        or active.filter(is_default=True).order_by("pk").first()
        or active.order_by("pk").first()
    )
