"""Running an import: check the whole file, then write it batch by batch.

Crash safety and idempotency come from one rule: a batch is ONE transaction that
holds its people, their grants, match keys and audit events, the ``ImportedRow``
keys of the rows it imported, and the job's counts. A process killed between
batches leaves whole batches only; a rerun finds their keys and skips them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.people.actions import NotAllowed
from ura.people.imports.files import ImportFileError, read_rows
from ura.people.imports.register import RowRegistrar
from ura.people.imports.rows import RowChecker, RowError, ValidRow
from ura.people.imports.within import earlier_matches
from ura.people.models import ImportJob, ImportStatus

__all__ = [
    "BATCH_SIZE",
    "CheckedFile",
    "file_check",
    "import_job_create",
    "import_job_run",
]

logger = logging.getLogger(__name__)

# Short batches: on SQLite every page request waits while a batch holds the lock.
BATCH_SIZE = 200
# The report keeps this many row errors and held rows; the counts are complete.
MAX_STORED_ERRORS = 1000
MAX_STORED_HELD = 1000


@dataclass
class CheckedFile:
    total: int = 0
    valid: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})


def file_check(handle: BinaryIO, *, file_name: str) -> CheckedFile:
    """Every row checked against the registration rules; nothing is written.
    Raises ``ImportFileError`` when the file cannot be read at all."""
    rows = read_rows(handle, file_name=file_name)
    checker = RowChecker()
    checked = CheckedFile(total=len(rows))
    for raw in rows:
        result = checker.check(raw)
        if isinstance(result, ValidRow):
            checked.valid.append(result)
        else:
            checked.errors.extend(result)
    return checked


def import_job_create(
    *,
    actor: User,
    file_name: str,
    valid_only: bool = False,
    create_duplicates: bool = False,
    request: HttpRequest | None = None,
) -> ImportJob:
    if not may(actor, Permission.REGISTER_PERSON):
        raise NotAllowed
    with transaction.atomic():
        job = ImportJob.objects.create(
            owner=actor,
            file_name=file_name[-255:],
            valid_only=valid_only,
            create_duplicates=create_duplicates,
            language=get_language() or "",
        )
        record(actor=actor, action=AuditAction.CREATE, obj=job, request=request)
    return job


Progress = Callable[[ImportJob], None]


def import_job_run(
    *,
    job: ImportJob,
    handle: BinaryIO | None = None,
    checked: CheckedFile | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportJob:
    """Import the file for ``job``, read from ``handle`` or already ``checked``;
    the job ends ``done`` or ``failed`` with its report. An unexpected error is
    recorded on the job and raised again."""
    with translation.override(job.language or None):
        _job_save(job, status=ImportStatus.RUNNING)
        try:
            if checked is None:
                assert handle is not None
                checked = file_check(handle, file_name=job.file_name)
            _job_save(
                job,
                total=checked.total,
                invalid=checked.invalid_rows,
                processed=checked.invalid_rows,
                errors=[e.as_dict() for e in checked.errors[:MAX_STORED_ERRORS]],
            )
            if checked.errors and not job.valid_only:
                message = _("The file has errors; nothing was imported.")
                return _job_end(job, ImportStatus.FAILED, message)
            _batches_import(job, checked.valid, batch_size, progress)
        except ImportFileError as exc:
            return _job_end(job, ImportStatus.FAILED, exc.message)
        except Exception as exc:
            # The type only: a message may quote a value from the file.
            logger.error("import %s stopped: %s", job.pk, type(exc).__name__)
            _job_end(
                job,
                ImportStatus.FAILED,
                _(
                    "The import stopped on an unexpected error. The rows imported "
                    "so far are kept; importing the file again completes it."
                ),
            )
            raise
        return _job_end(job, ImportStatus.DONE, "")


def _batches_import(
    job: ImportJob,
    rows: list[ValidRow],
    batch_size: int,
    progress: Progress | None,
) -> None:
    registrar = RowRegistrar(
        actor=job.owner,
        job=job,
        earlier=earlier_matches(rows),
        create_duplicates=job.create_duplicates,
    )
    if progress:
        progress(job)
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        with transaction.atomic():
            outcome = registrar.batch_register(batch)
            job.processed += len(batch)
            job.imported += outcome.imported
            job.skipped_existing += outcome.skipped
            job.held_duplicates += outcome.held
            job.held = [*job.held, *outcome.report][:MAX_STORED_HELD]
            job.save(
                update_fields=[
                    "processed",
                    "imported",
                    "skipped_existing",
                    "held_duplicates",
                    "held",
                    "updated_at",
                ]
            )
        if progress:
            progress(job)


def _job_save(job: ImportJob, **values: object) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    job.save(update_fields=[*values, "updated_at"])


def _job_end(job: ImportJob, status: ImportStatus, failure: str) -> ImportJob:
    with transaction.atomic():
        _job_save(
            job,
            status=status,
            failure=failure[:200],
            finished_at=timezone.now(),
        )
        record(
            actor=job.owner,
            action=AuditAction.CHANGE,
            obj=job,
            fields=["status"],
            detail=(
                f"{status}: {job.imported} imported, {job.skipped_existing} already "
                f"there, {job.held_duplicates} held, {job.invalid} invalid"
            ),
        )
    return job
