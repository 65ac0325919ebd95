"""Writes of sessions and attendance: one sheet is one transaction, bulk writes,
one audit event. Re-exported by ``ura.services.delivery_actions``.

A sheet submitted twice (a double click, a replay, a retry after a lost answer)
is counted once:
- attendance is unique per (session, enrolment) and written with update-or-create
  (``bulk_create(update_conflicts=True)``), so a row submitted again is changed,
  never added;
- a group session is unique per service, group, day and activity: recording it
  again goes to the session already there, unless the user says it is another
  session that day (``another=True``);
- any session form carries a submission token (the API an ``Idempotency-Key``):
  the same token again returns the session it made the first time.
The month sheet reuses its days' sessions, so it is idempotent by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ura.accounts.models import User
from ura.api.models import IdempotencyKey
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.directory.models import Service
from ura.services.models import (
    Activity,
    Attendance,
    Enrolment,
    Presence,
    ServiceGroup,
    Session,
    SessionKind,
)

SESSION_OBJECT = "services.session"


@dataclass(frozen=True)
class Mark:
    """One row of a sheet: an enrolment and its attendance; a blank presence
    removes a row recorded before (the person was not part of the session)."""

    enrolment_id: int
    presence: str
    # How the row is named in an error: its place on the sheet and, if the user
    # sees the person, their name.
    label: str = ""


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _not_in_future(day: date, field: str = "held_on") -> None:
    if day > timezone.localdate():
        raise ValidationError(
            {field: _("Attendance cannot be recorded for a day in the future.")}
        )


def _lock(service: Service, group: ServiceGroup | None) -> None:
    """Serialise sheets of one group (or group-less service): a no-op UPDATE takes
    the row lock on PostgreSQL and the write lock on SQLite, so two submissions
    of the same sheet cannot both create its session."""
    if group is not None:
        ServiceGroup.objects.filter(pk=group.pk).update(is_active=F("is_active"))
    else:
        Service.objects.filter(pk=service.pk).update(is_active=F("is_active"))


def _enrolments(service: Service, ids: Iterable[int]) -> dict[int, Enrolment]:
    return {
        e.pk: e
        for e in Enrolment.objects.filter(service=service, pk__in=sorted(set(ids)))
    }


def _outside(enrolment: Enrolment, day: date) -> bool:
    return day < enrolment.enrolled_on or (
        enrolment.ended_on is not None and day > enrolment.ended_on
    )


def _period(enrolment: Enrolment) -> str:
    if enrolment.ended_on is None:
        return _("enrolled from %(start)s") % {"start": _day(enrolment.enrolled_on)}
    return _("enrolled from %(start)s to %(end)s") % {
        "start": _day(enrolment.enrolled_on),
        "end": _day(enrolment.ended_on),
    }


def _check_marks(
    service: Service, day: date, marks: list[Mark]
) -> tuple[dict[int, Enrolment], dict[str, list[str]]]:
    """The enrolments of the marks, and an error per bad row, keyed by its index."""
    enrolments = _enrolments(service, [m.enrolment_id for m in marks])
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, mark in enumerate(marks):
        label = mark.label or _("Row %(row)s") % {"row": index + 1}
        enrolment = enrolments.get(mark.enrolment_id)
        if enrolment is None:
            message = _("%(row)s: not enrolled in this service.") % {"row": label}
        elif mark.presence and mark.presence not in Presence.values:
            message = _("%(row)s: choose present, absent or excused.") % {"row": label}
        elif mark.enrolment_id in seen:
            message = _("%(row)s: this person is on the sheet twice.") % {"row": label}
        elif mark.presence and _outside(enrolment, day):
            message = _("%(row)s: %(day)s is outside their enrolment (%(period)s).") % {
                "row": label,
                "day": _day(day),
                "period": _period(enrolment),
            }
        else:
            seen.add(mark.enrolment_id)
            continue
        errors[str(index)] = [message]
    return enrolments, errors


def _write_marks(
    session: Session, marks: list[Mark], enrolments: dict[int, Enrolment]
) -> int:
    rows = [
        Attendance(
            session=session,
            enrolment_id=m.enrolment_id,
            person_id=enrolments[m.enrolment_id].person_id,
            held_on=session.held_on,
            presence=m.presence,
        )
        for m in marks
        if m.presence
    ]
    cleared = [m.enrolment_id for m in marks if not m.presence]
    if cleared:
        session.attendance.filter(enrolment_id__in=cleared).delete()
    if rows:
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "enrolment"],
            update_fields=["presence", "person", "held_on"],
        )
    return len(rows)


def attendance_save(
    *,
    actor: User,
    session: Session,
    marks: list[Mark],
    request: HttpRequest | None = None,
) -> int:
    """Record (or correct) a session's attendance sheet. All rows or none: a row
    outside its person's enrolment refuses the sheet, naming the row. Returns the
    number of rows recorded."""
    _not_in_future(session.held_on)
    enrolments, errors = _check_marks(session.service, session.held_on, marks)
    if errors:
        raise AttendanceRowErrors(errors)
    with transaction.atomic():
        _lock(session.service, session.group)
        written = _write_marks(session, marks, enrolments)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=session,
            fields=["attendance"],
            changes={"rows": written},
            request=request,
        )
    return written


def _flatten(errors: dict[str, list[str]]) -> list[str]:
    return [message for index in sorted(errors, key=int) for message in errors[index]]


class AttendanceRowErrors(ValidationError):
    """Bad rows of a sheet, by index, for the API to return as ``attendance.<i>``."""

    def __init__(self, rows: dict[str, list[str]]) -> None:
        super().__init__({"attendance": _flatten(rows)})
        self.rows = rows


@dataclass
class SessionSaved:
    session: Session
    # False when the sheet went to a session recorded before (the same group,
    # day and activity, or the same submission token): nothing was duplicated.
    created: bool
    rows: int


def _same_group_session(
    service: Service, group: ServiceGroup | None, held_on: date, activity: str
) -> Session | None:
    return (
        Session.objects.filter(
            service=service,
            group=group,
            held_on=held_on,
            activity=activity,
            kind=SessionKind.GROUP,
        )
        .order_by("pk")
        .first()
    )


def _token_session(actor: User, token: str) -> Session | None:
    done = IdempotencyKey.objects.filter(user=actor, key=token).first()
    if done is None or done.object_type != SESSION_OBJECT:
        return None
    return Session.objects.filter(pk=int(done.object_id)).first()


def session_record(
    *,
    actor: User,
    service: Service,
    held_on: date,
    kind: SessionKind | str,
    activity: Activity | str,
    topic: str = "",
    group: ServiceGroup | None = None,
    marks: list[Mark] = (),  # type: ignore[assignment]
    another: bool = False,
    token: str = "",
    request: HttpRequest | None = None,
) -> SessionSaved:
    """Record a session and its attendance sheet in one transaction.

    ``token`` (a form's submission token, or ``"api:" + Idempotency-Key``) makes a
    replay return the first session; a group session of the same group, day and
    activity is the same session unless ``another``."""
    marks = list(marks)
    _not_in_future(held_on)
    if group is not None and group.service_id != service.pk:
        raise ValidationError({"group": _("This group belongs to another service.")})
    enrolments, errors = _check_marks(service, held_on, marks)
    if errors:
        raise AttendanceRowErrors(errors)
    token = token[:100]
    with transaction.atomic():
        _lock(service, group)
        session = _token_session(actor, token) if token else None
        if session is not None and session.service_id != service.pk:
            raise ValidationError(
                _("This submission was already used for another session.")
            )
        if session is None and str(kind) == SessionKind.GROUP and not another:
            session = _same_group_session(service, group, held_on, str(activity))
        created = session is None
        if created:
            session = Session(
                service=service,
                group=group,
                held_on=held_on,
                kind=str(kind),
                activity=str(activity),
                topic=topic,
                programme_id=service.programme_id,
                recorded_by=actor,
            )
            session.full_clean()
            session.save(force_insert=True)
        elif topic and topic != session.topic:
            session.topic = topic
            session.save(update_fields=["topic", "updated_at"])
        if session.held_on != held_on:
            # A replayed token for another day: the marks were checked for that day.
            enrolments, errors = _check_marks(service, session.held_on, marks)
            if errors:
                raise AttendanceRowErrors(errors)
        if token and created:
            IdempotencyKey.objects.create(
                user=actor,
                key=token,
                object_type=SESSION_OBJECT,
                object_id=str(session.pk),
            )
        written = _write_marks(session, marks, enrolments)
        record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            obj=session,
            fields=["held_on", "kind", "activity", "attendance"],
            changes={"rows": written, "service": service.pk},
            request=request,
        )
    return SessionSaved(session=session, created=created, rows=written)


@dataclass
class MonthSaved:
    sessions_created: int
    sessions: int
    rows: int


def month_sheet_save(
    *,
    actor: User,
    group: ServiceGroup,
    activity: Activity | str,
    days: list[date],
    enrolment_ids: list[int],
    present: set[tuple[int, date]],
    labels: dict[int, str] | None = None,
    request: HttpRequest | None = None,
) -> MonthSaved:
    """A month (or any days) of a group's attendance at once: one session per day
    (the one already there for the group, day and activity, else a new one), and
    for every enrolment on the sheet, on every day it covers, present if its cell
    is ticked, else absent (a row recorded as excused stays excused).

    All in one transaction, with bulk writes and one audit event. Refused whole
    if a day is in the future, or a ticked cell is outside a person's enrolment
    (the error names the row and the day)."""
    labels = labels or {}
    days = sorted(set(days))
    if not days:
        raise ValidationError({"days": _("Choose at least one day.")})
    if days[-1] > timezone.localdate():
        raise ValidationError(
            {
                "days": _(
                    "Attendance cannot be recorded for a day in the future (%(day)s)."
                )
                % {"day": _day(days[-1])}
            }
        )
    service = group.service
    enrolments = _enrolments(service, enrolment_ids)
    errors: list[str] = []
    for index, pk in enumerate(enrolment_ids):
        label = labels.get(pk) or _("Row %(row)s") % {"row": index + 1}
        enrolment = enrolments.get(pk)
        if enrolment is None:
            errors.append(_("%(row)s: not enrolled in this service.") % {"row": label})
            continue
        for day in days:
            if (pk, day) in present and _outside(enrolment, day):
                errors.append(
                    _("%(row)s: %(day)s is outside their enrolment (%(period)s).")
                    % {"row": label, "day": _day(day), "period": _period(enrolment)}
                )
    stray = {pk for pk, _day_ in present} - set(enrolment_ids)
    if stray or any(day not in days for _pk, day in present):
        errors.append(_("Some ticked cells are not on this sheet."))
    if errors:
        raise ValidationError({"attendance": errors})
    with transaction.atomic():
        _lock(service, group)
        sessions = _day_sessions(group, str(activity), days)
        missing = [day for day in days if day not in sessions]
        Session.objects.bulk_create(
            Session(
                service=service,
                group=group,
                held_on=day,
                kind=SessionKind.GROUP,
                activity=str(activity),
                programme_id=service.programme_id,
                recorded_by=actor,
            )
            for day in missing
        )
        if missing:
            sessions = _day_sessions(group, str(activity), days)
        excused = set(
            Attendance.objects.filter(
                session__in=list(sessions.values()),
                enrolment_id__in=list(enrolments),
                presence=Presence.EXCUSED,
            ).values_list("enrolment_id", "held_on")
        )
        rows = []
        for pk, enrolment in enrolments.items():
            for day in days:
                if _outside(enrolment, day):
                    continue
                if (pk, day) in present:
                    presence = Presence.PRESENT
                elif (pk, day) in excused:
                    presence = Presence.EXCUSED
                else:
                    presence = Presence.ABSENT
                rows.append(
                    Attendance(
                        session=sessions[day],
                        enrolment_id=pk,
                        person_id=enrolment.person_id,
                        held_on=day,
                        presence=presence,
                    )
                )
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "enrolment"],
            update_fields=["presence", "person", "held_on"],
            batch_size=1000,
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=group,
            fields=["attendance"],
            changes={"sessions": len(days), "new_sessions": len(missing)},
            detail=f"days {days[0].isoformat()}..{days[-1].isoformat()}, "
            f"{len(rows)} rows",
            request=request,
        )
    return MonthSaved(sessions_created=len(missing), sessions=len(days), rows=len(rows))


def _day_sessions(
    group: ServiceGroup, activity: str, days: list[date]
) -> dict[date, Session]:
    """The group's session of each day for the activity (the first, if the user
    recorded another one that day)."""
    sessions: dict[date, Session] = {}
    for session in Session.objects.filter(
        group=group, activity=activity, kind=SessionKind.GROUP, held_on__in=days
    ).order_by("-pk"):
        sessions[session.held_on] = session
    return sessions


# --- Correcting and removing a session ------------------------------------------------


def _require_provider(actor: User, session: Session) -> None:
    from ura.services.delivery_queries import my_services

    if not my_services(actor).filter(pk=session.service_id).exists():
        raise PermissionDenied


def _check_new_day(session: Session, held_on: date) -> None:
    """The sheet moves with the session: everyone on it must have been enrolled
    on the new day."""
    outside = [
        a.enrolment
        for a in session.attendance.select_related("enrolment")
        if _outside(a.enrolment, held_on)
    ]
    if outside:
        raise ValidationError(
            {
                "held_on": ngettext(
                    "%(n)s person on the sheet was not enrolled on %(day)s: "
                    "correct the date or the sheet.",
                    "%(n)s people on the sheet were not enrolled on %(day)s: "
                    "correct the date or the sheet.",
                    len(outside),
                )
                % {"n": len(outside), "day": _day(held_on)}
            }
        )


def session_update(
    *,
    actor: User,
    session: Session,
    expected_version: int,
    held_on: date,
    activity: str,
    topic: str,
    request: HttpRequest | None = None,
) -> Session:
    """Correct a session's day, activity or topic (a sheet recorded on the wrong
    day); a correction made meanwhile by someone else is refused."""
    _require_provider(actor, session)
    _not_in_future(held_on)
    if activity not in Activity.values:
        raise ValidationError({"activity": _("Choose one of the allowed values.")})
    topic = (topic or "").strip()
    values = {"held_on": held_on, "activity": activity, "topic": topic}
    changed = [
        name for name, value in values.items() if getattr(session, name) != value
    ]
    if not changed:
        if expected_version != session.version:
            raise StaleEdit
        return session
    if "held_on" in changed:
        _check_new_day(session, held_on)
    if session.kind == SessionKind.GROUP and {"held_on", "activity"} & set(changed):
        other = _same_group_session(session.service, session.group, held_on, activity)
        if other is not None and other.pk != session.pk:
            raise ValidationError(
                {
                    "held_on": _(
                        "The group already has a session of this activity on that "
                        "day: correct that one instead."
                    )
                }
            )
    with transaction.atomic():
        _lock(session.service, session.group)
        for name, value in values.items():
            setattr(session, name, value)
        session.full_clean()
        save_versioned(
            session,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=session,
            fields=changed,
            changes={"service": session.service_id, "version": session.version},
            request=request,
        )
    return session


def session_delete(
    *,
    actor: User,
    session: Session,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    """Remove a session recorded by mistake: only one nobody attended (the
    absences on its sheet go with it)."""
    _require_provider(actor, session)
    if session.version != expected_version:
        raise StaleEdit
    if session.attendance.filter(presence=Presence.PRESENT).exists():
        raise ValidationError(
            _(
                "People attended this session: correct its sheet or its date "
                "instead of removing it."
            )
        )
    with transaction.atomic():
        _lock(session.service, session.group)
        removed = session.attendance.count()
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=session,
            fields=["held_on", "activity", "attendance"],
            changes={"service": session.service_id, "rows": removed},
            request=request,
        )
        session.attendance.all().delete()
        if not Session.objects.filter(pk=session.pk, version=expected_version).delete()[
            0
        ]:
            raise StaleEdit  # changed a moment ago: nothing is removed
