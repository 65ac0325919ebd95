"""Whether what the child and their carers agreed to allows sharing with an agency.

Every part that shares a case with another agency (a transfer, a conference, a
referral) asks ``sharing_allowed`` first, in the same transaction as the sharing.
Only consents that are not withdrawn count, so a withdrawal is honoured by every
later sharing. Sharing within the case's own agency needs no consent.
"""

from ura.accounts.models import Agency
from ura.cases.models import Case, Consent


def active_consents(case: Case):  # noqa: ANN201
    return Consent.objects.filter(case=case, withdrawn_on__isnull=True)


def sharing_allowed(case: Case, agency: Agency | int) -> bool:
    agency_id = agency if isinstance(agency, int) else agency.pk
    if agency_id == case.agency_id:
        return True
    return (
        active_consents(case).filter(to_sharing=True, agencies__id=agency_id).exists()
    )
