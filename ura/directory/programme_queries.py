"""Reads of programmes: which ones a user sees, and what is attributed to them.

A programme page shows counts and the names of services and trainings, never a
person. A partner (``Role.PARTNER``) sees only the programmes its agency funds,
and, unless also a data officer, no count from 1 to 4 (``<5``), as in the
statistics. Everyone else who may see reach figures, and administrators (who keep
programmes up to date), sees every programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from ura.access.rules import (
    ROLE_PERMISSIONS,
    Permission,
    agencies_where,
    may,
    roles_of,
)
from ura.accounts.models import Role, User
from ura.core.pagination import paginate
from ura.directory.models import Programme, Service
from ura.people.models import Sex
from ura.services.models import OutreachContact, Training, TrainingParticipant
from ura.statistics.queries import SUPPRESSION_THRESHOLD, suppresses_small_cells

ADULT_AGE = 18
HIDDEN = "<5"
Cell = int | str


def may_see_programmes(user: User) -> bool:
    return may(user, Permission.VIEW_REACH) or may(user, Permission.ADMINISTER)


def _sees_every_programme(user: User) -> bool:
    if may(user, Permission.ADMINISTER):
        return True
    return any(
        Permission.VIEW_REACH in ROLE_PERMISSIONS.get(role, frozenset())
        for role in roles_of(user)
        if role != Role.PARTNER
    )


def visible_programmes(user: User) -> QuerySet[Programme]:
    """The programmes this user may see the results of."""
    if not may_see_programmes(user):
        return Programme.objects.none()
    if _sees_every_programme(user):
        return Programme.objects.all()
    funded = Programme.funders.through.objects.filter(
        agency__in=agencies_where(user, Role.PARTNER)
    ).values("programme_id")
    return Programme.objects.filter(pk__in=funded)


def access_programme(user: User, programme_id: int | str) -> Programme:
    """The programme; 404 when the user may not see it (as for a missing one)."""
    try:
        return (
            visible_programmes(user).select_related("lead_agency").get(pk=programme_id)
        )
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def programme_list(*, user: User, active_only: bool = False) -> QuerySet[Programme]:
    programmes = (
        visible_programmes(user)
        .select_related("lead_agency")
        .prefetch_related("funders")
    )
    if active_only:
        programmes = programmes.filter(is_active=True)
    return programmes.order_by("name", "pk")


class _Cells:
    """Counts as shown to this user: a partner sees ``<5`` for 1 to 4."""

    def __init__(self, user: User) -> None:
        self.suppress = suppresses_small_cells(user)

    def __call__(self, n: int) -> Cell:
        if self.suppress and 0 < n < SUPPRESSION_THRESHOLD:
            return HIDDEN
        return n

    def pair(self, a: int, b: int) -> tuple[Cell, Cell]:
        """Two parts of a shown total (women and men): hiding one hides both, or
        the total would give it back."""
        shown = (self(a), self(b))
        if HIDDEN in shown:
            return HIDDEN, HIDDEN
        return shown


@dataclass
class TrainingFigures:
    trainings: Cell = 0
    professionals: Cell = 0
    women: Cell = 0
    men: Cell = 0
    completed: Cell = 0


@dataclass
class OutreachRow:
    agency: str
    contacts: Cell
    children: Cell
    in_street_situation: Cell
    people_registered: Cell


@dataclass
class ProgrammePage:
    programme: Programme
    funders: list = field(default_factory=list)
    services: Page | None = None
    trainings: Page | None = None
    training_figures: TrainingFigures = field(default_factory=TrainingFigures)
    outreach: list[OutreachRow] = field(default_factory=list)
    outreach_total: OutreachRow | None = None
    suppressed: bool = False


def _training_figures(programme: Programme, cells: _Cells) -> TrainingFigures:
    participants = TrainingParticipant.objects.filter(training__programme=programme)
    people = participants.values("person_id").distinct()
    by_sex = {
        line["person__sex"]: line["n"]
        for line in participants.order_by()
        .values("person__sex")
        .annotate(n=Count("person", distinct=True))
    }
    women, men = cells.pair(by_sex.get(Sex.FEMALE, 0), by_sex.get(Sex.MALE, 0))
    return TrainingFigures(
        trainings=Training.objects.filter(programme=programme).count(),
        professionals=cells(people.count()),
        women=women,
        men=men,
        completed=cells(
            participants.filter(completed=True).values("person_id").distinct().count()
        ),
    )


def _outreach(
    programme: Programme, cells: _Cells
) -> tuple[list[OutreachRow], OutreachRow | None]:
    counts = {
        "contacts": Count("pk"),
        "children": Count("pk", filter=Q(estimated_age__lt=ADULT_AGE)),
        "street": Count("pk", filter=Q(in_street_situation=True)),
        "people": Count("person", distinct=True),
    }
    contacts = OutreachContact.objects.filter(programme=programme).order_by()
    grouped = contacts.values("agency_id", "agency__name").annotate(**counts)
    rows = [
        OutreachRow(
            agency=line["agency__name"],
            contacts=cells(line["contacts"]),
            children=cells(line["children"]),
            in_street_situation=cells(line["street"]),
            people_registered=cells(line["people"]),
        )
        for line in sorted(grouped, key=lambda g: g["agency__name"])
    ]
    if not rows:
        return [], None
    total = contacts.aggregate(**counts)
    return rows, OutreachRow(
        agency="",
        contacts=cells(total["contacts"]),
        children=cells(total["children"]),
        in_street_situation=cells(total["street"]),
        people_registered=cells(total["people"]),
    )


def programme_page(
    *, user: User, programme: Programme, request: HttpRequest
) -> ProgrammePage:
    """What is attributed to the programme: its services, its trainings (with
    their number of participants) and the outreach, all without a name."""
    cells = _Cells(user)
    services = (
        Service.objects.filter(programme=programme)
        .select_related("agency")
        .order_by("agency__name", "name", "pk")
    )
    trainings = (
        Training.objects.filter(programme=programme)
        .select_related("organiser", "place")
        .annotate(participant_count=Count("participants"))
        .order_by("-starts_on", "-pk")
    )
    training_page = paginate(
        request, trainings, number=request.GET.get("trainings_page")
    )
    for training in training_page.object_list:
        training.participants_shown = cells(training.participant_count)
    outreach, outreach_total = _outreach(programme, cells)
    return ProgrammePage(
        programme=programme,
        funders=list(programme.funders.order_by("name")),
        services=paginate(request, services, number=request.GET.get("services_page")),
        trainings=training_page,
        training_figures=_training_figures(programme, cells),
        outreach=outreach,
        outreach_total=outreach_total,
        suppressed=cells.suppress,
    )
