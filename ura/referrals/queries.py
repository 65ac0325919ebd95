"""Reads of referrals: who sees which referral, the lists of both sides, the page.

A referral is seen by its sender, by the supervisor of a team the sender belongs
to, by those who work on its case, and by the service providers of the receiving
agency. The provider sees the child only at the minimal level (name, sex, age,
municipality) plus what the consent let the sender share, and only while the
referral is open: after it ends, the page stays (the outcome, the timeline) and
the child is shown as no longer shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CASE_TEAM_REASONS, case_grants
from ura.access.rules import (
    Permission,
    agencies_where,
    grantees_of,
    may,
    roles_of,
    visible_grants,
    visible_people,
)
from ura.accounts.models import Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.models import Case as ChildCase
from ura.cases.models import Concern
from ura.people.models import Person
from ura.referrals import lifecycle
from ura.referrals.models import (
    ENDED_STATUSES,
    UNANSWERED_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
)

S = ReferralStatus
OPEN_STATUSES = tuple(s for s in S.values if s not in ENDED_STATUSES)
# The status filter of the lists: a group of statuses, or one status.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
    "waiting": tuple(sorted(UNANSWERED_STATUSES)),
    "ended": tuple(sorted(ENDED_STATUSES)),
    "all": tuple(S.values),
    **{s: (s,) for s in S.values},
}
SECTION_SIZE = 20


def status_choices() -> list[tuple[str, str]]:
    return [
        ("open", _("Open")),
        ("waiting", _("Waiting for an answer")),
        ("ended", _("Ended")),
        ("all", _("All")),
        *[(s.value, s.label) for s in S],
    ]


def overdue_condition(now: datetime | None = None) -> Q:
    """Not answered by the answer deadline, or accepted and not started by the
    start deadline."""
    now = now or timezone.now()
    return Q(status__in=sorted(UNANSWERED_STATUSES), answer_due_at__lt=now) | Q(
        status=S.ACCEPTED, start_due_at__lt=now
    )


# The statuses a late referral can have.
LATE_STATUSES = tuple(sorted({*UNANSWERED_STATUSES, S.ACCEPTED}))


def late_only(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Only the overdue among ``referrals`` (already narrowed to a sender or an
    agency). The deadlines are checked as one expression, not as an OR the
    planner could split: SQLite would otherwise read the whole country's late
    referrals through ``ref_answer_due`` and only then keep the user's, where
    ``ref_sender`` and ``ref_to`` give the user's few open ones at once."""
    return (
        referrals.filter(status__in=LATE_STATUSES)
        .alias(late_now=_late(timezone.now()))
        .filter(late_now=True)
    )


def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    """``overdue_condition`` for one referral already read."""
    now = now or timezone.now()
    if referral.status in UNANSWERED_STATUSES:
        return referral.answer_due_at < now
    return referral.status == S.ACCEPTED and referral.start_due_at < now


def provider_agency_ids(user: User) -> list[int]:
    if not may(user, Permission.RECEIVE_REFERRALS):
        return []
    cache = user.__dict__.setdefault("_ura_referral_cache", {})
    if "agencies" not in cache:
        cache["agencies"] = sorted(
            agencies_where(user, Role.SERVICE_PROVIDER).values_list("pk", flat=True)
        )
    return cache["agencies"]


def supervised_senders(user: User) -> list[int]:
    """The workers of the teams this user supervises (ids)."""
    if Role.SUPERVISOR not in roles_of(user):
        return []
    grantees = grantees_of(user)
    return sorted(grantees.supervised_users) if grantees else []


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Every referral this user may open. Default deny."""
    if not user.is_authenticated:
        return Referral.objects.none()
    condition = Q(pk__in=[])
    if may(user, Permission.SEND_REFERRALS):
        condition |= Q(sent_by_id=user.pk)
        senders = supervised_senders(user)
        if senders:
            condition |= Q(sent_by_id__in=senders)
    if may(user, Permission.VIEW_CASES):
        worked_on = case_grants(user).filter(reason__in=sorted(CASE_TEAM_REASONS))
        condition |= Q(case_id__in=worked_on.values("case_id"))
    agencies = provider_agency_ids(user)
    if agencies:
        condition |= Q(to_agency_id__in=agencies)
    return Referral.objects.filter(condition)


def _late(now: datetime) -> Case:
    return Case(
        When(overdue_condition(now), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def with_list_columns(user: User, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """What a list row needs in one query: the service and agencies, whether it
    is overdue, and whether the user may see the child's name now."""
    if may(user, Permission.VIEW_PEOPLE):
        name_visible = Exists(
            visible_grants(user).filter(person_id=OuterRef("person_id"))
        )
    else:
        name_visible = Value(False)
    return (
        referrals.select_related(
            "person__place", "service", "to_agency", "from_agency", "sent_by"
        )
        # The reason is encrypted and no list shows it: not read, not decrypted.
        .defer("reason")
        .annotate(is_late=_late(timezone.now()), name_visible=name_visible)
    )


