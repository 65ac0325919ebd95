"""Writes of the justice records: atomic, validated, audited.

Only a user with ``record_justice`` who may work on the case
(``may_on_case(..., CaseUse.WORK)``) records anything. Dates that cannot be true
(in the future, an end before a start, a stage older than the one before it) are
refused with a message on the field, and nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed
from ura.cases.models import Case
from ura.core.versioning import StaleEdit, save_versioned
from ura.justice.detention import merged
from ura.justice.models import (
    COURT_RULINGS,
    DiscriminationReport,
    Involvement,
    Measure,
    MeasureKind,
    Proceeding,
    Role,
    StageChange,
)
from ura.people.forms import community_choices, residence_places
from ura.places.models import Place

__all__ = [
    "NotAllowed",
    "discrimination_report_add",
    "discrimination_report_update",
    "involvement_add",
    "may_record",
    "measure_add",
    "measure_update",
    "proceeding_add",
    "proceeding_update",
]

PROCEEDING_EDITABLE = ("kind", "authority", "authority_name", "reference")
MEASURE_EDITABLE = ("kind", "started_on", "ended_on", "note")
REPORT_EDITABLE = (
    "happened_on",
    "description",
    "community",
    "place",
    "reported_to",
    "reported_on",
    "litigation_support",
    "outcome",
    "ruling_on",
)


def may_record(user: User, case: Case) -> bool:
    return may(user, Permission.RECORD_JUSTICE) and may_on_case(
        user, case, CaseUse.WORK
    )


def _require(actor: User, case: Case) -> None:
    if not may_record(actor, case):
        raise NotAllowed


def _not_future(errors: dict[str, list[str]], name: str, day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        errors.setdefault(name, []).append(_("This date cannot be in the future."))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- Contact with the law -----------------------------------------------------


def involvement_add(
    *,
    actor: User,
    case: Case,
    role: str,
    since: date,
    note: str = "",
    request: HttpRequest | None = None,
) -> Involvement:
    _require(actor, case)
    errors: dict[str, list[str]] = {}
    _not_future(errors, "since", since)
    _raise(errors)
    with transaction.atomic():
        involvement = Involvement(
            case=case, role=role, since=since, note=note, recorded_by=actor
        )
        involvement.full_clean()
        involvement.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=involvement,
            fields=["case", "role", "since"] + (["note"] if note else []),
            detail=f"case {case.pk}",
            request=request,
        )
    return involvement


# --- Proceedings --------------------------------------------------------------


def proceeding_add(
    *,
    actor: User,
    involvement: Involvement,
    kind: str,
    authority: str,
    authority_name: str,
    stage: str,
    stage_since: date,
    reference: str = "",
    request: HttpRequest | None = None,
) -> Proceeding:
    _require(actor, involvement.case)
    errors: dict[str, list[str]] = {}
    _not_future(errors, "stage_since", stage_since)
    _raise(errors)
    with transaction.atomic():
        proceeding = Proceeding(
            involvement=involvement,
            kind=kind,
            authority=authority,
            authority_name=authority_name.strip(),
            reference=reference.strip(),
            stage=stage,
            stage_since=stage_since,
            recorded_by=actor,
        )
        proceeding.full_clean()
        proceeding.save(force_insert=True)
        StageChange.objects.create(
            proceeding=proceeding, stage=stage, on=stage_since, recorded_by=actor
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=proceeding,
            fields=["kind", "authority", "authority_name", "stage", "stage_since"]
            + (["reference"] if proceeding.reference else []),
            changes={"stage": stage},
            detail=f"case {involvement.case_id}",
            request=request,
        )
    return proceeding


def proceeding_update(
    *,
    actor: User,
    proceeding: Proceeding,
    data: dict[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Edit the proceedings; a new ``stage`` (with ``stage_since``, its date) is
    added to the stage history. A stale edit is refused."""
    case = proceeding.involvement.case
    _require(actor, case)
    data = dict(data)
    with transaction.atomic():
        stored = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        for name in ("authority_name", "reference"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        changed = [
            name
            for name in PROCEEDING_EDITABLE
            if name in data and getattr(stored, name) != data[name]
        ]
        for name in changed:
            setattr(stored, name, data[name])
        new_stage = data.get("stage")
        stage_changed = bool(new_stage) and new_stage != stored.stage
        if stage_changed:
            on = data.get("stage_since") or timezone.localdate()
            errors: dict[str, list[str]] = {}
            _not_future(errors, "stage_since", on)
            if on < stored.stage_since:
                errors.setdefault("stage_since", []).append(
                    _("A new stage cannot start before the current one (%(date)s).")
                    % {"date": stored.stage_since.isoformat()}
                )
            _raise(errors)
            stored.stage, stored.stage_since = new_stage, on
            changed += ["stage", "stage_since"]
        if not changed:
            return []
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        if stage_changed:
            StageChange.objects.create(
                proceeding=stored,
                stage=stored.stage,
                on=stored.stage_since,
                recorded_by=actor,
            )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            changes={"stage": stored.stage} if stage_changed else None,
            detail=f"case {case.pk}",
            request=request,
        )
    for name in [*changed, "version", "updated_at"]:
        setattr(proceeding, name, getattr(stored, name))
    return changed


