"""What providers deliver: enrolments in a service, sessions and attendance, the
end of a service; mobile teams' outreach contacts; trainings of professionals.

These rows are what the reach figures count (``ura.services.reach``): a person is
counted once however many services, sessions or trainings they took part in.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ura.core.crypto import EncryptedTextField
from ura.core.models import VersionedModel


class ParticipantRole(models.TextChoices):
    CHILD = "child", _("Child")
    CAREGIVER = "caregiver", _("Parent or caregiver")


class EnrolmentEnd(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    # Its own context: "Dropped out" elsewhere means out of school.
    DROPPED_OUT = "dropped_out", pgettext_lazy("enrolment ended", "Dropped out")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other")


class ServiceGroup(models.Model):
    """A group within a service (a day care class, a parents' group) whose members
    attend the same sessions."""

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Enrolment(VersionedModel):
    """A child or a parent taking part in a service, from enrolment to its end."""

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    role = models.CharField(
        _("takes part as"), max_length=10, choices=ParticipantRole.choices
    )
    group = models.ForeignKey(
        ServiceGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    # Copied from the service when enrolled, so the figures of a programme do not
    # change when a service later moves to another programme.
    programme = models.ForeignKey(
        "directory.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    enrolled_on = models.DateField(_("enrolled on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=EnrolmentEnd.choices, blank=True
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on", "-pk"]
        indexes = [
            models.Index(fields=["service", "ended_on"], name="enrol_service"),
            models.Index(fields=["person", "enrolled_on"], name="enrol_person"),
            models.Index(fields=["group", "ended_on"], name="enrol_group"),
            models.Index(fields=["enrolled_on", "ended_on"], name="enrol_period"),
        ]
        constraints = [
            models.CheckConstraint(
                name="enrolment_ends_after_start",
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("enrolled_on")),
            )
        ]

    def __str__(self) -> str:
        return f"enrolment {self.pk}"


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class Activity(models.TextChoices):
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial session")
    COUNSELLING = "counselling", _("Counselling")
    HOMEWORK = "homework", _("Homework and learning support")
    LIFE_SKILLS = "life_skills", _("Life skills")
    CREATIVE = "creative", _("Creative activity")
    SPORT = "sport", _("Sport and play")
    PARENTING = "parenting", _("Parenting session")
    VOCATIONAL = "vocational", _("Vocational class")
    HEALTH = "health", _("Health check or education")
    MEAL = "meal", _("Meal and hygiene")
    LEGAL = "legal", _("Legal advice")
    OTHER = "other", _("Other")


class Session(VersionedModel):
    """One session of a service on a day: an individual meeting or a group's."""

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    group = models.ForeignKey(
        ServiceGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=SessionKind.choices)
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    programme = models.ForeignKey(
        "directory.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["service", "held_on"], name="session_service"),
            models.Index(fields=["group", "held_on"], name="session_group"),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} {self.held_on}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(models.Model):
    """Whether one enrolled person came to one session. Narrow on purpose: a country
    records tens of millions of these. The person and the day are copied from the
    enrolment and the session so the figures read this table alone."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="attendance"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    presence = models.CharField(
        _("attendance"), max_length=10, choices=Presence.choices
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            # A sheet submitted twice records each person once.
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once"
            )
        ]
        indexes = [
            models.Index(fields=["enrolment", "held_on"], name="attendance_enrolment"),
            models.Index(fields=["held_on", "person"], name="attendance_day"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.held_on} {self.presence}"


class OutreachAction(models.TextChoices):
    INFORMATION = "information", _("Information and advice")
    BASIC_NEEDS = "basic_needs", _("Food, clothes or hygiene")
    FIRST_AID = "first_aid", _("First aid or health referral")
    ACCOMPANIED = "accompanied", _("Accompanied to a service")
    REFERRED = "referred", _("Referred")
    FAMILY_CONTACT = "family_contact", _("Contact with the family")
    OTHER = "other", _("Other")


class OutreachContact(VersionedModel):
    """A mobile team's contact with a child or adult it met in the field, often not
    registered yet: a quick record that can become a person record later.

    Repeated contacts with the same child carry the team's own ``code`` for them
    (a nickname or a sign), so that they can all be linked to the person record
    once it is made."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("mobile team"),
        on_delete=models.PROTECT,
        related_name="outreach_contacts",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contacted_at = models.DateTimeField(_("when"))
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("municipality or settlement"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("where exactly"), max_length=200, blank=True)
    code = models.CharField(_("team's code for the person"), max_length=60, blank=True)
    name = EncryptedTextField(_("name or nickname"), blank=True)
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        _("age (estimated)"), null=True, blank=True
    )
    in_street_situation = models.BooleanField(_("in a street situation"), default=False)
    actions = models.JSONField(_("what the team did"), default=list, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    programme = models.ForeignKey(
        "directory.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_contacts",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_contacts",
    )

    class Meta:
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        ordering = ["-contacted_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "contacted_at"], name="outreach_agency"),
            models.Index(fields=["agency", "code"], name="outreach_code"),
            models.Index(fields=["person", "contacted_at"], name="outreach_person"),
        ]

    def __str__(self) -> str:
        return f"outreach {self.pk}"


class TrainingTopic(models.TextChoices):
    CHILD_PROTECTION = "child_protection", _("Child protection")
    CASE_MANAGEMENT = "case_management", _("Case management")
    CHILD_RIGHTS = "child_rights", _("Child rights")
    JUSTICE = "justice", _("Justice for children")
    VIOLENCE = "violence", _("Preventing and responding to violence")
    DISABILITY = "disability", _("Disability inclusion")
    EARLY_CHILDHOOD = "early_childhood", _("Early childhood development")
    INCLUSION = "inclusion", _("Social inclusion and non-discrimination")
    OTHER = "other", _("Other")


class Profession(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    POLICE = "police", _("Police officer")
    JUDGE = "judge", _("Judge")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    LAWYER = "lawyer", _("Lawyer")
    TEACHER = "teacher", _("Teacher")
    HEALTH_WORKER = "health_worker", _("Health worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PUBLIC_OFFICIAL = "public_official", _("Public official")
    NGO_WORKER = "ngo_worker", _("NGO worker")
    OTHER = "other", _("Other")


class Training(VersionedModel):
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    organiser = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="trainings_organised",
    )
    partners = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("partners"),
        blank=True,
        related_name="trainings_supported",
    )
    programme = models.ForeignKey(
        "directory.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["organiser", "starts_on"], name="training_organiser"),
            models.Index(fields=["starts_on"], name="training_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="training_ends_after_start",
                condition=Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class TrainingParticipant(models.Model):
    """A professional who took part in a training. The person record is seen by the
    organising agency only (a ``training`` grant), never by case workers."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    profession = models.CharField(
        _("profession"), max_length=20, choices=Profession.choices
    )
    institution = models.CharField(_("institution"), max_length=200)
    institution_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("institution in Ura"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed = models.BooleanField(_("completed the training"), default=True)

    class Meta:
        verbose_name = _("training participant")
        verbose_name_plural = _("training participants")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "person"], name="training_participant_once"
            )
        ]
        indexes = [
            models.Index(fields=["person"], name="training_person"),
        ]

    def __str__(self) -> str:
        return f"{self.training_id} {self.person_id}"


# The reach summary's tables live in their own module (the figures' machinery).
from ura.services.reach_models import (  # noqa: E402, F401
    ReachActivity,
    ReachChange,
    ReachPersonYear,
    ReachRefresh,
    ReachService,
)
