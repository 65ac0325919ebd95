"""Writes to a case itself: opening, editing, assigning, linking. Atomic, validated,
audited. The work on a case (assessments, plans, notes, ...) has its own modules;
they all end with ``case_changed`` so the stage and deadline stay true."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.grants import grant_open
from ura.access.models import GrantReason, PersonGrant
from ura.access.rules import Permission, agencies_where, may
from ura.accounts.models import Agency, AgencyType, Role, Team, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.models import (
    Case,
    CaseConcern,
    CaseEvent,
    CaseEventKind,
    CaseLink,
    Concern,
    ReportSource,
    RiskLevel,
    Stage,
)
from ura.cases.stages import case_refresh
from ura.core.versioning import StaleEdit, save_versioned
from ura.people.models import Person


class NotAllowed(Exception):
    """The actor may not do this (the view answers 403)."""


# Fields of a case a worker edits directly; everything else follows from actions.
CASE_EDITABLE_FIELDS = ("risk_level", "reported_on", "reported_by", "report_summary")


def case_event(
    case: Case, *, actor: User | None, kind: CaseEventKind, detail: str = ""
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, kind=kind, detail=detail[:200]
    )


def case_changed(case: Case, *, actor: User | None) -> None:
    """Re-derive the stage and deadline after any change; note a new stage."""
    old, new = case_refresh(case)
    if old != new:
        case_event(case, actor=actor, kind=CaseEventKind.STAGE, detail=new)


def _case_source(case: Case) -> tuple[str, str]:
    return ("case", str(case.pk))


def case_grants_sync(case: Case, *, actor: User | None) -> None:
    """Open the grants the case's worker and supervisor need and end the others:
    access follows the case when it is reassigned or transferred."""
    wanted = {(GrantReason.CASE_WORKER, case.worker_id)}
    if case.supervisor_id:
        wanted.add((GrantReason.CASE_SUPERVISOR, case.supervisor_id))
    source_type, source_id = _case_source(case)
    now = timezone.now()
    current = PersonGrant.objects.filter(
        source_type=source_type, source_id=source_id, ends_at__isnull=True
    )
    have = set()
    for grant in current:
        key = (grant.reason, grant.user_id)
        if key in wanted and grant.person_id == case.person_id:
            have.add(key)
        else:
            PersonGrant.objects.filter(pk=grant.pk).update(ends_at=now)
    for reason, user_id in wanted - have:
        grant_open(
            actor=actor,
            person=case.person,
            reason=reason,
            user=User.objects.get(pk=user_id),
            source=(source_type, source_id),
            case_id=case.pk,
        )


def case_agency_of(worker: User) -> int:
    agencies = list(
        agencies_where(worker, Role.SOCIAL_WORKER, Role.SUPERVISOR).values_list(
            "pk", flat=True
        )
    )
    if not agencies:
        raise ValidationError(
            {"worker": _("This worker has no social work role in any agency.")}
        )
    return agencies[0]


def supervisor_of(worker: User, agency_id: int) -> User | None:
    team = (
        Team.objects.filter(agency_id=agency_id, members=worker)
        .select_related("supervisor")
        .order_by("pk")
        .first()
    )
    return team.supervisor if team else None


def _check_concerns(concerns: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(concerns))
    unknown = [c for c in chosen if c not in Concern.values]
    if unknown:
        raise ValidationError(
            {
                "concerns": _("Unknown concern: %(codes)s")
                % {"codes": ", ".join(unknown)}
            }
        )
    if not chosen:
        raise ValidationError({"concerns": _("Choose at least one concern.")})
    return chosen


def _check_report_date(reported_on: date) -> None:
    if reported_on > timezone.localdate():
        raise ValidationError(
            {"reported_on": _("The date of the report cannot be in the future.")}
        )


def _case_create(
    *,
    actor: User,
    person: Person,
    agency_id: int,
    worker: User,
    supervisor: User | None,
    risk_level: str,
    reported_on: date,
    reported_by: str,
    report_summary: str,
    concerns: list[str],
    fields: list[str],
    detail: str = "",
    request: HttpRequest | None,
) -> Case:
    """The case row, its concerns, grants, first event and audit event, inside
    the caller's transaction."""
    now = timezone.now()
    case = Case(
        person=person,
        # A placeholder until the id is known: unique, and never shown.
        reference=f"new-{secrets.token_hex(6)}",
        agency_id=agency_id,
        worker=worker,
        supervisor=supervisor,
        risk_level=risk_level,
        risk_set_at=now,
        reported_on=reported_on,
        reported_by=reported_by,
        report_summary=report_summary,
        opened_at=now,
        opened_by=actor,
        stage=Stage.IDENTIFICATION,
    )
    case.full_clean(exclude=["reference"])
    case.save(force_insert=True)
    case.reference = f"{now.year}-{case.pk:06d}"
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    CaseConcern.objects.bulk_create(
        CaseConcern(case=case, concern=code) for code in concerns
    )
    case_grants_sync(case, actor=actor)
    case_event(case, actor=actor, kind=CaseEventKind.OPENED, detail=risk_level)
    case_changed(case, actor=actor)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=case,
        fields=["person", "risk_level", "concerns", "reported_on", "reported_by"]
        + fields,
        detail=detail,
        request=request,
    )
    return case


