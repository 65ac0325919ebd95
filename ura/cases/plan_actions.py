"""Writing the case plan (goals and their actions) and holding reviews.

A case has one plan. It is edited while it is a draft or returned; revising an
approved plan sends it back to draft but keeps ``approved_at``, because the case
goes on implementing the approved plan until the revision is approved. Every
change to a goal or an action moves the plan's version on, so two people editing
the same plan never overwrite each other: the second is refused (``StaleEdit``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ura.access.rules import visible_people
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import case_changed, case_event
from ura.cases.approval_actions import approval_open, require_open, require_work
from ura.cases.models import (
    ActionProgress,
    ActionStatus,
    Approval,
    ApprovalSubject,
    Case,
    CaseEventKind,
    CasePlan,
    Domain,
    PlanAction,
    PlanGoal,
    PlanStatus,
    Review,
)
from ura.cases.stages import case_facts
from ura.core.versioning import StaleEdit, save_versioned

# What an action says, as the page and the API send it.
ACTION_FIELDS = (
    "action",
    "responsible_user",
    "responsible_agency",
    "responsible_person",
    "due_on",
    "status",
)


def plan_start(
    *, actor: User, case: Case, request: HttpRequest | None = None
) -> CasePlan:
    """The case's plan, made now if it has none yet."""
    require_work(actor, case)
    require_open(case)
    with transaction.atomic():
        plan, created = CasePlan.objects.get_or_create(case=case)
        if created:
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=plan,
                detail=f"case {case.pk}",
                request=request,
            )
    return plan


def _open_for_edit(actor: User, plan: CasePlan, expected_version: int) -> CasePlan:
    """Lock the plan, refuse a stale or untimely edit, and move its version on.
    An approved plan being revised goes back to draft."""
    require_work(actor, plan.case)
    require_open(plan.case)
    stored = CasePlan.objects.select_for_update().get(pk=plan.pk)
    if stored.version != expected_version:
        raise StaleEdit()
    if stored.status == PlanStatus.AWAITING_APPROVAL:
        raise ValidationError(
            _(
                "The plan is waiting for the supervisor's approval. Withdraw the "
                "request to change it."
            )
        )
    if stored.status == PlanStatus.APPROVED:
        stored.status = PlanStatus.DRAFT
    save_versioned(
        stored,
        expected_version=expected_version,
        update_fields=["status", "updated_at"],
    )
    plan.version, plan.status = stored.version, stored.status
    return stored


def _audit(
    actor: User,
    action: AuditAction,
    obj: object,
    fields: Iterable[str],
    plan: CasePlan,
    request: HttpRequest | None,
) -> None:
    record(
        actor=actor,
        action=action,
        obj=obj,
        fields=fields,
        detail=f"case {plan.case_id} plan {plan.pk} v{plan.version}",
        request=request,
    )


