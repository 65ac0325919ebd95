"""Assessments, case plans, reviews and approvals: the work a case is made of."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.cases.models.case import Case, ClosureReason, RiskLevel
from ura.core.crypto import EncryptedTextField
from ura.core.models import VersionedModel


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial assessment")
    COMPREHENSIVE = "comprehensive", _("Comprehensive assessment")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    COMPLETED = "completed", _("Completed")


class Domain(models.TextChoices):
    SAFETY = "safety", _("Safety")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    FAMILY = "family", _("Family and care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    LEGAL = "legal", _("Legal")
    ECONOMIC = "economic", _("Economic")


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    LOW = "low", _("Some need")
    MEDIUM = "medium", _("Considerable need")
    HIGH = "high", _("Urgent need")
    UNKNOWN = "unknown", _("Not yet known")


class Assessment(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    child_seen = models.BooleanField(_("the child was seen in person"), default=False)
    # An initial assessment says whether a comprehensive one must follow; a case
    # whose initial assessment finds it unnecessary goes straight to its plan.
    comprehensive_needed = models.BooleanField(
        _("a comprehensive assessment is needed"), default=True
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    summary = EncryptedTextField(_("summary of the assessment"), blank=True)
    child_views = EncryptedTextField(_("the child's views"), blank=True)
    caregiver_views = EncryptedTextField(_("the caregiver's views"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["case", "kind"], name="assessment_case")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class AssessmentNeed(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="needs"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    level = models.CharField(
        _("need"), max_length=10, choices=NeedLevel.choices, default=NeedLevel.UNKNOWN
    )
    notes = EncryptedTextField(_("what was found"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="assessment_domain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.domain}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class CasePlan(VersionedModel):
    """The case's plan. One per case; revising an approved plan sends it back to
    draft, and the approvals keep its history."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    review_every_days = models.PositiveIntegerField(
        _("review every (days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")


class PlanGoal(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    goal = EncryptedTextField(_("goal"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"goal {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanAction(models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    action = EncryptedTextField(_("action"))
    # Who does it: a user, an agency, or a person of the family (e.g. the mother).
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    responsible_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    responsible_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("responsible family member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["responsible_user", "status", "due_on"], name="action_user"
            ),
            models.Index(
                fields=["responsible_agency", "status", "due_on"], name="action_agency"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="action_has_someone_responsible",
                condition=Q(responsible_user__isnull=False)
                | Q(responsible_agency__isnull=False)
                | Q(responsible_person__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"action {self.pk}"


class Review(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = EncryptedTextField(_("progress and changes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["case", "held_on"], name="review_case")]

    def __str__(self) -> str:
        return f"review {self.pk} of case {self.case_id}"


class ActionProgress(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="progress"
    )
    action = models.ForeignKey(
        PlanAction, on_delete=models.CASCADE, related_name="progress"
    )
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices)
    note = EncryptedTextField(_("progress"), blank=True)

    def __str__(self) -> str:
        return f"progress {self.pk}"


class ApprovalSubject(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Case plan")
    CLOSURE = "closure", _("Closure")


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for the supervisor")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with a comment")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Approval(models.Model):
    """A request for the supervisor's approval and its answer; all kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(
        _("subject"), max_length=20, choices=ApprovalSubject.choices
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    # For a closure: why, and what the worker says about it.
    closure_reason = models.CharField(
        _("reason for closing"),
        max_length=20,
        choices=ClosureReason.choices,
        blank=True,
    )
    request_note = EncryptedTextField(_("note to the supervisor"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = EncryptedTextField(_("supervisor's comment"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["decision", "case"], name="approval_pending")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "subject"],
                condition=Q(decision="pending"),
                name="one_pending_approval_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.decision} on case {self.case_id}"


class Reopening(models.Model):
    """A closed case opened again: by whom, when and why (the reason is free text
    about the child, so it is kept encrypted and out of the case's history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened"))
    reason = EncryptedTextField(_("why the case is reopened"))

    class Meta:
        ordering = ["-reopened_at", "-pk"]

    def __str__(self) -> str:
        return f"reopening {self.pk} of case {self.case_id}"
