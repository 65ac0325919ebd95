"""The table and its members: who is invited, which cases are on the table, and
the grants that follow from both.

Each member with an account holds a ``conference`` grant on the child of each
case on the table (source ``("conference", pk)``, carrying the case's id),
opened when the case is put on the table or the member is invited, and ended
when the case is taken off or the member removed (closing the conference ends
them all: ``ura.conferences.actions.conference_close``). Before a case is shared
with a member of another agency, the child's consent must cover that agency
(``ura.cases.consent.sharing_allowed``), or the organiser records why the case
must be shared without it (a legal duty to protect the child), which is kept
and audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.grants import grant_open, grants_end_for_case
from ura.access.models import GrantReason, PersonGrant
from ura.access.rules import ROLE_PERMISSIONS, Permission, agencies_where, may
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed, case_event
from ura.cases.consent import sharing_allowed
from ura.cases.models import Case, CaseEventKind
from ura.conferences.access import may_run
from ura.conferences.models import (
    Conference,
    ConferenceCase,
    ConferenceMember,
    SharingOverride,
)


def conference_source(conference: Conference) -> tuple[str, str]:
    return ("conference", str(conference.pk))


P_RUN = Permission.RUN_CONFERENCES


def organising_agencies(user: User):  # noqa: ANN201
    """The agencies where the user holds a role that runs conferences."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if P_RUN in perms]
    return agencies_where(user, *roles)


def require_run(actor: User, conference: Conference) -> None:
    if not may_run(actor, conference):
        raise NotAllowed


def require_not_closed(conference: Conference) -> None:
    if conference.is_closed:
        raise ValidationError(_("This conference is closed: nothing can change."))


def check_chair(chair: User | None) -> None:
    if chair is not None and not may(chair, P_RUN):
        raise ValidationError(
            {"chair": _("The chair must be someone who may run case conferences.")}
        )


# -- members and grants ----------------------------------------------------------


def active_members(conference: Conference) -> list[ConferenceMember]:
    return list(
        conference.members.filter(removed_at__isnull=True).select_related(
            "user", "agency"
        )
    )


def on_table(conference: Conference) -> list[ConferenceCase]:
    return list(
        conference.table.filter(removed_at__isnull=True).select_related("case__person")
    )


def open_grant(
    actor: User, conference: Conference, case: Case, member: ConferenceMember
) -> None:
    if member.user_id is None:
        return
    grant_open(
        actor=actor,
        person=case.person,
        reason=GrantReason.CONFERENCE,
        user=member.user,
        source=conference_source(conference),
        case_id=case.pk,
    )


def _end_member_grants(conference: Conference, member: ConferenceMember) -> None:
    # ura.access.grants ends grants by source (and case); a member leaving ends
    # only their own grants from this conference.
    if member.user_id is None:
        return
    source_type, source_id = conference_source(conference)
    PersonGrant.objects.filter(
        source_type=source_type,
        source_id=source_id,
        user_id=member.user_id,
        ends_at__isnull=True,
    ).update(ends_at=timezone.now())


def _not_covered(case: Case, members: Iterable[ConferenceMember]) -> list:
    """The members the child's consent does not cover: of another agency than the
    case's, not named in an active consent to sharing, or of no agency at all
    (an outside member, whom no consent can name)."""
    allowed: dict[int, bool] = {}
    refused = []
    for member in members:
        if member.agency_id is None:
            refused.append(member)
            continue
        if member.agency_id not in allowed:
            allowed[member.agency_id] = sharing_allowed(case, member.agency_id)
        if not allowed[member.agency_id]:
            refused.append(member)
    return refused


def _member_label(member: ConferenceMember) -> str:
    where = (
        str(member.agency)
        if member.agency_id
        else member.get_institution_type_display()
    )
    return f"{member.display_name} ({where})"


