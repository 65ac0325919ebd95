"""What is written down and kept on a case: notes, documents, consent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ura.cases.models.case import Case
from ura.core.crypto import EncryptedTextField


class NoteKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    OFFICE = "office", _("Meeting at the office")
    PHONE = "phone", _("Phone call")
    SCHOOL = "school", _("Visit to the school")
    MEETING = "meeting", _("Meeting with a professional")
    OTHER = "other", _("Other")


class ContactWith(models.TextChoices):
    NONE = "", _("No contact with the child or family")
    CHILD = "child", _("The child")
    FAMILY = "family", _("The family")
    BOTH = "both", _("The child and the family")


class CaseNote(models.Model):
    """A dated note. Notes are never edited: a correction is a new note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    contact_with = models.CharField(
        _("contact with"), max_length=10, choices=ContactWith.choices, blank=True
    )
    body = EncryptedTextField(_("note"))
    written_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["case", "happened_on"], name="note_case")]

    def __str__(self) -> str:
        return f"note {self.pk} on case {self.case_id}"


class CaseDocument(models.Model):
    """An uploaded file, encrypted on disk (``ura.cases.documents``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Where the ciphertext is kept, under the document storage: random, so that the
    # storage reveals nothing about the case or the child.
    stored_as = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"document {self.pk} on case {self.case_id}"


class ConsentGiver(models.TextChoices):
    CHILD = "child", _("The child (assent)")
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GUARDIAN = "guardian", _("Legal guardian")
    FOSTER_CARER = "foster_carer", _("Foster carer")
    OTHER = "other", _("Other")


class Consent(models.Model):
    """What the child and their carers agreed to, when, and whether it still holds.

    Sharing with another agency asks ``ura.cases.consent.sharing_allowed``, which
    reads only consents that are not withdrawn.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(
        _("given by"), max_length=20, choices=ConsentGiver.choices
    )
    given_by_name = models.CharField(_("name"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    to_services = models.BooleanField(_("receiving services"), default=False)
    to_sharing = models.BooleanField(
        _("sharing information with other agencies"), default=False
    )
    agencies = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("agencies information may be shared with"),
        blank=True,
        related_name="+",
    )
    note = EncryptedTextField(_("what was explained and agreed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"consent {self.pk} on case {self.case_id}"
