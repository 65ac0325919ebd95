"""The reach summary: what the reach figures read instead of tens of millions of
attendance rows (docs/reach.md says what each figure counts, and why).

``ReachActivity`` holds, per enrolment (or per person and agency for outreach and
trainings) and year, the days on which the person was served, as day bits
(``ura.services.reach_days``). ``ReachPersonYear`` folds those per person and year,
with the days on which someone in their household was served, and the person's
sex, date of birth, community, disability and place as they were at the refresh.
The database marks what changed (``ReachChange``, written by triggers on the
tables the figures come from); a refresh (``ura.services.reach_refresh``)
recomputes only that, and ``ReachRefresh`` records each run.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.core.models import TimeStampedModel


def _word() -> models.BigIntegerField:
    return models.BigIntegerField(null=True)


def _link(to: str, *, null: bool = False) -> models.ForeignKey:
    # No constraint: the summary is rebuilt from the records, which stay the truth;
    # a row left behind by a deletion is removed by the refresh the deletion marks.
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        related_name="+",
    )


class ReachCategory(models.TextChoices):
    CHILD = "child", _("Child directly supported")
    ADULT = "adult", _("Parent or caregiver supported")
    TRAINED = "trained", _("Professional trained")
    # Lived with someone a source served, on the days it served them.
    INDIRECT = "indirect", _("Reached indirectly")


class ReachSource(models.TextChoices):
    ENROLMENT = "enrolment", _("Service")
    OUTREACH = "outreach", _("Outreach")
    TRAINING = "training", _("Training")


class ReachActivity(models.Model):
    """The days one source (an enrolment; a team's or a trainer's work with one
    person) served a person in a year; and, as ``indirect`` rows, the days on
    which it served someone they lived with."""

    person = _link("people.Person")  # the kept record when two were merged
    year = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=8, choices=ReachCategory.choices)
    source = models.CharField(max_length=10, choices=ReachSource.choices)
    enrolment = _link("services.Enrolment", null=True)
    service = _link("directory.Service", null=True)
    agency = _link("accounts.Agency")
    programme = _link("directory.Programme", null=True)
    # For people reached indirectly: the household member the source served.
    via = _link("people.Person", null=True)
    w0, w1, w2, w3, w4, w5 = _word(), _word(), _word(), _word(), _word(), _word()

    class Meta:
        indexes = [
            models.Index(fields=["via"], name="reach_activity_via"),
            models.Index(fields=["year", "agency"], name="reach_activity_agency"),
            models.Index(fields=["year", "programme"], name="reach_activity_prog"),
            models.Index(fields=["year", "service"], name="reach_activity_service"),
            models.Index(fields=["enrolment"], name="reach_activity_enrolment"),
            models.Index(fields=["person", "source"], name="reach_activity_person"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.person_id} {self.year}"


class ReachPersonYear(models.Model):
    """One person in one year: on which days they were served as a child (c), as
    an adult (a), trained (t), or lived with someone served (i)."""

    KIND_CHILD, KIND_ADULT, KIND_TRAINED, KIND_INDIRECT = 1, 2, 4, 8

    person = _link("people.Person")
    year = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=10)
    date_of_birth = models.DateField(null=True)
    community = models.CharField(max_length=20)
    functional_difficulty = models.CharField(max_length=10)
    place = _link("places.Place")
    # Which of the four kinds of days the row has (a whole year's question reads
    # this instead of the words).
    kinds = models.PositiveSmallIntegerField(default=0)
    c0, c1, c2, c3, c4, c5 = _word(), _word(), _word(), _word(), _word(), _word()
    a0, a1, a2, a3, a4, a5 = _word(), _word(), _word(), _word(), _word(), _word()
    t0, t1, t2, t3, t4, t5 = _word(), _word(), _word(), _word(), _word(), _word()
    i0, i1, i2, i3, i4, i5 = _word(), _word(), _word(), _word(), _word(), _word()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="reach_person_year")
        ]
        indexes = [
            # A year's rows are written together (reach_build.YearSpool): read by
            # year alone, they come in the order they lie on disk.
            models.Index(fields=["year"], name="reach_person_year_only"),
            models.Index(fields=["place", "year"], name="reach_place_year"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class ReachService(models.Model):
    """The day of each service's first recorded session: until then its
    enrolments count by the days enrolled, from then on by attendance."""

    service = models.OneToOneField(
        "directory.Service",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    first_session = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.service_id} {self.first_session}"


class ReachChange(models.Model):
    """Something the figures depend on changed: written by database triggers
    (migration 0002_reach_summary), so that no write, bulk or not, is missed."""

    ENROLMENT, PERSON, HOUSEHOLD, SERVICE_MONTH, EVERYTHING = (
        "enrolment",
        "person",
        "household",
        "service_month",
        "everything",
    )

    kind = models.CharField(max_length=16)
    ref = models.BigIntegerField(default=0)
    month = models.IntegerField(default=0)  # yyyymm, for service_month only
    # The refresh working on it; a change made meanwhile sets it back to NULL, so
    # that the refresh leaves it for the next run.
    claimed_by = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref", "month"], name="reach_change_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}"


class RefreshStatus(models.TextChoices):
    RUNNING = "running", _("Computing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


class ReachRefresh(TimeStampedModel):
    """One run of the refresh: from the page (in the background), from
    ``ura refresh-reach``, or inline when few changes wait."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RefreshStatus.choices,
        default=RefreshStatus.RUNNING,
    )
    full = models.BooleanField(_("everything recomputed"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Every change recorded before this moment is in the figures once it is done.
    as_of = models.DateTimeField(_("figures as of"), null=True)
    # Open enrolments in services without sessions count up to this day.
    counted_until = models.DateField(null=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One refresh at a time: a second start while one runs fails here.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="reach_refresh_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"reach refresh {self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == RefreshStatus.DONE else 0
        return min(100, round(100 * self.processed / self.total))