def case_open(
    *,
    actor: User,
    person: Person,
    risk_level: str,
    reported_on: date,
    reported_by: str,
    concerns: Iterable[str],
    report_summary: str = "",
    worker: User | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Open a case for a child. The worker defaults to the actor; their agency and
    their team's supervisor come with them."""
    if not may(actor, Permission.OPEN_CASE):
        raise NotAllowed
    worker = worker or actor
    if worker != actor and not may(actor, Permission.ASSIGN_CASES):
        raise NotAllowed
    chosen = _check_concerns(concerns)
    _check_report_date(reported_on)
    with transaction.atomic():
        agency_id = case_agency_of(worker)
        return _case_create(
            actor=actor,
            person=person,
            agency_id=agency_id,
            worker=worker,
            supervisor=supervisor_of(worker, agency_id),
            risk_level=risk_level,
            reported_on=reported_on,
            reported_by=reported_by,
            report_summary=report_summary,
            concerns=chosen,
            fields=["report_summary"] if report_summary else [],
            request=request,
        )


def intake_supervisor(agency: Agency) -> User | None:
    """Who receives the reports made to a centre for social work from outside it:
    the supervisor of its first team, who assigns the case on."""
    team = (
        Team.objects.filter(agency=agency, supervisor__is_active=True)
        .select_related("supervisor")
        .order_by("pk")
        .first()
    )
    return team.supervisor if team else None


def case_open_on_report(
    *,
    actor: User,
    person: Person,
    agency: Agency,
    risk_level: str,
    reported_on: date,
    concerns: Iterable[str],
    report_summary: str,
    request: HttpRequest | None = None,
) -> Case:
    """A professional outside social work (a home visiting nurse) reports a child
    to a centre for social work: the case opens there, reported by a health
    service, on the desk of the centre's intake supervisor until they assign it.
    The reporter gets no access to the case; they see its reference and stage
    where the report came from."""
    if not may(actor, Permission.SEND_REFERRALS):
        raise NotAllowed
    if agency.type != AgencyType.SOCIAL_WORK or not agency.is_active:
        raise ValidationError(
            {"agency": _("Choose a centre for social work to report to.")}
        )
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Choose one of the allowed values.")})
    chosen = _check_concerns(concerns)
    _check_report_date(reported_on)
    report_summary = (report_summary or "").strip()
    if not report_summary:
        raise ValidationError(
            {"report_summary": _("Say what was seen: the centre acts on it.")}
        )
    worker = intake_supervisor(agency)
    if worker is None:
        raise ValidationError(
            {
                "agency": _(
                    "No one at this centre receives reports in Ura yet: call the "
                    "centre."
                )
            }
        )
    with transaction.atomic():
        return _case_create(
            actor=actor,
            person=person,
            agency_id=agency.pk,
            worker=worker,
            supervisor=worker,
            risk_level=risk_level,
            reported_on=reported_on,
            reported_by=ReportSource.HEALTH,
            report_summary=report_summary,
            concerns=chosen,
            fields=["report_summary"],
            detail=f"reported to agency {agency.pk}",
            request=request,
        )


def case_update(
    *,
    actor: User,
    case: Case,
    data: dict[str, Any],
    concerns: Iterable[str] | None = None,
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Edit the report and the risk level; a stale edit is refused."""
    if not may_on_case(actor, case, CaseUse.WORK):
        raise NotAllowed
    if "reported_on" in data:
        _check_report_date(data["reported_on"])
    chosen = _check_concerns(concerns) if concerns is not None else None
    with transaction.atomic():
        stored = Case.objects.select_for_update().get(pk=case.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name
            for name, value in data.items()
            if name in CASE_EDITABLE_FIELDS and getattr(stored, name) != value
        ]
        for name in changed:
            setattr(stored, name, data[name])
        if "risk_level" in changed:
            stored.risk_set_at = timezone.now()
            changed.append("risk_set_at")
        if chosen is not None:
            before = set(stored.concerns.values_list("concern", flat=True))
            if before != set(chosen):
                stored.concerns.all().delete()
                CaseConcern.objects.bulk_create(
                    CaseConcern(case=stored, concern=code) for code in chosen
                )
                changed.append("concerns")
        if not changed:
            return []
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[f for f in changed if f != "concerns"] + ["updated_at"],
        )
        if "risk_level" in changed:
            case_event(
                stored, actor=actor, kind=CaseEventKind.RISK, detail=stored.risk_level
            )
        case_changed(stored, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    for name in ["version", "updated_at", "stage", "next_step", "next_due_at"]:
        setattr(case, name, getattr(stored, name))
    for name in changed:
        if name != "concerns":
            setattr(case, name, getattr(stored, name))
    return changed


def case_set_risk(*, actor: User, case: Case, risk_level: str) -> None:
    """A new risk level from an assessment (inside the assessment's transaction)."""
    if risk_level not in RiskLevel.values or risk_level == case.risk_level:
        return
    Case.objects.filter(pk=case.pk).update(
        risk_level=risk_level, risk_set_at=timezone.now()
    )
    case.risk_level = risk_level
    case_event(case, actor=actor, kind=CaseEventKind.RISK, detail=risk_level)


def case_assign(
    *,
    actor: User,
    case: Case,
    worker: User,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    """A supervisor gives the case to another worker of the same agency."""
    if not may_on_case(actor, case, CaseUse.ASSIGN):
        raise NotAllowed
    if case.agency_id not in set(
        agencies_where(worker, Role.SOCIAL_WORKER, Role.SUPERVISOR).values_list(
            "pk", flat=True
        )
    ):
        raise ValidationError(
            {"worker": _("The worker must work for the case's agency.")}
        )
    with transaction.atomic():
        stored = Case.objects.select_for_update().get(pk=case.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        if stored.worker_id == worker.pk:
            return
        stored.worker = worker
        stored.supervisor = supervisor_of(worker, stored.agency_id) or stored.supervisor
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=["worker", "supervisor", "updated_at"],
        )
        case_grants_sync(stored, actor=actor)
        case_event(stored, actor=actor, kind=CaseEventKind.ASSIGNED)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["worker", "supervisor"],
            request=request,
        )
    case.worker, case.supervisor, case.version = (
        stored.worker,
        stored.supervisor,
        stored.version,
    )


def case_link(
    *, actor: User, case: Case, other: Case, request: HttpRequest | None = None
) -> None:
    """Link a sibling's case, both ways. The actor must be able to work on both."""
    if not (
        may_on_case(actor, case, CaseUse.WORK)
        and may_on_case(actor, other, CaseUse.WORK)
    ):
        raise NotAllowed
    if case.pk == other.pk:
        raise ValidationError(_("A case cannot be linked to itself."))
    with transaction.atomic():
        for a, b in ((case, other), (other, case)):
            CaseLink.objects.get_or_create(
                case=a, other=b, defaults={"linked_by": actor}
            )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            fields=["links"],
            detail=f"linked to case {other.pk}",
            request=request,
        )
