"""Reads of the justice records, always through ``ura.access.cases``.

A justice record is reached through its case: ``access_*`` finds which case the
record belongs to and asks ``access_case``, so a record on a case out of sight is
a 404 exactly like a record that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from ura.access.cases import CaseUse, access_case, may_on_case, visible_cases
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.models import Case
from ura.justice.detention import DetentionAlert, DetentionStatus, detention_status
from ura.justice.models import (
    DiscriminationReport,
    Involvement,
    Measure,
    MeasureKind,
    Proceeding,
    StageChange,
)

# --- Reaching one record through its case -------------------------------------


def _case_for(user: User, case_id: object, to: CaseUse) -> Case:
    case = access_case(user, case_id, to=to)
    if to == CaseUse.WORK and not may(user, Permission.RECORD_JUSTICE):
        raise PermissionDenied
    return case


def access_justice_case(user: User, case_id: object, *, to: CaseUse) -> Case:
    """The case, to look at its justice records (``VIEW``) or to record them
    (``WORK``: also needs ``record_justice``)."""
    return _case_for(user, case_id, to)


def _reach(queryset: QuerySet, pk: object, case_path: str) -> int:
    try:
        case_id = queryset.filter(pk=pk).values_list(case_path, flat=True).first()
    except (ValueError, TypeError):
        case_id = None
    if case_id is None:
        raise Http404
    return case_id


def access_involvement(user: User, pk: object, *, to: CaseUse) -> Involvement:
    case = _case_for(user, _reach(Involvement.objects, pk, "case_id"), to)
    involvement = Involvement.objects.get(pk=pk)
    involvement.case = case
    return involvement


def access_proceeding(user: User, pk: object, *, to: CaseUse) -> Proceeding:
    case_id = _reach(Proceeding.objects, pk, "involvement__case_id")
    case = _case_for(user, case_id, to)
    proceeding = Proceeding.objects.select_related("involvement").get(pk=pk)
    proceeding.involvement.case = case
    return proceeding


def access_measure(user: User, pk: object, *, to: CaseUse) -> Measure:
    case_id = _reach(Measure.objects, pk, "proceeding__involvement__case_id")
    case = _case_for(user, case_id, to)
    measure = Measure.objects.select_related("proceeding__involvement").get(pk=pk)
    measure.proceeding.involvement.case = case
    return measure


def access_report(user: User, pk: object, *, to: CaseUse) -> DiscriminationReport:
    case = _case_for(user, _reach(DiscriminationReport.objects, pk, "case_id"), to)
    report = DiscriminationReport.objects.select_related("place").get(pk=pk)
    report.case = case
    return report


# --- Detention ----------------------------------------------------------------


def pretrial_periods(measures: list[Measure]) -> list[tuple[date, date | None]]:
    return [
        (m.started_on, m.ended_on)
        for m in measures
        if m.kind == MeasureKind.PRETRIAL_DETENTION
    ]


def proceeding_detention(
    proceeding: Proceeding, today: date | None = None
) -> DetentionStatus | None:
    """The proceeding's time in pre-trial detention, or None if there was none.
    Reads ``proceeding.measures.all()`` (prefetch it for lists)."""
    periods = pretrial_periods(list(proceeding.measures.all()))
    if not periods:
        return None
    return detention_status(periods, today=today or timezone.localdate())


@dataclass(frozen=True)
class DetentionRow:
    """A child in pre-trial detention near or past the limit, for the lists."""

    case: Case
    proceeding: Proceeding
    status: DetentionStatus


def detention_alerts_for(user: User) -> list[DetentionRow]:
    """The children now in pre-trial detention, on the cases this user sees, whose
    time is near the limit or past it; the most urgent (past, then the soonest
    limit) first. For the dashboards and the detention list."""
    cases = visible_cases(user)
    detained = Measure.objects.filter(
        kind=MeasureKind.PRETRIAL_DETENTION,
        ended_on__isnull=True,
        proceeding__involvement__case__in=cases,
    ).values("proceeding_id")
    proceedings = (
        Proceeding.objects.filter(pk__in=detained)
        .select_related(
            "involvement__case__person__place",
            "involvement__case__worker",
        )
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.filter(kind=MeasureKind.PRETRIAL_DETENTION),
            )
        )
    )
    today = timezone.localdate()
    rows = []
    for proceeding in proceedings:
        status = proceeding_detention(proceeding, today)
        if status is not None and status.alert != DetentionAlert.NONE:
            rows.append(
                DetentionRow(
                    case=proceeding.involvement.case,
                    proceeding=proceeding,
                    status=status,
                )
            )
    rows.sort(key=lambda r: (r.status.reached_on or today, r.case.pk, r.proceeding.pk))
    return rows


def detention_alerts_read(
    *, user: User, request: HttpRequest | None
) -> list[DetentionRow]:
    """The detention list for a page or the API: the same rows, audited."""
    rows = detention_alerts_for(user)
    record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="justice.proceeding",
        fields=["detention_alerts"],
        detail=f"{len(rows)} results",
        request=request,
    )
    return rows


# --- A case's justice records -------------------------------------------------


@dataclass
class ProceedingView:
    proceeding: Proceeding
    stages: list[StageChange]
    measures: list[Measure]
    detention: DetentionStatus | None


@dataclass
class InvolvementView:
    involvement: Involvement
    proceedings: list[ProceedingView] = field(default_factory=list)


@dataclass
class CaseJustice:
    case: Case
    involvements: list[InvolvementView]
    reports: list[DiscriminationReport]
    may_record: bool
    # What was written about the child (notes, descriptions) is for those who
    # work on the case, as the case's own report is; conference members see the
    # facts (roles, stages, measures, outcomes) only.
    may_read_narratives: bool

    @property
    def empty(self) -> bool:
        return not self.involvements and not self.reports

    @property
    def alerts(self) -> list[ProceedingView]:
        return [
            p
            for i in self.involvements
            for p in i.proceedings
            if p.detention and p.detention.alert != DetentionAlert.NONE
        ]


def involvements_of(case: Case) -> QuerySet[Involvement]:
    return (
        Involvement.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "proceedings",
                queryset=Proceeding.objects.order_by("-stage_since", "-pk"),
            ),
            "proceedings__stage_changes",
            "proceedings__measures",
        )
    )


def proceedings_of(case: Case) -> QuerySet[Proceeding]:
    return (
        Proceeding.objects.filter(involvement__case=case)
        .select_related("involvement")
        .prefetch_related("stage_changes", "measures")
        .order_by("-stage_since", "-pk")
    )


def measures_of(case: Case) -> QuerySet[Measure]:
    return Measure.objects.filter(proceeding__involvement__case=case).order_by(
        "-started_on", "-pk"
    )


def reports_of(case: Case) -> QuerySet[DiscriminationReport]:
    return DiscriminationReport.objects.filter(case=case).select_related("place")


def audit_view(
    *, user: User, case: Case, what: str, request: HttpRequest | None
) -> None:
    """Reading a case's justice records is a view of the case's content."""
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=case,
        fields=[what],
        detail="justice",
        request=request,
    )


def audit_record_view(
    *,
    user: User,
    obj: Involvement | Proceeding | Measure | DiscriminationReport,
    request: HttpRequest | None,
) -> None:
    record(actor=user, action=AuditAction.VIEW, obj=obj, request=request)


def involvements_choice(case: Case) -> QuerySet[Involvement]:
    """The case's contacts with the law, for a new proceeding's choice."""
    return Involvement.objects.filter(case=case).order_by("-since", "-pk")


def case_justice(
    *, user: User, case: Case, request: HttpRequest | None = None
) -> CaseJustice:
    """Everything the case page shows about the law; the case has already been
    reached through ``access_case``. Viewing records is audited."""
    from ura.justice.actions import may_record

    today = timezone.localdate()
    involvements = []
    for involvement in involvements_of(case):
        views = [
            ProceedingView(
                proceeding=p,
                stages=list(p.stage_changes.all()),
                measures=list(p.measures.all()),
                detention=proceeding_detention(p, today),
            )
            for p in involvement.proceedings.all()
        ]
        involvements.append(InvolvementView(involvement=involvement, proceedings=views))
    reports = list(reports_of(case))
    justice = CaseJustice(
        case=case,
        involvements=involvements,
        reports=reports,
        may_record=may_record(user, case),
        may_read_narratives=may_on_case(user, case, CaseUse.WORK),
    )
    if not justice.empty:
        audit_view(user=user, case=case, what="justice_records", request=request)
    return justice
