"""What every API module does around its queries and actions, written once.

- ``Mapped``: a list shaped lazily, so that django-ninja's pagination counts and
  slices in the database and only the rows of the page asked for are converted.
- ``api_write``: an action's refusals as the API's answers (422 with a message per
  field, 409 for a stale edit, 403 for the app's ``NotAllowed``).
- ``idempotent_create`` (on ``create_once``): a create sent with an
  ``Idempotency-Key`` header is made once; a retry gets the first answer (200).

The feature apps import this module; it imports none of them
(``docs/architecture.md``), so the app's ``NotAllowed`` comes in as a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.errors import HttpError

from ura.api.errors import FieldErrors
from ura.api.models import IdempotencyKey

T = TypeVar("T")

KEY_HEADER = "Idempotency-Key"
KEY_LENGTH = 100  # IdempotencyKey.key's max_length: a longer key is cut, not refused


class Mapped:
    """Rows shaped lazily, so that pagination counts and slices in the database.

    ``shape`` turns one row into its answer. ``page`` instead turns a whole page's
    rows at once, for answers that need one more query or one audit event per page,
    never per row (the people a page shows, what it listed).
    """

    def __init__(
        self,
        rows: Any,  # a QuerySet, or anything that counts and slices like one
        shape: Callable[[Any], Any] | None = None,
        *,
        page: Callable[[list[Any]], list[Any]] | None = None,
    ) -> None:
        if (shape is None) == (page is None):
            raise TypeError("Mapped takes either shape or page.")
        self.rows = rows
        self.convert: Callable[[list[Any]], list[Any]] = page or (
            lambda items: [shape(item) for item in items]  # type: ignore[misc]
        )

    def __len__(self) -> int:
        return self.rows.count()

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: slice) -> list[Any]:
        return self.convert(list(self.rows[index]))


def api_write(
    run: Callable[[], T],
    *,
    not_allowed: tuple[type[Exception], ...] = (),
    not_allowed_as: type[Exception] = PermissionDenied,
    conflicts: Collection[str] = ("stale",),
    rename: Mapping[str, str] | None = None,
) -> T:
    """Run an action; answer its refusals the way the whole API does.

    A ``ValidationError`` whose code is in ``conflicts`` is 409 with its message (a
    stale edit; where the caller says so, a step the record's status does not
    allow); any other is 422 with a message per field, ``rename`` mapping a model's
    field name to the API's (``worker`` → ``worker_id``). The app's ``NotAllowed``
    (the classes in ``not_allowed``) is 403, or ``not_allowed_as`` (``Http404``)
    where the API answers as if the record were absent.
    """
    try:
        return run()
    except ValidationError as exc:
        if getattr(exc, "code", None) in conflicts:
            raise HttpError(409, exc.messages[0]) from exc
        errors = FieldErrors.from_validation(exc).errors
        if rename:
            errors = {rename.get(name, name): errs for name, errs in errors.items()}
        raise FieldErrors(errors) from exc
    except not_allowed:
        raise not_allowed_as from None


class KeyReused(ValidationError):
    """The key came before with another request (another kind of record, or one on
    another case). Never answered with that request's record."""

    def __init__(self) -> None:
        super().__init__(
            _("This Idempotency-Key was used for another request."), code="key_reused"
        )


class Once(NamedTuple):
    """What ``create_once`` did."""

    pk: int
    record: Model | None  # the record ``create`` returned; None on a retry
    created: bool  # made now (False on a retry, or when ``create`` found it)


def create_once(
    *,
    user: Any,
    key: str,
    object_type: str,
    create: Callable[[], Model | tuple[Model, bool]],
) -> Once:
    """Run ``create`` once per (user, key): a retry, or a form posted twice, gets the
    record of the first call instead of a second one. ``create`` returns the record,
    or ``(record, False)`` when it found the record it would have made; the key then
    names that one. An empty key runs ``create`` every time. Raises ``KeyReused``
    when the key names a record of another ``object_type``."""
    key = key[:KEY_LENGTH]
    if key:
        done = _done(user, key, object_type)
        if done is not None:
            return done
    try:
        with transaction.atomic():
            made = create()
            record, created = made if isinstance(made, tuple) else (made, True)
            if key:
                IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    object_type=object_type,
                    object_id=str(record.pk),
                )
    except IntegrityError:
        # The same key raced in from a parallel retry: answer with the first record.
        done = _done(user, key, object_type) if key else None
        if done is None:
            raise
        return done
    return Once(record.pk, record, created)


def _done(user: Any, key: str, object_type: str) -> Once | None:
    done = IdempotencyKey.objects.filter(user=user, key=key).first()
    if done is None:
        return None
    if done.object_type != object_type:
        raise KeyReused()
    return Once(int(done.object_id), None, False)


def idempotent_create(
    request: HttpRequest,
    object_type: str,
    create: Callable[[], Model | tuple[Model, bool]],
    load: Callable[[int], Any],
    *,
    not_allowed: tuple[type[Exception], ...] = (),
) -> Status:
    """A create through the API, made once per ``Idempotency-Key`` header.

    201 with ``load(pk)`` of the new record; 200 with the first answer on a retry
    (or with the record ``create`` found: ``(record, False)``); 409 when the key
    was used for another request. ``load`` may raise ``KeyReused`` itself for a
    record the key's request cannot have made (one on another case). ``create``
    runs inside ``api_write`` (``not_allowed`` as there), so its refusals leave
    neither the record nor the key behind.
    """
    try:
        once = create_once(
            user=request.user,
            key=request.headers.get(KEY_HEADER, ""),
            object_type=object_type,
            create=lambda: api_write(create, not_allowed=not_allowed),
        )
        answer = load(once.pk)
    except KeyReused as exc:
        raise HttpError(409, exc.messages[0]) from exc
    return Status(201 if once.created else 200, answer)
