"""Explicit grants: the reasons a user, a team or an agency may see a person.

Later parts of Ura (case assignment, referrals, case conferences, home visiting
caseloads) open and end grants through ``ura.access.grants``; the access rules in
``ura.access.rules`` read only these rows, so there is one place that decides.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class GrantReason(models.TextChoices):
    REGISTRATION = "registration", _("Registered the person")
    ASSIGNMENT = "assignment", _("Assigned")
    SHARE = "share", _("Shared")
    REFERRAL = "referral", _("Referral")
    CONFERENCE = "conference", _("Case conference")
    HOME_VISITING = "home_visiting", _("Home visiting caseload")
    CASE_WORKER = "case_worker", _("Responsible for the case")
    CASE_SUPERVISOR = "case_supervisor", _("Supervises the case")
    TRAINING = "training", _("Took part in a training the agency organised")


class GrantLevel(models.TextChoices):
    # Ordered: a higher level includes everything a lower one shows.
    MINIMAL = "minimal", _("Minimum data (name, sex, age, municipality)")
    FULL = "full", _("Full record")


# After the grantee, what every read of its grants needs: the end, the start, who, why
# and how much.
GRANT_KEY = ["ends_at", "starts_at", "person", "reason", "level"]


class PersonGrant(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="person_grants",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="person_grants",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="person_grants",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=GrantReason.choices)
    level = models.CharField(
        _("level"), max_length=10, choices=GrantLevel.choices, default=GrantLevel.FULL
    )
    # The case this grant opens (besides its person), if any. An id rather than a
    # foreign key: access sits below the cases app and must not import it.
    case_id = models.BigIntegerField(null=True, blank=True)
    # What the grant comes from, e.g. ("case", "12"): ending that thing ends the grant.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.CheckConstraint(
                name="grant_has_exactly_one_grantee",
                condition=(
                    Q(user__isnull=False, team__isnull=True, agency__isnull=True)
                    | Q(user__isnull=True, team__isnull=False, agency__isnull=True)
                    | Q(user__isnull=True, team__isnull=True, agency__isnull=False)
                ),
            )
        ]
        indexes = [
            # Each grantee's grants carry what the lists read, as key columns
            # rather than INCLUDE so that both databases read them from the index
            # alone (PostgreSQL: a supervisor's 7,700 grants cost 6,700 scattered
            # heap pages, 55 ms, without; SQLite ignores INCLUDE: a supervisor's
            # people list 35 -> 17 ms, each worker's people counted 26 -> 9 ms).
            models.Index(fields=["user", *GRANT_KEY], name="grant_user"),
            models.Index(fields=["team", *GRANT_KEY], name="grant_team"),
            models.Index(fields=["agency", *GRANT_KEY], name="grant_agency"),
            models.Index(fields=["source_type", "source_id"], name="grant_source"),
            models.Index(fields=["case_id", "ends_at"], name="grant_case"),
            # The case grants that reach a user, read from the index alone
            # (ura.access.cases.visible_cases).
            models.Index(
                fields=["user", "case_id", "reason", "starts_at", "ends_at"],
                name="grant_user_case",
                condition=Q(case_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        grantee = self.user_id or self.team_id or self.agency_id
        return f"{self.reason} {self.person_id} → {grantee}"
