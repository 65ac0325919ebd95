"""Why the matcher thinks two records are one person, in the user's language."""

from django.utils.translation import gettext_lazy as _

REASON_LABELS = {
    "given_name_same": _("same given name"),
    "given_name_similar": _("similar given name"),
    "given_name_close": _("given name spelled close"),
    "given_name_differs": _("different given name"),
    "family_name_same": _("same family name"),
    "family_name_similar": _("similar family name"),
    "family_name_close": _("family name spelled close"),
    "family_name_differs": _("different family name"),
    "names_swapped": _("given and family name swapped"),
    "dob_same": _("same date of birth"),
    "dob_day_month_swapped": _("day and month of birth swapped"),
    "dob_year_off": _("year of birth one off"),
    "dob_one_part_differs": _("date of birth differs in one part"),
    "dob_estimated_close": _("estimated date of birth close"),
    "dob_near": _("dates of birth close"),
    "dob_differs": _("different date of birth"),
    "sex_same": _("same sex"),
    "sex_differs": _("different sex"),
    "place_same": _("same municipality"),
    "place_differs": _("different municipality"),
    "caregiver_same": _("same caregiver"),
    "caregiver_similar": _("similar caregiver name"),
    "caregiver_differs": _("different caregiver"),
}


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))