def plan_update(
    *,
    actor: User,
    plan: CasePlan,
    review_every_days: int | None,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    """How often the plan is reviewed (empty: the deployment's default)."""
    if review_every_days is not None and not 1 <= review_every_days <= 366:
        raise ValidationError(
            {"review_every_days": _("Give a number of days from 1 to 366.")}
        )
    if plan.review_every_days == review_every_days:
        return
    with transaction.atomic():
        stored = _open_for_edit(actor, plan, expected_version)
        stored.review_every_days = review_every_days
        stored.full_clean()
        stored.save(update_fields=["review_every_days"])
        plan.review_every_days = review_every_days
        case_changed(plan.case, actor=actor)
        _audit(
            actor, AuditAction.CHANGE, stored, ["review_every_days"], stored, request
        )


def _check_goal(domain: str, text: str) -> None:
    errors = {}
    if domain not in Domain.values:
        errors["domain"] = _("Choose one of the domains.")
    if not text.strip():
        errors["goal"] = _("Write the goal.")
    if errors:
        raise ValidationError(errors)


def goal_add(
    *,
    actor: User,
    plan: CasePlan,
    domain: str,
    goal: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> PlanGoal:
    _check_goal(domain, goal)
    with transaction.atomic():
        stored = _open_for_edit(actor, plan, expected_version)
        last = stored.goals.order_by("-position").values_list("position", flat=True)
        new = PlanGoal(
            plan=stored, domain=domain, goal=goal, position=(last.first() or 0) + 1
        )
        new.full_clean()
        new.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, new, ["domain", "goal"], stored, request)
    return new


def goal_update(
    *,
    actor: User,
    goal: PlanGoal,
    domain: str,
    text: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    _check_goal(domain, text)
    changed = [
        name
        for name, value in (("domain", domain), ("goal", text))
        if getattr(goal, name) != value
    ]
    if not changed:
        # Saving the form unchanged must not send an approved plan back to draft.
        return
    with transaction.atomic():
        stored = _open_for_edit(actor, goal.plan, expected_version)
        goal.domain, goal.goal = domain, text
        goal.full_clean()
        goal.save(update_fields=["domain", "goal"])
        _audit(actor, AuditAction.CHANGE, goal, changed, stored, request)


def _no_progress(actions: Iterable[PlanAction] | Any) -> None:
    if ActionProgress.objects.filter(action__in=actions).exists():
        raise ValidationError(
            _(
                "Progress on this was recorded at a review, so it stays in the plan. "
                "Set its actions to dropped instead."
            )
        )


def goal_remove(
    *,
    actor: User,
    goal: PlanGoal,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    with transaction.atomic():
        stored = _open_for_edit(actor, goal.plan, expected_version)
        _no_progress(goal.actions.all())
        _audit(actor, AuditAction.DELETE, goal, [], stored, request)
        goal.delete()


def responsible_people(actor: User) -> Any:
    """The family members a worker may name: people shared with them."""
    return visible_people(actor)


def _check_action(actor: User, case: Case, data: Mapping[str, Any]) -> dict:
    """The action's fields, checked; exactly one kind of responsible."""
    errors: dict[str, str] = {}
    clean = {name: data.get(name) for name in ACTION_FIELDS}
    if not (clean["action"] or "").strip():
        errors["action"] = _("Write what will be done.")
    chosen = [
        name
        for name in ("responsible_user", "responsible_agency", "responsible_person")
        if clean[name] is not None
    ]
    if len(chosen) != 1:
        errors["responsible"] = _(
            "Choose who is responsible: one worker, one agency or one family member."
        )
    user = clean["responsible_user"]
    if user is not None and not (
        user.is_active and user.memberships.filter(is_active=True).exists()
    ):
        errors["responsible_user"] = _("Choose an active user of an agency.")
    agency = clean["responsible_agency"]
    if agency is not None and not agency.is_active:
        errors["responsible_agency"] = _("Choose an active agency.")
    person = clean["responsible_person"]
    if (
        person is not None
        and not responsible_people(actor).filter(pk=person.pk).exists()
    ):
        errors["responsible_person"] = _("Choose a person shared with you.")
    due: date | None = clean["due_on"]
    opened = timezone.localdate(case.opened_at)
    if due is None:
        errors["due_on"] = _("Give the date it is due.")
    elif due < opened:
        errors["due_on"] = _(
            "The due date cannot be before the case was opened (%(date)s)."
        ) % {"date": date_format(opened, "SHORT_DATE_FORMAT")}
    clean["status"] = clean["status"] or ActionStatus.OPEN
    if clean["status"] not in ActionStatus.values:
        errors["status"] = _("Choose open, done or dropped.")
    if errors:
        raise ValidationError(errors)
    return clean


def _set_action(target: PlanAction, clean: dict) -> list[str]:
    changed = [name for name in ACTION_FIELDS if getattr(target, name) != clean[name]]
    for name in ACTION_FIELDS:
        setattr(target, name, clean[name])
    if target.status == ActionStatus.DONE and target.done_on is None:
        target.done_on = timezone.localdate()
        changed.append("done_on")
    elif target.status != ActionStatus.DONE and target.done_on is not None:
        target.done_on = None
        changed.append("done_on")
    return changed


def action_add(
    *,
    actor: User,
    goal: PlanGoal,
    data: Mapping[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> PlanAction:
    clean = _check_action(actor, goal.plan.case, data)
    with transaction.atomic():
        stored = _open_for_edit(actor, goal.plan, expected_version)
        new = PlanAction(goal=goal)
        changed = _set_action(new, clean)
        new.full_clean()
        new.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, new, changed, stored, request)
    return new


def action_update(
    *,
    actor: User,
    plan_action: PlanAction,
    data: Mapping[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    plan = plan_action.goal.plan
    clean = _check_action(actor, plan.case, data)
    if all(getattr(plan_action, name) == clean[name] for name in ACTION_FIELDS):
        return []  # unchanged: an approved plan stays approved
    with transaction.atomic():
        stored = _open_for_edit(actor, plan, expected_version)
        changed = _set_action(plan_action, clean)
        plan_action.full_clean()
        plan_action.save(update_fields=[*ACTION_FIELDS, "done_on"])
        _audit(actor, AuditAction.CHANGE, plan_action, changed, stored, request)
    return changed


def action_remove(
    *,
    actor: User,
    plan_action: PlanAction,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    with transaction.atomic():
        stored = _open_for_edit(actor, plan_action.goal.plan, expected_version)
        _no_progress([plan_action])
        _audit(actor, AuditAction.DELETE, plan_action, [], stored, request)
        plan_action.delete()


def plan_submit(
    *,
    actor: User,
    plan: CasePlan,
    expected_version: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """Ask the supervisor to approve the plan as it stands at this version."""
    case = plan.case
    require_work(actor, case)
    require_open(case)
    facts = case_facts(case)
    assessed = facts.initial_completed_at is not None and (
        not facts.comprehensive_needed or facts.comprehensive_completed_at is not None
    )
    if not assessed:
        raise ValidationError(
            _("Complete the assessments before asking to approve the plan.")
        )
    goals = list(plan.goals.prefetch_related("actions"))
    if not goals or any(not goal.actions.all() for goal in goals):
        raise ValidationError(
            _("The plan needs at least one goal, and an action for every goal.")
        )
    with transaction.atomic():
        stored = CasePlan.objects.select_for_update().get(pk=plan.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        if stored.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            raise ValidationError(_("This plan is not a draft to be approved."))
        stored.status = PlanStatus.AWAITING_APPROVAL
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=["status", "updated_at"],
        )
        approval = approval_open(
            actor=actor,
            case=case,
            subject=ApprovalSubject.PLAN,
            note=note,
            request=request,
        )
        case_changed(case, actor=actor)
    plan.status, plan.version = stored.status, stored.version
    return approval


def _check_review(
    plan: CasePlan | None, held_on: date | None, progress: Mapping[int, Mapping]
) -> list[PlanAction]:
    if plan is None or plan.approved_at is None:
        raise ValidationError(_("A review is held once the plan has been approved."))
    errors = {}
    approved_on = timezone.localdate(plan.approved_at)
    if held_on is None:
        errors["held_on"] = _("Give the date of the review.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("The date of the review cannot be in the future.")
    elif held_on < approved_on:
        errors["held_on"] = _(
            "The review cannot be before the plan was approved (%(date)s)."
        ) % {"date": date_format(approved_on, "SHORT_DATE_FORMAT")}
    actions = {
        a.pk: a
        for a in PlanAction.objects.filter(
            goal__plan=plan, status=ActionStatus.OPEN, pk__in=list(progress)
        )
    }
    for action_id, entry in progress.items():
        if action_id not in actions:
            errors[f"progress.{action_id}"] = _("Not an open action of this plan.")
        elif entry.get("status") not in ActionStatus.values:
            errors[f"progress.{action_id}.status"] = _("Choose open, done or dropped.")
    if errors:
        raise ValidationError(errors)
    return list(actions.values())


def review_hold(
    *,
    actor: User,
    case: Case,
    held_on: date | None,
    summary: str,
    progress: Mapping[int, Mapping[str, str]],
    request: HttpRequest | None = None,
) -> Review:
    """A review of the plan: progress per open action (done sets the date it was
    done); the next review falls due counted from this one."""
    require_work(actor, case)
    require_open(case)
    plan = CasePlan.objects.filter(case=case).first()
    actions = _check_review(plan, held_on, progress)
    with transaction.atomic():
        review = Review(case=case, held_on=held_on, held_by=actor, summary=summary)
        review.full_clean()
        review.save(force_insert=True)
        rows = []
        for action in actions:
            entry = progress[action.pk]
            rows.append(
                ActionProgress(
                    review=review,
                    action=action,
                    status=entry["status"],
                    note=entry.get("note", ""),
                )
            )
            if entry["status"] != action.status:
                action.status = entry["status"]
                action.done_on = held_on if action.status == ActionStatus.DONE else None
                action.save(update_fields=["status", "done_on"])
        ActionProgress.objects.bulk_create(rows)
        if any(r.status != ActionStatus.OPEN for r in rows):
            # The actions changed: an edit of the plan begun before is stale.
            CasePlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
        case_event(case, actor=actor, kind=CaseEventKind.REVIEW)
        case_changed(case, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=review,
            fields=["held_on", "summary", "progress"],
            detail=f"case {case.pk} actions {len(rows)}",
            request=request,
        )
    return review
