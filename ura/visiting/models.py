"""Home visiting: protocols of recommended visits, families enrolled, their schedules.

A protocol is data an administrator keeps: visits, each anchored to a week of
pregnancy or to the child's age in days, with a window of four offsets in days
from that target (opens, due, overdue, closes). An enrolment links a caregiver
(and, once born, a child) of the registry to a family health centre and a nurse;
its expected visits are rows of ``ScheduledVisit`` that store the window's dates,
so whether a visit is upcoming, due, overdue or missed is read from today's date
in the query (``ura.visiting.schedule.status_expression``), never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ura.core.models import TimeStampedModel, VersionedModel


class RecordSection(models.TextChoices):
    """What is recorded at a visit."""

    GROWTH = "growth", _("Growth")
    FEEDING = "feeding", _("Feeding")
    IMMUNISATION = "immunisation", _("Immunisation")
    MILESTONES = "milestones", _("Developmental milestones")
    MATERNAL_MENTAL_HEALTH = "maternal_mental_health", _("Maternal mental health")
    HOME_SAFETY = "home_safety", _("Home safety")


class Anchor(models.TextChoices):
    PREGNANCY = "pregnancy", _("Week of pregnancy")
    BIRTH = "birth", _("Child's age in days")


class ProtocolKind(models.TextChoices):
    UNIVERSAL = "universal", _("Universal (every family)")
    INTENSIFIED = "intensified", _("Intensified (prioritised families)")


class Protocol(VersionedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("for"), max_length=20, choices=ProtocolKind.choices)
    description = models.TextField(_("description"), blank=True)
    # New enrolments get the default protocol of their kind (one per kind).
    is_default = models.BooleanField(_("default for new enrolments"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("visit protocol")
        verbose_name_plural = _("visit protocols")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(is_default=True),
                name="protocol_one_default_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProtocolVisit(models.Model):
    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="visits"
    )
    name = models.CharField(_("visit"), max_length=120)
    anchor = models.CharField(_("timed by"), max_length=10, choices=Anchor.choices)
    # Week of pregnancy (anchor "pregnancy") or age in days (anchor "birth").
    target = models.PositiveIntegerField(_("target week or age in days"))
    # Days from the target date; opens <= due <= overdue <= closes.
    opens = models.IntegerField(_("opens (days from target)"))
    due = models.IntegerField(_("due (days from target)"))
    overdue = models.IntegerField(_("overdue (days from target)"))
    closes = models.IntegerField(_("closes (days from target)"))
    sections = models.JSONField(_("recorded at this visit"), default=list, blank=True)

    class Meta:
        verbose_name = _("protocol visit")
        verbose_name_plural = _("protocol visits")
        ordering = ["protocol", "anchor", "target", "pk"]

    def __str__(self) -> str:
        return self.name

    def section_labels(self) -> list[str]:
        return [str(RecordSection(s).label) for s in self.sections]


class EnrolmentKind(models.TextChoices):
    PREGNANCY = "pregnancy", _("In pregnancy")
    BIRTH = "birth", _("After birth")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class EnrolmentEndReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("The family moved away")
    CHILD_DIED = "child_died", _("The child died")
    WITHDRAWN = "withdrawn", _("The family withdrew")
    COMPLETED = "completed", _("The programme was completed")


class PriorityReason(models.TextChoices):
    RAE_COMMUNITY = "rae_community", _("Roma, Ashkali or Egyptian community")
    POVERTY = "poverty", _("Poverty")
    DISABILITY = "disability", _("Disability")
    YOUNG_MOTHER = "young_mother", _("Young mother")
    PREMATURE_BIRTH = "premature_birth", _("Premature birth")
    PREVIOUS_CONCERNS = "previous_concerns", _("Concerns from a previous visit")
    OTHER = "other", _("Other")


class Enrolment(VersionedModel):
    kind = models.CharField(_("enrolled"), max_length=10, choices=EnrolmentKind.choices)
    caregiver = models.ForeignKey(
        "people.Person",
        verbose_name=_("caregiver"),
        on_delete=models.PROTECT,
        related_name="visiting_as_caregiver",
    )
    child = models.ForeignKey(
        "people.Person",
        verbose_name=_("child"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visiting_as_child",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visiting_enrolments",
    )
    expected_delivery_on = models.DateField(
        _("expected date of delivery"), null=True, blank=True
    )
    born_on = models.DateField(_("child's date of birth"), null=True, blank=True)
    centre = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("family health centre"),
        on_delete=models.PROTECT,
        related_name="visiting_enrolments",
    )
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nurse"),
        on_delete=models.PROTECT,
        related_name="visiting_enrolments",
    )
    protocol = models.ForeignKey(
        Protocol,
        verbose_name=_("protocol"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    priority_reasons = models.JSONField(
        _("why the family is prioritised"), default=list, blank=True
    )
    priority_note = models.CharField(_("other reason"), max_length=200, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EnrolmentEndReason.choices, blank=True
    )
    # Kept by recording a visit, so that "families not seen for N days" is one
    # range of an index at national scale.
    last_visited_on = models.DateField(_("last visited on"), null=True, blank=True)

    class Meta:
        verbose_name = _("home visiting enrolment")
        verbose_name_plural = _("home visiting enrolments")
        ordering = ["-enrolled_on", "-pk"]
        indexes = [
            models.Index(fields=["nurse", "status", "enrolled_on"], name="enr_nurse"),
            models.Index(fields=["centre", "status", "enrolled_on"], name="enr_centre"),
            models.Index(fields=["caregiver"], name="enr_caregiver"),
            models.Index(fields=["child"], name="enr_child"),
            models.Index(fields=["household"], name="enr_household"),
            models.Index(
                fields=["centre", "status", "last_visited_on"], name="enr_centre_seen"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="enrolment_has_its_date",
                condition=Q(expected_delivery_on__isnull=False)
                | Q(born_on__isnull=False),
            ),
            models.CheckConstraint(
                name="enrolment_child_born",
                condition=Q(kind="pregnancy") | Q(child__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("Enrolment %(id)s") % {"id": self.pk}

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE

    @property
    def is_prioritised(self) -> bool:
        return bool(self.priority_reasons)

    def priority_labels(self) -> list[str]:
        return [str(PriorityReason(r).label) for r in self.priority_reasons]


class VisitState(models.TextChoices):
    """What is stored; upcoming, due, overdue and missed are read from the dates."""

    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class VisitStatus(models.TextChoices):
    """What a nurse sees: the state, and for a scheduled visit, where today falls
    in its window."""

    UPCOMING = "upcoming", pgettext_lazy("visit status", "Upcoming")
    DUE = "due", pgettext_lazy("visit status", "Due")
    OVERDUE = "overdue", pgettext_lazy("visit status", "Overdue")
    DONE = "done", pgettext_lazy("visit status", "Done")
    MISSED = "missed", pgettext_lazy("visit status", "Missed")
    NOT_NEEDED = "not_needed", pgettext_lazy("visit status", "Not needed")


class ScheduledVisit(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="scheduled_visits"
    )
    # Null once the visit was taken off the protocol; a done visit stays.
    protocol_visit = models.ForeignKey(
        ProtocolVisit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scheduled",
    )
    # Copied from the enrolment and the protocol so that a worklist reads one
    # table through one index, at national scale (3 million rows).
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("visit"), max_length=120)
    sections = models.JSONField(_("recorded at this visit"), default=list, blank=True)
    opens_on = models.DateField(_("opens"))
    due_on = models.DateField(_("due"))
    overdue_on = models.DateField(_("overdue from"))
    closes_on = models.DateField(_("closes"))
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=VisitState.choices,
        default=VisitState.SCHEDULED,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled visit")
        verbose_name_plural = _("scheduled visits")
        ordering = ["enrolment", "due_on", "pk"]
        indexes = [
            models.Index(fields=["enrolment", "due_on"], name="sv_enrolment"),
            # A nurse's due and overdue visits: the scheduled ones whose window
            # has not closed, one range of this index (opens_on filtered in it).
            models.Index(
                fields=["nurse", "closes_on", "opens_on"],
                name="sv_worklist",
                condition=Q(state="scheduled"),
            ),
            models.Index(
                fields=["centre", "closes_on", "opens_on"],
                name="sv_centre",
                condition=Q(state="scheduled"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="scheduled_visit_window_in_order",
                condition=Q(opens_on__lte=models.F("due_on"))
                & Q(due_on__lte=models.F("overdue_on"))
                & Q(overdue_on__lte=models.F("closes_on")),
            ),
            models.UniqueConstraint(
                fields=["enrolment", "protocol_visit"],
                name="scheduled_visit_once",
                condition=Q(protocol_visit__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.due_on}"


class Present(models.TextChoices):
    """Who was at home for the visit."""

    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CHILD = "child", _("The child")
    OTHER_CAREGIVER = "other_caregiver", _("Another caregiver")
    SIBLINGS = "siblings", _("Brothers or sisters")
    OTHER = "other", _("Someone else")


class Feeding(models.TextChoices):
    EXCLUSIVE_BREASTFEEDING = "exclusive_breastfeeding", _("Breast milk only")
    MIXED = "mixed", _("Breast milk and formula")
    FORMULA = "formula", _("Formula only")
    COMPLEMENTARY = "complementary", _("Breast milk or formula, and other food")
    FAMILY_FOOD = "family_food", _("Family food")


class Immunisation(models.TextChoices):
    """As the family reports it (and the card shows, when there is one)."""

    UP_TO_DATE = "up_to_date", _("Up to date")
    BEHIND = "behind", _("Behind schedule")
    NONE = "none", _("None received")
    UNKNOWN = "unknown", _("Not known")


class Milestones(models.TextChoices):
    ON_TRACK = "on_track", _("Met for the child's age")
    SOME_NOT_MET = "some_not_met", _("Some not met")
    DELAY_SUSPECTED = "delay_suspected", _("Delay suspected")


class HomeSafety(models.TextChoices):
    SAFE = "safe", _("No hazards seen")
    HAZARDS = "hazards", _("Hazards seen")


class VisitConcern(models.TextChoices):
    """What a nurse sees at home that must reach social services or another
    service (``ura.visiting.concerns``)."""

    VIOLENCE = "violence", _("Violence")
    NEGLECT = "neglect", _("Neglect")
    SEVERE_MALNUTRITION = "severe_malnutrition", _("Severe malnutrition")
    DEVELOPMENTAL_DELAY = "developmental_delay", _("Developmental delay")
    MATERNAL_DEPRESSION = "maternal_depression", _("Maternal depression")
    NO_DOCUMENTS = "no_documents", _("No documents")
    NO_HEALTH_INSURANCE = "no_health_insurance", _("No health insurance")


class Visit(VersionedModel):
    """A home visit made: on the schedule (``scheduled``) or not.

    Growth is stored as measured; the z-scores are computed from the WHO child
    growth standards (``ura.visiting.growth``) when the visit is saved, never
    typed in."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="visits"
    )
    # The expected visit this one fulfils; none for a visit off the schedule.
    scheduled = models.OneToOneField(
        ScheduledVisit,
        verbose_name=_("scheduled visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit",
    )
    visited_on = models.DateField(_("date of the visit"))
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nurse"),
        on_delete=models.PROTECT,
        related_name="home_visits",
    )
    centre = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    present = models.JSONField(_("who was present"), default=list, blank=True)
    # The child's age on the day, in days (null before the birth).
    age_days = models.IntegerField(_("child's age in days"), null=True, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=3, null=True, blank=True
    )
    length_cm = models.DecimalField(
        _("length (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    head_cm = models.DecimalField(
        _("head circumference (cm)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    weight_z = models.FloatField(_("weight-for-age z-score"), null=True, blank=True)
    length_z = models.FloatField(_("length-for-age z-score"), null=True, blank=True)
    head_z = models.FloatField(
        _("head circumference-for-age z-score"), null=True, blank=True
    )
    bmi_z = models.FloatField(_("BMI-for-age z-score"), null=True, blank=True)
    feeding = models.CharField(
        _("feeding"), max_length=30, choices=Feeding.choices, blank=True
    )
    immunisation = models.CharField(
        _("immunisation (as reported)"),
        max_length=20,
        choices=Immunisation.choices,
        blank=True,
    )
    milestones = models.CharField(
        _("developmental milestones"),
        max_length=20,
        choices=Milestones.choices,
        blank=True,
    )
    milestones_note = models.CharField(
        _("milestones not met"), max_length=300, blank=True
    )
    # Edinburgh Postnatal Depression Scale, 0 to 30.
    maternal_screening_score = models.PositiveSmallIntegerField(
        _("maternal mental health screening score (EPDS)"), null=True, blank=True
    )
    home_safety = models.CharField(
        _("home safety"), max_length=10, choices=HomeSafety.choices, blank=True
    )
    home_safety_note = models.CharField(_("hazards seen"), max_length=300, blank=True)
    concerns = models.JSONField(_("concerns"), default=list, blank=True)
    concern_note = models.TextField(_("what was seen"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["enrolment", "visited_on"], name="visit_enrolment"),
            models.Index(fields=["nurse", "visited_on"], name="visit_nurse"),
            models.Index(fields=["centre", "visited_on"], name="visit_centre"),
        ]

    def __str__(self) -> str:
        return _("Visit of %(date)s") % {"date": self.visited_on}

    def concern_labels(self) -> list[str]:
        return [str(VisitConcern(c).label) for c in self.concerns]

    def present_labels(self) -> list[str]:
        return [str(Present(p).label) for p in self.present]


class ConcernAction(models.Model):
    """What a concern seen at a visit became: a referral, or a child protection
    case; the nurse follows it from the visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    concern = models.CharField(
        _("concern"), max_length=30, choices=VisitConcern.choices
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["visit", "pk"]
        constraints = [
            models.CheckConstraint(
                name="concern_action_one_target",
                condition=(Q(referral__isnull=False) & Q(case__isnull=True))
                | (Q(referral__isnull=True) & Q(case__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return str(VisitConcern(self.concern).label)


class ScheduleUpdateStatus(models.TextChoices):
    RUNNING = "running", _("Updating the schedules")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


class ScheduleUpdate(TimeStampedModel):
    """Bringing the schedules of a protocol's active enrolments in line with it
    after it was saved, in the background (``ura.visiting.rescheduling``)."""

    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="schedule_updates"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ScheduleUpdateStatus.choices,
        default=ScheduleUpdateStatus.RUNNING,
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One update of a protocol's schedules at a time.
            models.UniqueConstraint(
                fields=["protocol"],
                condition=Q(status="running"),
                name="schedule_update_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"schedule update {self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == ScheduleUpdateStatus.DONE else 0
        return min(100, round(100 * self.processed / self.total))
