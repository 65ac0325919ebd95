"""Running an import started from the page in a thread of the web process.

The page has checked the file already; the thread gets those checked rows, not
the file. Nothing of the file's content is written to disk, so a server that is
stopped half-way leaves no copy of personal data behind; the person reruns the
import, which skips the rows already imported.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.utils import timezone

from ura.core.background import thread_runner
from ura.people.imports.run import CheckedFile, import_job_run
from ura.people.models import ImportJob

__all__ = ["STALLED_AFTER", "import_in_background", "is_stalled", "run_in_background"]

# A running job writes its counts after every batch, a second or two apart; a job
# silent for this long is no longer running (the server was restarted).
STALLED_AFTER = timedelta(minutes=10)


# (Tests replace this with a direct call.)
run_in_background = thread_runner("ura-import")


def import_in_background(job: ImportJob, checked: CheckedFile) -> None:
    run_in_background(_run, job.pk, checked)


def _run(job_id: int, checked: CheckedFile) -> None:
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    # A failure is recorded on the job and logged by import_job_run; the thread has
    # no one else to tell.
    with contextlib.suppress(Exception):
        import_job_run(job=job, checked=checked)


def is_stalled(job: ImportJob) -> bool:
    return not job.is_over and job.updated_at < timezone.now() - STALLED_AFTER
