"""Writing the initial and the comprehensive assessment.

An assessment starts as a draft holding one need per domain, is edited (each edit
names the version it began from), and is completed: at once, or, where the
deployment sets ``URA_APPROVE_ASSESSMENTS``, once the supervisor approves it.
``ura.cases.stages`` reads the status, ``completed_at`` and, on the initial one,
``comprehensive_needed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import case_changed, case_event, case_set_risk
from ura.cases.approval_actions import approval_open, require_open, require_work
from ura.cases.models import (
    ApprovalSubject,
    Assessment,
    AssessmentKind,
    AssessmentNeed,
    AssessmentStatus,
    Case,
    CaseEventKind,
    Domain,
    NeedLevel,
    RiskLevel,
)
from ura.core.versioning import StaleEdit, save_versioned

# What a worker writes on an assessment (the needs come separately, per domain).
ASSESSMENT_FIELDS = (
    "child_seen",
    "comprehensive_needed",
    "risk_level",
    "summary",
    "child_views",
    "caregiver_views",
)
EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
UNFINISHED = (*EDITABLE, AssessmentStatus.AWAITING_APPROVAL)


def assessments_need_approval() -> bool:
    """Whether completing an assessment waits for the supervisor's approval."""
    return bool(getattr(settings, "URA_APPROVE_ASSESSMENTS", False))


def assessment_start(
    *, actor: User, case: Case, kind: str, request: HttpRequest | None = None
) -> Assessment:
    """A draft assessment with an empty need for each domain."""
    require_work(actor, case)
    require_open(case)
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose the initial or the comprehensive.")})
    assessments = Assessment.objects.filter(case=case)
    if assessments.filter(kind=kind, status__in=UNFINISHED).exists():
        raise ValidationError(
            {"kind": _("An assessment of this kind is already under way.")}
        )
    if (
        kind == AssessmentKind.COMPREHENSIVE
        and not assessments.filter(
            kind=AssessmentKind.INITIAL, status=AssessmentStatus.COMPLETED
        ).exists()
    ):
        raise ValidationError(
            {"kind": _("Complete the initial assessment before the comprehensive.")}
        )
    with transaction.atomic():
        assessment = Assessment(
            case=case,
            kind=kind,
            started_by=actor,
            risk_level=case.risk_level,
            # Only an initial assessment decides whether a comprehensive follows.
            comprehensive_needed=kind == AssessmentKind.INITIAL,
        )
        assessment.full_clean()
        assessment.save(force_insert=True)
        AssessmentNeed.objects.bulk_create(
            AssessmentNeed(assessment=assessment, domain=domain) for domain in Domain
        )
        case_changed(case, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=assessment,
            fields=["kind"],
            detail=f"case {case.pk} {kind}",
            request=request,
        )
    return assessment


def _check_needs(needs: Mapping[str, Mapping[str, str]]) -> None:
    errors = {}
    for domain, need in needs.items():
        if domain not in Domain.values:
            errors[f"needs.{domain}"] = _("Unknown domain.")
        elif need.get("level", NeedLevel.UNKNOWN) not in NeedLevel.values:
            errors[f"needs.{domain}.level"] = _("Choose one of the need levels.")
    if errors:
        raise ValidationError(errors)


def _write_needs(
    assessment: Assessment, needs: Mapping[str, Mapping[str, str]]
) -> list[str]:
    changed = []
    for need in assessment.needs.all():
        wanted = needs.get(need.domain)
        if wanted is None:
            continue
        level = wanted.get("level", need.level)
        notes = wanted.get("notes", need.notes)
        if (level, notes) != (need.level, need.notes):
            need.level, need.notes = level, notes
            need.full_clean()
            need.save(update_fields=["level", "notes"])
            changed.append(f"need_{need.domain}")
    return changed


def assessment_update(
    *,
    actor: User,
    assessment: Assessment,
    data: Mapping[str, Any],
    needs: Mapping[str, Mapping[str, str]] | None = None,
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Save what the worker wrote; a stale edit is refused and nothing is saved.
    A risk level found here becomes the case's at once: deadlines follow it."""
    case = assessment.case
    require_work(actor, case)
    require_open(case)
    if data.get("risk_level") and data["risk_level"] not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Choose high, medium or low.")})
    _check_needs(needs or {})
    with transaction.atomic():
        stored = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        if stored.status not in EDITABLE:
            raise ValidationError(_("This assessment can no longer be changed."))
        allowed = [
            name
            for name in ASSESSMENT_FIELDS
            if name != "comprehensive_needed" or stored.kind == AssessmentKind.INITIAL
        ]
        changed = [
            name
            for name in allowed
            if name in data and getattr(stored, name) != data[name]
        ]
        for name in changed:
            setattr(stored, name, data[name])
        stored.full_clean()
        changed_needs = _write_needs(stored, needs or {})
        if not changed and not changed_needs:
            return []
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        if "risk_level" in changed and stored.risk_level:
            case_set_risk(actor=actor, case=case, risk_level=stored.risk_level)
        case_changed(case, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed + changed_needs,
            detail=f"case {case.pk}",
            request=request,
        )
    assessment.version = stored.version
    for name in changed:
        setattr(assessment, name, getattr(stored, name))
    return changed + changed_needs


def _check_complete(assessment: Assessment) -> None:
    errors = {}
    if not assessment.risk_level:
        errors["risk_level"] = _("Set the risk level before completing.")
    if not assessment.summary.strip():
        errors["summary"] = _("Write a summary before completing.")
    if errors:
        raise ValidationError(errors)


def assessment_complete(
    *,
    actor: User,
    assessment: Assessment,
    expected_version: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Assessment:
    """Complete the assessment, or ask the supervisor to approve it where the
    deployment wants that; the stage and deadlines follow."""
    case = assessment.case
    require_work(actor, case)
    require_open(case)
    with transaction.atomic():
        stored = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        if stored.status not in EDITABLE:
            raise ValidationError(_("This assessment can no longer be changed."))
        _check_complete(stored)
        if assessments_need_approval():
            stored.status = AssessmentStatus.AWAITING_APPROVAL
            save_versioned(
                stored,
                expected_version=expected_version,
                update_fields=["status", "updated_at"],
            )
            approval_open(
                actor=actor,
                case=case,
                subject=ApprovalSubject.ASSESSMENT,
                assessment=stored,
                note=note,
                request=request,
            )
        else:
            stored.status = AssessmentStatus.COMPLETED
            stored.completed_at = timezone.now()
            save_versioned(
                stored,
                expected_version=expected_version,
                update_fields=["status", "completed_at", "updated_at"],
            )
            case_event(
                case, actor=actor, kind=CaseEventKind.ASSESSMENT, detail=stored.kind
            )
            record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=stored,
                fields=["status", "completed_at"],
                detail=f"case {case.pk} {stored.kind} completed",
                request=request,
            )
        case_changed(case, actor=actor)
    assessment.status, assessment.version = stored.status, stored.version
    assessment.completed_at = stored.completed_at
    return assessment
