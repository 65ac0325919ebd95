"""The equity facts that "leave no child behind" needs.

Every fact can be answered "unknown" (not asked or not known) or "declined" (the
person chose not to say): a worker is never forced to guess, and an unknown is never
counted as a "no".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

UNKNOWN = "unknown"
DECLINED = "declined"


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


class Community(models.TextChoices):
    ALBANIAN = "albanian", pgettext_lazy("community", "Albanian")
    SERB = "serb", pgettext_lazy("community", "Serb")
    BOSNIAK = "bosniak", pgettext_lazy("community", "Bosniak")
    TURKISH = "turkish", pgettext_lazy("community", "Turkish")
    GORANI = "gorani", pgettext_lazy("community", "Gorani")
    ROMA = "roma", pgettext_lazy("community", "Roma")
    ASHKALI = "ashkali", pgettext_lazy("community", "Ashkali")
    EGYPTIAN = "egyptian", pgettext_lazy("community", "Egyptian")
    MONTENEGRIN = "montenegrin", pgettext_lazy("community", "Montenegrin")
    CROAT = "croat", pgettext_lazy("community", "Croat")
    HUNGARIAN = "hungarian", pgettext_lazy("community", "Hungarian")
    GREEK = "greek", pgettext_lazy("community", "Greek")
    MACEDONIAN = "macedonian", pgettext_lazy("community", "Macedonian")
    AROMANIAN = "aromanian", pgettext_lazy("community", "Aromanian (Vlach)")
    OTHER = "other", _("Other")
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


C = Community
_ALWAYS = (C.OTHER, C.UNKNOWN, C.DECLINED)
# The communities each country's statistics office counts, with the three answers
# every list carries. Roma, Ashkali and Egyptian are separate everywhere they live.
COMMUNITIES_BY_COUNTRY: dict[str, tuple[Community, ...]] = {
    "XK": (
        C.ALBANIAN,
        C.SERB,
        C.BOSNIAK,
        C.TURKISH,
        C.GORANI,
        C.ROMA,
        C.ASHKALI,
        C.EGYPTIAN,
        C.MONTENEGRIN,
        C.CROAT,
        *_ALWAYS,
    ),
    "AL": (
        C.ALBANIAN,
        C.GREEK,
        C.MACEDONIAN,
        C.AROMANIAN,
        C.ROMA,
        C.EGYPTIAN,
        C.SERB,
        C.MONTENEGRIN,
        C.BOSNIAK,
        *_ALWAYS,
    ),
    "RS": (
        C.SERB,
        C.HUNGARIAN,
        C.BOSNIAK,
        C.ROMA,
        C.ALBANIAN,
        C.CROAT,
        C.MONTENEGRIN,
        C.GORANI,
        C.EGYPTIAN,
        C.ASHKALI,
        C.MACEDONIAN,
        C.TURKISH,
        *_ALWAYS,
    ),
}
# Communities reported together as "Roma, Ashkali and Egyptian" in equity views.
RAE = frozenset({C.ROMA, C.ASHKALI, C.EGYPTIAN})


class SchoolEnrolment(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    NOT_ENROLLED = "not_enrolled", _("Not enrolled")
    NOT_SCHOOL_AGE = "not_school_age", _("Not of school age")
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


class SchoolAttendance(models.TextChoices):
    REGULAR = "regular", _("Attends regularly")
    IRREGULAR = "irregular", _("Attends irregularly")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


class Mobility(models.TextChoices):
    SETTLED = "settled", _("Not on the move")
    MIGRANT = "migrant", _("Migrant or on the move")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker or refugee")
    RETURNEE = "returnee", _("Returnee")
    DISPLACED = "displaced", _("Internally displaced")
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


class CareArrangement(models.TextChoices):
    FAMILY = "family", _("With parents or family")
    KINSHIP = "kinship", _("Kinship care")
    FOSTER = "foster", _("Foster care")
    RESIDENTIAL = "residential", _("Residential care")
    INDEPENDENT = "independent", _("Lives independently")
    UNKNOWN = UNKNOWN, _("Unknown")
    DECLINED = DECLINED, _("Declined to say")


class Language(models.TextChoices):
    ALBANIAN = "sq", pgettext_lazy("language", "Albanian")
    SERBIAN = "sr", pgettext_lazy("language", "Serbian")
    ROMANI = "rom", pgettext_lazy("language", "Romani")
    TURKISH = "tr", pgettext_lazy("language", "Turkish")
    BOSNIAN = "bs", pgettext_lazy("language", "Bosnian")
    GORANI = "gor", pgettext_lazy("language", "Gorani")
    MACEDONIAN = "mk", pgettext_lazy("language", "Macedonian")
    GREEK = "el", pgettext_lazy("language", "Greek")
    HUNGARIAN = "hu", pgettext_lazy("language", "Hungarian")
    ENGLISH = "en", pgettext_lazy("language", "English")
    OTHER = "other", _("Other")


# The facts, in the order forms, filters and exports show them.
EQUITY_FIELDS = (
    "community",
    "functional_difficulty",
    "birth_registered",
    "has_documents",
    "school_enrolment",
    "school_attendance",
    "social_assistance",
    "street_situation",
    "mobility",
    "care_arrangement",
)