# --- Measures -----------------------------------------------------------------


def _check_measure(
    errors: dict[str, list[str]],
    *,
    proceeding: Proceeding,
    kind: str,
    started_on: date | None,
    ended_on: date | None,
    exclude_pk: int | None = None,
) -> None:
    if proceeding.involvement.role != Role.ALLEGED_OFFENDER:
        errors.setdefault("kind", []).append(
            _(
                "Measures are recorded only in proceedings where the child is "
                "the alleged offender."
            )
        )
    if started_on is None:
        return
    _not_future(errors, "started_on", started_on)
    if ended_on is not None:
        if ended_on < started_on:
            errors.setdefault("ended_on", []).append(
                _("The measure cannot end before it started.")
            )
        else:
            _not_future(errors, "ended_on", ended_on)
    if kind == MeasureKind.PRETRIAL_DETENTION and not errors:
        # Two detentions over the same days are one detention recorded twice.
        others = Measure.objects.filter(
            proceeding=proceeding, kind=MeasureKind.PRETRIAL_DETENTION
        ).exclude(pk=exclude_pk)
        today = timezone.localdate()
        mine = merged([(started_on, ended_on)], today)
        for other in others.values_list("started_on", "ended_on"):
            theirs = merged([other], today)
            if mine and theirs and _overlap(mine[0], theirs[0]):
                errors.setdefault("started_on", []).append(
                    _(
                        "This overlaps another pre-trial detention in the same "
                        "proceedings (from %(date)s): change that one instead."
                    )
                    % {"date": other[0].isoformat()}
                )
                break