def consent_or_override(
    *,
    actor: User,
    conference: Conference,
    case: Case,
    members: Iterable[ConferenceMember],
    sharing_reason: str,
    request: HttpRequest | None,
) -> None:
    """Refuse to share a case the consent does not cover, unless a reason is
    given; the reason is kept and audited for each member it overrides."""
    refused = _not_covered(case, members)
    if not refused:
        return
    reason = (sharing_reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "sharing_reason": _(
                    "The child's consent does not allow sharing case %(case)s with: "
                    "%(members)s. Record the child's or carers' consent for these "
                    "agencies first, or write why the case must be shared without "
                    "consent (a legal duty to protect the child)."
                )
                % {
                    "case": case.reference,
                    "members": "; ".join(_member_label(m) for m in refused),
                }
            }
        )
    now = timezone.now()
    for member in refused:
        override = SharingOverride(
            conference=conference,
            case=case,
            member=member,
            agency=member.agency,
            reason=reason,
            recorded_by=actor,
            recorded_at=now,
        )
        override.full_clean()
        override.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=override,
            fields=["reason"],
            detail=(
                f"shared without consent: case {case.pk} conference {conference.pk} "
                f"member {member.pk} agency {member.agency_id or '-'}"
            ),
            request=request,
        )


def member_create(
    *,
    actor: User,
    conference: Conference,
    user: User | None,
    name: str,
    institution_type: str,
    agency: Agency | None,
) -> ConferenceMember:
    member = ConferenceMember(
        conference=conference,
        user=user,
        name="" if user else name.strip(),
        institution_type=institution_type,
        agency=agency,
        invited_at=timezone.now(),
        invited_by=actor,
    )
    member.full_clean(exclude=["conference"])
    member.save(force_insert=True)
    return member


def _member_fields(
    user: User | None, name: str, institution_type: str, agency: Agency | None
) -> tuple[str, Agency | None]:
    """Check who is invited; return their institution type and agency."""
    if user is not None:
        if not user.is_active or not may(user, Permission.VIEW_CASES):
            raise ValidationError(
                {
                    "user": _(
                        "This user cannot see cases in Ura. Invite them by name "
                        "instead; they will get no access through Ura."
                    )
                }
            )
        theirs = Agency.objects.filter(
            is_active=True, memberships__user=user, memberships__is_active=True
        ).distinct()
        if agency is None:
            agency = theirs.order_by("pk").first()
        elif not theirs.filter(pk=agency.pk).exists():
            raise ValidationError(
                {"agency": _("This user does not work for that agency.")}
            )
    elif not (name or "").strip():
        raise ValidationError(
            {"name": _("Choose a user, or write the name of an outside member.")}
        )
    if not institution_type and agency is not None:
        institution_type = agency.type
    if not institution_type:
        raise ValidationError({"institution_type": _("Choose the institution.")})
    return institution_type, agency


def invite_runners(actor: User, conference: Conference) -> list[ConferenceMember]:
    """The organiser and the chair are members too: their attendance counts."""
    invited = []
    for user in dict.fromkeys(u for u in (actor, conference.chair) if u is not None):
        if conference.members.filter(user=user, removed_at__isnull=True).exists():
            continue
        agency = (
            conference.agency
            if organising_agencies(user).filter(pk=conference.agency_id).exists()
            else None
        )
        institution_type, agency = _member_fields(user, "", "", agency)
        invited.append(
            member_create(
                actor=actor,
                conference=conference,
                user=user,
                name="",
                institution_type=institution_type,
                agency=agency,
            )
        )
    return invited