class ReferralRows:
    """A list of referrals, the overdue first, then the newest: counted and
    ordered from the referral rows alone (through ``ref_to`` or ``ref_sender``),
    and only the rows of the page shown read with their joins and the check of
    the names. A busy provider's tens of thousands of referrals are then sorted
    as bare rows, not joined and checked one by one first. Slices and counts
    like a queryset, for ``Paginator`` and the API's pagination."""

    # For ``Paginator``, which warns about (and would evaluate to check) a list
    # that is not ordered.
    ordered = True

    def __init__(self, user: User, referrals: QuerySet[Referral]) -> None:
        self.user = user
        self.sorted_rows = referrals.annotate(is_late=_late(timezone.now())).order_by(
            F("is_late").desc(), "-sent_at", "-pk"
        )

    def count(self) -> int:
        return self.sorted_rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice | int) -> list[Referral] | Referral:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = list(self.sorted_rows.values_list("pk", flat=True)[index])
        if not ids:
            return []
        rows = with_list_columns(
            self.user, Referral.objects.filter(pk__in=ids).order_by()
        )
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]


def _filtered(within: Q, status: str, overdue: bool) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(within)
    statuses = STATUS_GROUPS.get(status, OPEN_STATUSES)
    if len(statuses) < len(S.values):
        referrals = referrals.filter(status__in=statuses)
    if overdue:
        referrals = late_only(referrals)
    return referrals


def referrals_received(
    *, user: User, status: str = "open", overdue: bool = False
) -> ReferralRows:
    """Referrals to the user's agencies, the overdue first, then the newest."""
    agencies = provider_agency_ids(user)
    if not agencies:
        return ReferralRows(user, Referral.objects.none())
    referrals = _filtered(Q(to_agency_id__in=agencies), status, overdue)
    return ReferralRows(user, referrals)


def referrals_sent(
    *, user: User, who: str = "mine", status: str = "open", overdue: bool = False
) -> ReferralRows:
    """The user's own referrals, or (``who="team"``) those of the workers they
    supervise; the overdue first."""
    if who == "team":
        senders = supervised_senders(user)
    else:
        senders = [user.pk] if may(user, Permission.SEND_REFERRALS) else []
    if not senders:
        return ReferralRows(user, Referral.objects.none())
    referrals = _filtered(Q(sent_by_id__in=senders), status, overdue)
    return ReferralRows(user, referrals)


def list_audited(
    *, user: User, request: HttpRequest | None, filters: dict[str, object], count: int
) -> None:
    """A filtered list of referrals shows names: the filters used are logged."""
    used = [name for name, value in filters.items() if value]
    if not used:
        return
    record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="referrals.referral",
        fields=used,
        detail=f"{count} results",
        request=request,
    )


# --- One referral -----------------------------------------------------------


@dataclass
class SharedFact:
    label: str
    value: str


@dataclass
class ReferralPage:
    referral: Referral
    is_provider: bool
    is_sender: bool
    # The child as the user may see them here: None when no longer shared.
    person: Person | None
    person_link: bool  # the user may open the person's record
    minimal_only: bool
    age: int | None
    shared: list[SharedFact]
    shared_values: dict[str, object]
    events: list[ReferralEvent]
    steps: set[str]
    answer_hours: float | None = None
    start_hours: float | None = None
    enrolments: list = field(default_factory=list)

    @property
    def shared_labels(self) -> list[str]:
        return [
            str(ShareItem(item).label)
            for item in self.referral.shared
            if item in ShareItem.values
        ]

    @property
    def is_late(self) -> bool:
        return is_overdue(self.referral)


def access_referral(user: User, referral_id: object) -> Referral:
    """The referral if this user may open it; a 404 otherwise, as if it did not
    exist."""
    try:
        return (
            visible_referrals(user)
            .select_related(
                "person__place",
                "service",
                "to_agency",
                "from_agency",
                "sent_by",
                "case",
                "answered_by",
            )
            .get(pk=referral_id)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start) / timedelta(hours=1), 1)