def _overlap(a: tuple[date, date, bool], b: tuple[date, date, bool]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def measure_add(
    *,
    actor: User,
    proceeding: Proceeding,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Measure:
    case = proceeding.involvement.case
    _require(actor, case)
    errors: dict[str, list[str]] = {}
    _check_measure(
        errors,
        proceeding=proceeding,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
    )
    _raise(errors)
    with transaction.atomic():
        measure = Measure(
            proceeding=proceeding,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            note=note,
            recorded_by=actor,
        )
        measure.full_clean()
        measure.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=measure,
            fields=["kind", "started_on"]
            + (["ended_on"] if ended_on else [])
            + (["note"] if note else []),
            changes={"kind": kind},
            detail=f"case {case.pk}",
            request=request,
        )
    return measure


def measure_update(
    *,
    actor: User,
    measure: Measure,
    data: dict[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change a measure, most often to record the day it ended."""
    proceeding = measure.proceeding
    case = proceeding.involvement.case
    _require(actor, case)
    with transaction.atomic():
        stored = Measure.objects.select_for_update().get(pk=measure.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name
            for name in MEASURE_EDITABLE
            if name in data and getattr(stored, name) != data[name]
        ]
        if not changed:
            return []
        for name in changed:
            setattr(stored, name, data[name])
        errors: dict[str, list[str]] = {}
        _check_measure(
            errors,
            proceeding=proceeding,
            kind=stored.kind,
            started_on=stored.started_on,
            ended_on=stored.ended_on,
            exclude_pk=stored.pk,
        )
        _raise(errors)
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            detail=f"case {case.pk}",
            request=request,
        )
    for name in [*changed, "version", "updated_at"]:
        setattr(measure, name, getattr(stored, name))
    return changed


# --- Discrimination reports ---------------------------------------------------


def allowed_communities() -> set[str]:
    return {code for code, _label in community_choices()}


def report_places():  # noqa: ANN201
    """Where discrimination can be recorded as having happened: the
    municipalities and settlements of the deployment's country."""
    return residence_places()


def _check_report(errors: dict[str, list[str]], report: DiscriminationReport) -> None:
    _not_future(errors, "happened_on", report.happened_on)
    _not_future(errors, "reported_on", report.reported_on)
    _not_future(errors, "ruling_on", report.ruling_on)
    if report.community and report.community not in allowed_communities():
        errors.setdefault("community", []).append(
            _("Choose one of the communities of this deployment.")
        )
    if report.place_id and not report_places().filter(pk=report.place_id).exists():
        errors.setdefault("place", []).append(
            _("Choose a municipality or settlement of this deployment.")
        )
    happened = report.happened_on
    if happened and report.reported_on and report.reported_on < happened:
        errors.setdefault("reported_on", []).append(
            _("It cannot have been reported before it happened.")
        )
    if report.outcome in COURT_RULINGS:
        if report.ruling_on is None:
            errors.setdefault("ruling_on", []).append(
                _("Give the date of the court's ruling.")
            )
        elif happened and report.ruling_on < happened:
            errors.setdefault("ruling_on", []).append(
                _("The ruling cannot come before what happened.")
            )
    elif report.ruling_on is not None:
        errors.setdefault("ruling_on", []).append(
            _("A date of ruling goes only with a court ruling as the outcome.")
        )


def _report_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in REPORT_EDITABLE}
    place = fields.get("place")
    if place is not None and not isinstance(place, Place):
        raise ValidationError({"place": [_("Unknown place.")]})
    return fields


def discrimination_report_add(
    *,
    actor: User,
    case: Case,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> DiscriminationReport:
    _require(actor, case)
    report = DiscriminationReport(case=case, recorded_by=actor, **_report_fields(data))
    errors: dict[str, list[str]] = {}
    _check_report(errors, report)
    _raise(errors)
    with transaction.atomic():
        report.full_clean()
        report.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=report,
            fields=[
                name
                for name in REPORT_EDITABLE
                if getattr(report, name) not in (None, "")
            ],
            changes={"outcome": report.outcome},
            detail=f"case {case.pk}",
            request=request,
        )
    return report


def discrimination_report_update(
    *,
    actor: User,
    report: DiscriminationReport,
    data: dict[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    _require(actor, report.case)
    fields = _report_fields(data)
    with transaction.atomic():
        stored = DiscriminationReport.objects.select_for_update().get(pk=report.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name for name, value in fields.items() if getattr(stored, name) != value
        ]
        if not changed:
            return []
        for name in changed:
            setattr(stored, name, fields[name])
        errors: dict[str, list[str]] = {}
        _check_report(errors, stored)
        _raise(errors)
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            changes={"outcome": stored.outcome} if "outcome" in changed else None,
            detail=f"case {report.case_id}",
            request=request,
        )
    for name in [*changed, "version", "updated_at"]:
        setattr(report, name, getattr(stored, name))
    return changed
