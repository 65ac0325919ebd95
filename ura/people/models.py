"""One record per person, linked into households."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ura.core.models import TimeStampedModel, VersionedModel


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
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


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
