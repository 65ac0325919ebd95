"""One record per person, linked into households."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.core.models import TimeStampedModel, VersionedModel
from ura.people.equity import (
    Answer,
    CareArrangement,
    Community,
    Mobility,
    SchoolAttendance,
    SchoolEnrolment,
)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class Person(VersionedModel):
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(
        _("date of birth is estimated"), default=False
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place of residence"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    other_names = models.CharField(
        _("other names"),
        max_length=200,
        blank=True,
        help_text=_(
            "Maiden name, name in the other script, nicknames; comma separated."
        ),
    )
    personal_number = models.CharField(
        _("personal number"), max_length=20, blank=True, db_index=True
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)

    # Equity facts: each may be unknown or declined, never forced.
    community = models.CharField(
        _("community"), max_length=20, choices=Community.choices, default="unknown"
    )
    functional_difficulty = models.CharField(
        _("functional difficulty"),
        max_length=10,
        choices=Answer.choices,
        default="unknown",
        help_text=_(
            "From the latest functioning assessment (Washington Group / UNICEF)."
        ),
        editable=False,
    )
    birth_registered = models.CharField(
        _("birth registered"), max_length=10, choices=Answer.choices, default="unknown"
    )
    has_documents = models.CharField(
        _("has personal documents"),
        max_length=10,
        choices=Answer.choices,
        default="unknown",
    )
    school_enrolment = models.CharField(
        _("school enrolment"),
        max_length=20,
        choices=SchoolEnrolment.choices,
        default="unknown",
    )
    school_attendance = models.CharField(
        _("school attendance"),
        max_length=20,
        choices=SchoolAttendance.choices,
        default="unknown",
    )
    social_assistance = models.CharField(
        _("receives social assistance"),
        max_length=10,
        choices=Answer.choices,
        default="unknown",
    )
    street_situation = models.CharField(
        _("in a street situation"),
        max_length=10,
        choices=Answer.choices,
        default="unknown",
    )
    mobility = models.CharField(
        _("on the move, migrant or returnee"),
        max_length=20,
        choices=Mobility.choices,
        default="unknown",
    )
    care_arrangement = models.CharField(
        _("care arrangement"),
        max_length=20,
        choices=CareArrangement.choices,
        default="unknown",
    )
    # The name folded by the matcher (script, diacritics, case), for search.
    search_name = models.CharField(max_length=400, blank=True, editable=False)
    # A record merged into another stays as a tombstone that points at the kept one.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_away",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name"),
            models.Index(fields=["place", "sex"], name="person_place_sex"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(fields=["place", "community"], name="person_place_community"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        elif self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = _("The date of birth cannot be before 1900.")
        number = self.personal_number
        if number and not (number.isascii() and number.isalnum()):
            errors["personal_number"] = _("Use Latin letters and digits only.")
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birth_date_from_age(age: int, today: date) -> date:
    """An estimated date of birth for someone ``age`` years old: mid-year of the most
    likely birth year, so it is at most six months off."""
    year = today.year - age - (1 if (today.month, today.day) < (7, 1) else 0)
    return min(date(year, 7, 1), today)


class Household(TimeStampedModel):
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return _("Household %(id)s") % {"id": self.pk}


class Relationship(models.TextChoices):
    CHILD = "child", _("Child")
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GUARDIAN = "guardian", _("Guardian")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    FOSTER_CARER = "foster_carer", _("Foster carer")
    OTHER = "other", _("Other")


class HouseholdMember(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="household_memberships"
    )
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship.choices
    )
    is_primary_caregiver = models.BooleanField(_("primary caregiver"), default=False)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        indexes = [models.Index(fields=["person", "ended_on"], name="member_person")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"


class PersonMatchKey(models.Model):
    """The matcher's blocking keys, one row each: registration looks up the people who
    share a key with the new record through this index instead of scanning."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="match_keys"
    )
    key = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="match_key")]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="match_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    NOT_DUPLICATE = "not_duplicate", _("Not the same person")
    MERGED = "merged", _("Merged")


class PossibleDuplicate(TimeStampedModel):
    """Two records the matcher thinks may be one person, kept for review (a worker
    saved anyway, or an import flagged it)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("why"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.OPEN,
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="duplicate_pair")
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="duplicate_open")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id}"


class FunctioningAssessment(TimeStampedModel):
    """One administration of the Washington Group / UNICEF questions: the answers per
    question, and the result per domain computed by the module's own rule."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="functioning_assessments"
    )
    instrument = models.CharField(_("questionnaire"), max_length=20)
    answers = models.JSONField(_("answers"), default=dict)
    domains = models.JSONField(_("result per domain"), default=dict)
    result = models.CharField(
        _("functional difficulty"), max_length=10, choices=Answer.choices
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("functioning assessment")
        verbose_name_plural = _("functioning assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["person", "-assessed_on"], name="functioning_person")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.assessed_on}"


class PersonMerge(TimeStampedModel):
    """Two records found to be one person: ``merged`` now points at ``kept``.

    Keeps what is needed to undo it: the kept record's values before the merge and
    every link that moved, by model and row id.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kept_before = models.JSONField(default=dict)
    moved_links = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of records")
        indexes = [models.Index(fields=["merged", "-created_at"], name="merge_merged")]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


class ImportJob(TimeStampedModel):
    """One run of ``ura import-people`` or of the import page.

    Holds the counts and the report; never the file's content, which is personal
    data and is deleted when the run ends. Row errors name rows and columns, and
    held rows name record ids, so that the report itself holds no names.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
    )
    valid_only = models.BooleanField(_("import the valid rows only"), default=False)
    create_duplicates = models.BooleanField(
        _("create likely duplicates too"), default=False
    )
    # Messages are written in the language of whoever started the run.
    language = models.CharField(max_length=10, blank=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped_existing = models.PositiveIntegerField(_("already imported"), default=0)
    held_duplicates = models.PositiveIntegerField(_("held for review"), default=0)
    invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    held = models.JSONField(_("rows held for review"), default=list, blank=True)
    failure = models.CharField(_("why it stopped"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_owner")]

    def __str__(self) -> str:
        return f"import {self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed / self.total))

    @property
    def is_over(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportedRow(models.Model):
    """The ledger that makes an import idempotent: one row per imported line, keyed
    by a hash of its values (or of its ``external_id``), written in the same
    transaction as the person. A rerun skips every key already here."""

    import_key = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # A job may be deleted when its report is no longer needed; its keys stay.
    job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, related_name="rows"
    )
    row = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row}"
