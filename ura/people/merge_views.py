"""Possible duplicates: review, compare, merge; an administrator can undo a merge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.rules import Permission, access_person, full_access_people, may
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.pagination import paginate
from ura.people.actions import PERSON_EDITABLE_FIELDS, NotAllowed
from ura.people.merge import person_merge, person_merge_undo
from ura.people.models import DuplicateStatus, Person, PersonMerge, PossibleDuplicate
from ura.people.reasons import reason_label


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


@login_required
@require_GET
def duplicates_list(request: HttpRequest) -> HttpResponse:
    """Open possible duplicates where the user may see both records in full."""
    _require(request, Permission.MERGE_PEOPLE)
    mine = full_access_people(request.user).filter(merged_into__isnull=True)
    pairs = (
        PossibleDuplicate.objects.filter(
            status=DuplicateStatus.OPEN, person__in=mine, other__in=mine
        )
        .select_related("person__place", "other__place")
        .order_by("-created_at")
    )
    page = paginate(request, pairs)
    for pair in page:
        pair.reason_labels = [reason_label(r) for r in pair.reasons]
    return render(request, "people/duplicates.html", {"page": page})


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pair_id: int) -> HttpResponse:
    _require(request, Permission.MERGE_PEOPLE)
    mine = full_access_people(request.user)
    pair = get_object_or_404(
        PossibleDuplicate, pk=pair_id, person__in=mine, other__in=mine
    )
    pair.status = DuplicateStatus.NOT_DUPLICATE
    pair.save(update_fields=["status", "updated_at"])
    record(
        actor=request.user,
        action=AuditAction.CHANGE,
        obj=pair.person,
        detail=f"not the same person as {pair.other_id}",
        request=request,
    )
    messages.success(request, _("Marked as two different people."))
    return redirect("people:duplicates")


def _field_rows(kept: Person, other: Person) -> list[dict[str, object]]:
    rows = []
    for name in PERSON_EDITABLE_FIELDS:
        field = Person._meta.get_field(name)
        a, b = getattr(kept, name), getattr(other, name)
        display = getattr(kept, f"get_{name}_display", None)
        show_a = display() if display else a
        show_b = getattr(other, f"get_{name}_display")() if display else b
        rows.append(
            {
                "name": name,
                "label": str(field.verbose_name).capitalize(),
                "kept": show_a if a not in ("", None, []) else "—",
                "other": show_b if b not in ("", None, []) else "—",
                "differs": a != b,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def person_merge_page(
    request: HttpRequest, person_id: int, other_id: int
) -> HttpResponse:
    """Side by side: for each field that differs, keep this record's value or take
    the other's. The other record becomes a tombstone pointing here."""
    _require(request, Permission.MERGE_PEOPLE)
    kept, _lk = access_person(request.user, person_id, to_edit=True)
    other, _lo = access_person(request.user, other_id, to_edit=True)
    if kept.pk == other.pk:
        raise Http404
    if request.method == "POST":
        take = [n for n in PERSON_EDITABLE_FIELDS if request.POST.get(n) == "other"]
        try:
            person_merge(
                actor=request.user,
                kept=kept,
                merged=other,
                take_from_merged=take,
                versions=(
                    int(request.POST.get("kept_version", 0)),
                    int(request.POST.get("other_version", 0)),
                ),
                request=request,
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        except NotAllowed as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The two records are merged."))
            return redirect("people:detail", person_id=kept.pk)
    context = {"kept": kept, "other": other, "rows": _field_rows(kept, other)}
    return render(request, "people/merge.html", context)


@login_required
@require_GET
def merges_list(request: HttpRequest) -> HttpResponse:
    """For administrators: every merge, by record ids only, with undo."""
    _require(request, Permission.UNDO_MERGE)
    merges = PersonMerge.objects.select_related("merged_by", "undone_by").order_by(
        "-created_at"
    )
    return render(request, "people/merges.html", {"page": paginate(request, merges)})


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    _require(request, Permission.UNDO_MERGE)
    merge = get_object_or_404(PersonMerge, pk=merge_id)
    try:
        person_merge_undo(actor=request.user, merge=merge, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The merge is undone."))
    return redirect("people:merges")


def open_duplicates_of(user, person: Person) -> int:  # noqa: ANN001
    """How many open possible duplicates of ``person`` this user may review."""
    if not may(user, Permission.MERGE_PEOPLE):
        return 0
    mine = full_access_people(user)
    return PossibleDuplicate.objects.filter(
        Q(person=person, other__in=mine) | Q(other=person, person__in=mine),
        status=DuplicateStatus.OPEN,
    ).count()
