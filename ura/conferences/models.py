"""Multidisciplinary case conferences: the "multidisciplinary table".

A conference is organised by an agency, puts one or more cases on its table,
invites members from other institutions, and records who attended, a summary,
decisions and action items. While a case is on the table of a conference that is
not closed, each member with an account holds a ``conference`` grant on the
case's child (``ura.conferences.actions``): members see only the cases on their
table, and only while they are on it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import AgencyType
from ura.core.crypto import EncryptedTextField
from ura.core.models import VersionedModel


class ConferenceKind(models.TextChoices):
    FIRST = "first", _("First conference on the case")
    REVIEW = "review", _("Review conference")
    EMERGENCY = "emergency", _("Emergency conference")
    OTHER = "other", _("Other")


class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class Conference(VersionedModel):
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("organising agency"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    # No child's name here: the title shows in lists and on every member's page.
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ConferenceKind.choices)
    scheduled_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="conferences_organised",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conferences_chaired",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.SCHEDULED,
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    # The conference this one follows: a series, each starting from the open
    # action items of the last.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organiser", "status", "scheduled_at"], name="conf_organiser"
            ),
            models.Index(fields=["chair", "status", "scheduled_at"], name="conf_chair"),
            models.Index(fields=["agency", "scheduled_at"], name="conf_agency"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == ConferenceStatus.CLOSED


class ConferenceCase(models.Model):
    """A case on a conference's table. Taking it off keeps the row (with when and
    by whom); putting it back makes a new one."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="table"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="conference_tables"
    )
    added_at = models.DateTimeField(_("put on the table"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("taken off the table"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "case"],
                condition=Q(removed_at__isnull=True),
                name="conference_case_once_on_table",
            )
        ]
        indexes = [
            models.Index(fields=["case", "removed_at"], name="conf_case_case"),
            models.Index(fields=["conference", "removed_at"], name="conf_case_table"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} at conference {self.conference_id}"


class ConferenceMember(models.Model):
    """Someone invited: a user of Ura, or a named person from an institution
    without an account (who gets no access through Ura)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_memberships",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    institution_type = models.CharField(
        _("institution"), max_length=20, choices=AgencyType.choices
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="conference_member_user_or_name",
                condition=Q(user__isnull=False) | ~Q(name=""),
            ),
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=Q(user__isnull=False, removed_at__isnull=True),
                name="conference_member_once",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "removed_at"], name="conf_member_user"),
        ]

    def __str__(self) -> str:
        return f"member {self.pk} of conference {self.conference_id}"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return self.name


class ConferenceDecision(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="decisions"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conference_decisions",
    )
    text = EncryptedTextField(_("decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["case"], name="conf_decision_case")]

    def __str__(self) -> str:
        return f"decision {self.pk} of conference {self.conference_id}"


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
    # Still open, but carried to the next conference of the series, where a new
    # item (``carried_from`` this one) is followed up instead.
    CARRIED = "carried", _("Carried over to the next conference")


class ActionItem(VersionedModel):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="items"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conference_items",
    )
    description = EncryptedTextField(_("what is to be done"))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (a person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_items",
    )
    owner_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("owner (an agency)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_items",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    progress_note = EncryptedTextField(_("progress"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_item_exactly_one_owner",
                condition=(
                    Q(owner_user__isnull=False, owner_agency__isnull=True)
                    | Q(owner_user__isnull=True, owner_agency__isnull=False)
                ),
            )
        ]
        indexes = [
            # The owners' lists of open items, soonest due first.
            models.Index(
                fields=["owner_user", "status", "due_on"], name="conf_item_user"
            ),
            models.Index(
                fields=["owner_agency", "status", "due_on"], name="conf_item_agency"
            ),
            models.Index(fields=["case", "status"], name="conf_item_case"),
        ]

    def __str__(self) -> str:
        return f"action item {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == ItemStatus.OPEN


class SharingOverride(models.Model):
    """A case put before a member whose agency the child's consent does not
    cover, because a legal duty to protect the child required it. Kept with the
    reason, and audited, so the sharing can be answered for."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="sharing_overrides"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        ConferenceMember, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = EncryptedTextField(_("why the case is shared without consent"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"sharing override {self.pk} of case {self.case_id}"
