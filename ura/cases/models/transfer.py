"""Moving a case to another agency: proposed by one side, decided by the other."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.cases.models.case import Case
from ura.core.crypto import EncryptedTextField


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentOverride(models.TextChoices):
    """Why a case may move to an agency its consents do not cover."""

    LEGAL_DUTY = "legal_duty", _("A legal duty requires the transfer")
    CHILD_SAFETY = "child_safety", _("The child's safety requires the transfer")


class Transfer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("to agency"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    reason = EncryptedTextField(_("why the case should move"))
    # Set only when the consents on the case do not cover the receiving agency: the
    # transfer then goes ahead on this ground, which is audited.
    without_consent = models.CharField(
        _("transferred without consent because"),
        max_length=20,
        choices=ConsentOverride.choices,
        blank=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.PROPOSED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["to_agency", "status"], name="transfer_in")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="proposed"),
                name="one_open_transfer_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk} of case {self.case_id}"