def shared_values(referral: Referral) -> dict[str, object]:
    """What the sender shared, as codes (for the API), read now from the record."""
    person = referral.person
    values: dict[str, object] = {}
    for item in referral.shared:
        if item == ShareItem.CONTACT:
            values |= {"address": person.address, "phone": person.phone}
        elif item == ShareItem.CONCERNS and referral.case_id:
            values["concerns"] = sorted(
                referral.case.concerns.values_list("concern", flat=True)
            )
        elif item == ShareItem.DISABILITY:
            values["functional_difficulty"] = person.functional_difficulty
        elif item == ShareItem.SCHOOL:
            values |= {
                "school_enrolment": person.school_enrolment,
                "school_attendance": person.school_attendance,
            }
    return values


def shared_facts(referral: Referral) -> list[SharedFact]:
    """What the sender shared, read now from the record (not copied at sending)."""
    person = referral.person
    facts = []
    for item in referral.shared:
        if item == ShareItem.CONTACT:
            facts.append(SharedFact(_("Address"), person.address or "—"))
            facts.append(SharedFact(_("Phone"), person.phone or "—"))
        elif item == ShareItem.CONCERNS and referral.case_id:
            codes = referral.case.concerns.values_list("concern", flat=True)
            labels = [str(Concern(c).label) for c in codes if c in Concern.values]
            facts.append(SharedFact(_("Concerns"), ", ".join(labels) or "—"))
        elif item == ShareItem.DISABILITY:
            facts.append(
                SharedFact(
                    _("Functional difficulty"),
                    str(person.get_functional_difficulty_display()),
                )
            )
        elif item == ShareItem.SCHOOL:
            facts.append(
                SharedFact(
                    _("School enrolment"), str(person.get_school_enrolment_display())
                )
            )
            facts.append(
                SharedFact(
                    _("School attendance"), str(person.get_school_attendance_display())
                )
            )
    return facts


def referral_page(
    *, user: User, referral_id: object, request: HttpRequest | None
) -> ReferralPage:
    """Everything the referral's page shows. Opening it marks it received (for
    the provider) or its answer seen (for the sender); the view is audited."""
    referral = access_referral(user, referral_id)
    is_provider = lifecycle.provides(user, referral)
    is_sender = lifecycle.refers(user, referral) or referral.sent_by_id == user.pk
    if is_provider:
        lifecycle.referral_receive(actor=user, referral=referral, request=request)
    lifecycle.referral_outcome_seen(actor=user, referral=referral)
    person_visible = visible_people(user).filter(pk=referral.person_id).exists()
    # The referring side sees the child as their own grants allow (the person's
    # page); the provider only the minimum, and only while the referral is open.
    referring_side = not is_provider or is_sender
    shown = person_visible and (referring_side or referral.is_open)
    shows_shared = shown and referral.is_open
    shared = shared_facts(referral) if shows_shared else []
    fields = ["person", "reason", *(referral.shared if shared else [])]
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=referral,
        fields=fields if shown else [],
        detail=f"person {referral.person_id}" if shown else "person not shown",
        request=request,
    )
    events = list(referral.events.select_related("by").order_by("at", "pk"))
    enrolments = []
    if referral.started_at is not None:
        enrolments = list(referral.enrolments.order_by("pk"))
    return ReferralPage(
        referral=referral,
        is_provider=is_provider,
        is_sender=is_sender,
        person=referral.person if shown else None,
        person_link=person_visible and referring_side,
        minimal_only=not referring_side,
        age=referral.person.age_on(timezone.localdate()) if shown else None,
        shared=shared,
        shared_values=shared_values(referral) if shows_shared else {},
        events=events,
        steps=lifecycle.allowed_steps(user, referral),
        answer_hours=hours_between(referral.sent_at, referral.answered_at),
        start_hours=hours_between(referral.sent_at, referral.started_at),
        enrolments=enrolments,
    )


# --- Sections of the case and person pages --------------------------------------


@dataclass
class ReferralsOf:
    referrals: list[Referral]
    visible: set[int]
    total: int


def _section(user: User, referrals: QuerySet[Referral]) -> ReferralsOf:
    rows = list(
        referrals.select_related("service", "to_agency").order_by("-sent_at", "-pk")[
            :SECTION_SIZE
        ]
    )
    ids = [r.pk for r in rows]
    seen = set(visible_referrals(user).filter(pk__in=ids).values_list("pk", flat=True))
    total = len(rows)
    if total == SECTION_SIZE:
        total = referrals.count()
    return ReferralsOf(referrals=rows, visible=seen, total=total)


def case_referrals(*, user: User, case: ChildCase) -> ReferralsOf:
    """The referrals made from a case (its page is already checked)."""
    return _section(user, Referral.objects.filter(case=case))


def person_referrals(*, user: User, person: Person) -> ReferralsOf:
    """The referrals of a person that this user may open."""
    return _section(user, visible_referrals(user).filter(person=person))