def conference_member_add(
    *,
    actor: User,
    conference: Conference,
    user: User | None = None,
    name: str = "",
    institution_type: str = "",
    agency: Agency | None = None,
    sharing_reason: str = "",
    request: HttpRequest | None = None,
) -> ConferenceMember:
    """Invite a user (who then sees the cases on the table) or a named outside
    member without an account."""
    require_run(actor, conference)
    require_not_closed(conference)
    institution_type, agency = _member_fields(user, name, institution_type, agency)
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        require_not_closed(locked)
        if user and locked.members.filter(user=user, removed_at__isnull=True).exists():
            raise ValidationError({"user": _("This user is already invited.")})
        member = member_create(
            actor=actor,
            conference=locked,
            user=user,
            name=name,
            institution_type=institution_type,
            agency=agency,
        )
        for row in on_table(locked):
            consent_or_override(
                actor=actor,
                conference=locked,
                case=row.case,
                members=[member],
                sharing_reason=sharing_reason,
                request=request,
            )
            open_grant(actor, locked, row.case, member)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=member,
            fields=["user" if user else "name", "institution_type", "agency"],
            detail=f"conference {locked.pk}",
            request=request,
        )
    return member


def conference_member_remove(
    *,
    actor: User,
    member: ConferenceMember,
    request: HttpRequest | None = None,
) -> None:
    """The member leaves the table: their access to its cases ends now."""
    conference = member.conference
    require_run(actor, conference)
    require_not_closed(conference)
    if member.user_id == conference.organiser_id:
        raise ValidationError(_("The organiser cannot be removed."))
    if member.removed_at is not None:
        return
    with transaction.atomic():
        member.removed_at = timezone.now()
        member.removed_by = actor
        member.save(update_fields=["removed_at", "removed_by"])
        _end_member_grants(conference, member)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=member,
            fields=["removed_at"],
            detail=f"conference {conference.pk}",
            request=request,
        )


# -- the table --------------------------------------------------------------------


def put_on_table(
    *,
    actor: User,
    conference: Conference,
    case: Case,
    sharing_reason: str,
    request: HttpRequest | None,
) -> ConferenceCase:
    if not may_on_case(actor, case, CaseUse.WORK):
        raise NotAllowed
    if not case.is_open:
        raise ValidationError(
            {"case": _("A closed case cannot be put on a conference table.")}
        )
    if conference.table.filter(case=case, removed_at__isnull=True).exists():
        raise ValidationError({"case": _("This case is already on the table.")})
    members = active_members(conference)
    consent_or_override(
        actor=actor,
        conference=conference,
        case=case,
        members=members,
        sharing_reason=sharing_reason,
        request=request,
    )
    row = ConferenceCase.objects.create(
        conference=conference, case=case, added_at=timezone.now(), added_by=actor
    )
    for member in members:
        open_grant(actor, conference, case, member)
    case_event(
        case,
        actor=actor,
        kind=CaseEventKind.CONFERENCE,
        detail=f"on_table {conference.pk}",
    )
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=conference,
        fields=["cases"],
        detail=f"case {case.pk} on the table; {len(members)} members",
        request=request,
    )
    return row


def conference_case_add(
    *,
    actor: User,
    conference: Conference,
    case: Case,
    sharing_reason: str = "",
    request: HttpRequest | None = None,
) -> ConferenceCase:
    """Put a case the organiser works on before the conference's members."""
    require_run(actor, conference)
    require_not_closed(conference)
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        require_not_closed(locked)
        return put_on_table(
            actor=actor,
            conference=locked,
            case=case,
            sharing_reason=sharing_reason,
            request=request,
        )


def conference_case_remove(
    *,
    actor: User,
    conference: Conference,
    case: Case,
    request: HttpRequest | None = None,
) -> None:
    """Take a case off the table: the members' access to it ends now."""
    require_run(actor, conference)
    require_not_closed(conference)
    with transaction.atomic():
        row = (
            conference.table.select_for_update()
            .filter(case=case, removed_at__isnull=True)
            .first()
        )
        if row is None:
            raise ValidationError({"case": _("This case is not on the table.")})
        row.removed_at = timezone.now()
        row.removed_by = actor
        row.save(update_fields=["removed_at", "removed_by"])
        grants_end_for_case(source=conference_source(conference), case_id=case.pk)
        case_event(
            case,
            actor=actor,
            kind=CaseEventKind.CONFERENCE,
            detail=f"off_table {conference.pk}",
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=conference,
            fields=["cases"],
            detail=f"case {case.pk} off the table",
            request=request,
        )
