"""Merging two records of one person, and undoing it.

The kept record takes the values chosen field by field; every link to the other
record (households, grants, assessments, and later cases, visits and services) moves
to the kept one; the other stays as a tombstone that points at the kept record. An
administrator can undo a merge: values and links go back exactly as they were.
"""

from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.models import GrantLevel
from ura.access.rules import Permission, may, person_level
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.people.actions import PERSON_EDITABLE_FIELDS, NotAllowed
from ura.people.duplicates import match_keys_refresh
from ura.people.models import (
    DuplicateStatus,
    Person,
    PersonMatchKey,
    PersonMerge,
    PossibleDuplicate,
)

# (model label, foreign key to Person) for every link that follows the person. A
# part of Ura that points at people adds its links here.
PERSON_LINKS: list[tuple[str, str]] = [
    ("people.householdmember", "person"),
    ("people.functioningassessment", "person"),
    ("access.persongrant", "person"),
]


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _field_value(name: str, stored: object) -> object:
    """A value kept in ``kept_before`` turned back into what the field holds."""
    field = Person._meta.get_field(name)
    if stored is None:
        return None
    if field.get_internal_type() == "DateField":
        return date.fromisoformat(stored)
    return stored


def _check_may_merge(actor: User, kept: Person, merged: Person) -> None:
    if not may(actor, Permission.MERGE_PEOPLE):
        raise NotAllowed
    for person in (kept, merged):
        if person_level(actor, person) != GrantLevel.FULL:
            raise NotAllowed
    if kept.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of the records was already merged."))


def person_merge(
    *,
    actor: User,
    kept: Person,
    merged: Person,
    take_from_merged: list[str],
    versions: tuple[int, int],
    request: HttpRequest | None = None,
) -> PersonMerge:
    """Merge ``merged`` into ``kept``; ``take_from_merged`` names the fields whose
    value comes from the merged record. ``versions`` are the two records' versions
    as the worker saw them: a record changed since is refused."""
    _check_may_merge(actor, kept, merged)
    unknown = set(take_from_merged) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: %(f)s") % {"f": ", ".join(unknown)})
    with transaction.atomic():
        rows = Person.objects.select_for_update().in_bulk([kept.pk, merged.pk])
        kept, merged = rows[kept.pk], rows[merged.pk]
        if (kept.version, merged.version) != tuple(versions):
            from ura.core.versioning import StaleEdit

            raise StaleEdit()
        before = {f: _json_value(getattr(kept, f)) for f in take_from_merged}
        for name in take_from_merged:
            setattr(kept, name, getattr(merged, name))
        kept.full_clean()
        kept.version += 1
        kept.save()
        moved = _move_links(merged.pk, kept.pk)
        PossibleDuplicate.objects.filter(
            Q(person=kept, other=merged) | Q(person=merged, other=kept)
        ).update(status=DuplicateStatus.MERGED)
        merged.merged_into = kept
        merged.version += 1
        merged.save(update_fields=["merged_into", "version", "updated_at"])
        PersonMatchKey.objects.filter(person=merged).delete()
        match_keys_refresh(kept)
        merge = PersonMerge.objects.create(
            kept=kept,
            merged=merged,
            kept_before=before,
            moved_links=moved,
            merged_by=actor,
        )
        for person, detail in (
            (kept, f"kept in merge {merge.pk}"),
            (merged, f"merged into {kept.pk}"),
        ):
            record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=person,
                fields=take_from_merged if person is kept else ["merged_into"],
                detail=detail,
                request=request,
            )
    return merge


def _move_links(from_id: int, to_id: int) -> dict[str, list[int]]:
    moved: dict[str, list[int]] = {}
    for label, field in PERSON_LINKS:
        model = apps.get_model(label)
        rows = model.objects.filter(**{f"{field}_id": from_id})
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            model.objects.filter(pk__in=ids).update(**{f"{field}_id": to_id})
            moved[f"{label}.{field}"] = ids
    return moved


def person_merge_undo(
    *, actor: User, merge: PersonMerge, request: HttpRequest | None = None
) -> None:
    """Put both records back as they were before ``merge``."""
    if not may(actor, Permission.UNDO_MERGE):
        raise NotAllowed
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    with transaction.atomic():
        rows = Person.objects.select_for_update().in_bulk(
            [merge.kept_id, merge.merged_id]
        )
        kept, merged = rows[merge.kept_id], rows[merge.merged_id]
        for name, value in merge.kept_before.items():
            field = Person._meta.get_field(name)
            if field.is_relation:
                setattr(kept, f"{name}_id", value)
            else:
                setattr(kept, name, _field_value(name, value))
        kept.version += 1
        kept.save()
        for key, ids in merge.moved_links.items():
            label, field = key.rsplit(".", 1)
            apps.get_model(label).objects.filter(pk__in=ids).update(
                **{f"{field}_id": merged.pk}
            )
        merged.merged_into = None
        merged.version += 1
        merged.save(update_fields=["merged_into", "version", "updated_at"])
        match_keys_refresh(kept)
        match_keys_refresh(merged)
        merge.undone_at = timezone.now()
        merge.undone_by = actor
        merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
        for person in (kept, merged):
            record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=person,
                fields=list(merge.kept_before) if person is kept else ["merged_into"],
                detail=f"merge {merge.pk} undone",
                request=request,
            )


def merged_redirect(person_id: int) -> int | None:
    """The record a merged-away record now lives in (following chains)."""
    seen = set()
    current = (
        Person.objects.filter(pk=person_id)
        .values_list("merged_into_id", flat=True)
        .first()
    )
    while current and current not in seen:
        seen.add(current)
        following = (
            Person.objects.filter(pk=current)
            .values_list("merged_into_id", flat=True)
            .first()
        )
        if not following:
            return current
        current = following
    return None
