"""The service directory: what each agency offers, where, for whom; and the
programmes (with the partners and donors that fund them) that services, activities
and trainings are attributed to.

A worker chooses where to refer by searching this directory by need and place
(``ura.directory.queries.service_search``); a referral goes to one ``Service``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.core.models import VersionedModel


class ServiceType(models.TextChoices):
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    DAY_CARE = "day_care", _("Day care")
    SHELTER = "shelter", _("Shelter")
    LEGAL_AID = "legal_aid", _("Legal aid")
    HEALTH = "health", _("Health")
    EDUCATION_SUPPORT = "education_support", _("Education support")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    CASH_ASSISTANCE = "cash_assistance", _("Cash or social assistance")
    FAMILY_SUPPORT = "family_support", _("Family support")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    OUTREACH = "outreach", _("Outreach (mobile team)")
    OTHER = "other", _("Other")


class Eligible(models.TextChoices):
    """Whom a service is for, by sex."""

    ANY = "any", _("Any sex")
    FEMALE = "female", _("Girls and women")
    MALE = "male", _("Boys and men")


class Programme(VersionedModel):
    """A programme that services, activities and trainings are attributed to, and
    the partners or donors that fund it. A partner sees the results of the
    programmes it funds, in aggregate only."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    # The agency that runs the programme (a ministry, an NGO), if one does.
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes_led",
    )
    funders = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("funded by"),
        blank=True,
        related_name="programmes_funded",
        help_text=_("The partners and donors that fund this programme."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(VersionedModel):
    """A service an agency offers: what it is, for whom, where, and how to reach it."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=ServiceType.choices)
    description = models.TextField(_("description"), blank=True)
    # Eligibility. Ages in completed years; blank means no limit.
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    sex = models.CharField(
        _("for"), max_length=10, choices=Eligible.choices, default=Eligible.ANY
    )
    # Concern codes (ura.cases.models.Concern) the service is for; empty = any.
    concerns = models.JSONField(_("concerns"), default=list, blank=True)
    # Where. Empty = the places the agency covers.
    places = models.ManyToManyField(
        "places.Place",
        verbose_name=_("places covered"),
        blank=True,
        related_name="services",
        help_text=_("The service takes people from these places and everything "
                    "under them; leave empty for the agency's own places."),
    )  # fmt: skip
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Places at once (children in a day care group, beds in a shelter); blank if
    # the service has no fixed capacity.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
    )
    accepts_referrals = models.BooleanField(_("takes referrals"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The folded name and description (ura.people.matching.normalise), so a search
    # finds "psikosocial" and "psihosocijalna" across scripts and diacritics.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["type", "is_active"], name="service_type"),
            models.Index(fields=["agency", "is_active"], name="service_agency"),
            # The directory's default order (active services by name), paged.
            models.Index(fields=["is_active", "name", "id"], name="service_name"),
        ]
        constraints = [
            models.CheckConstraint(
                name="service_age_range",
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.agency}"
