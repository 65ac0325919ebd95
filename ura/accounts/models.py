"""Users, agencies, the roles users hold in them, teams, and API tokens."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Centre for social work / child protection unit")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health centre")
    SCHOOL = "school", _("School")
    COURT = "court", _("Court")
    PROSECUTION = "prosecution", _("Prosecution")
    NGO = "ngo", _("Non-governmental organisation")
    DAY_CARE = "day_care", _("Day care centre")
    SHELTER = "shelter", _("Shelter")
    MOBILE_TEAM = "mobile_team", _("Mobile team")
    LEGAL_AID = "legal_aid", _("Legal aid")
    MINISTRY = "ministry", _("Ministry")
    PARTNER = "partner", _("Partner or donor")


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    CONFERENCE_MEMBER = "conference_member", _("Case conference member")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    HOME_VISITOR = "home_visitor", _("Home visitor")
    TRAINER = "trainer", _("Training organiser")
    DATA_OFFICER = "data_officer", _("Data officer")
    PARTNER = "partner", _("Partner or donor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=AgencyType.choices)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("seat"),
        related_name="seated_agencies",
        on_delete=models.PROTECT,
    )
    places_covered = models.ManyToManyField(
        "places.Place",
        verbose_name=_("places covered"),
        related_name="covering_agencies",
        blank=True,
        help_text=_("The agency works for these places and everything under them."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    agencies = models.ManyToManyField(
        Agency, through="Membership", related_name="users", blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A role a user holds in an agency. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("role in an agency")
        verbose_name_plural = _("roles in agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    supervisor = models.ForeignKey(
        User,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervised_teams",
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.agency} · {self.name}"


def token_digest(secret: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough to keep a stolen database
    # from yielding usable tokens; a slow hash would only slow every API call.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
