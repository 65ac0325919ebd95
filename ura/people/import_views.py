"""The import page: check a file, start the import, follow it to the report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.rules import Permission, may
from ura.people.imports import ImportFileError, file_check, import_job_create
from ura.people.imports.background import import_in_background, is_stalled
from ura.people.imports.forms import ImportForm
from ura.people.imports.report import held_report
from ura.people.models import ImportJob

# A page lists this many row errors; the count above the list is complete.
SHOWN_ERRORS = 500


def _require_registration(request: HttpRequest) -> None:
    if not may(request.user, Permission.REGISTER_PERSON):
        raise PermissionDenied


def _own_job(request: HttpRequest, job_id: int) -> ImportJob:
    """Only the person who started an import sees it; anyone else's is a 404."""
    _require_registration(request)
    job = ImportJob.objects.filter(pk=job_id, owner=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """The whole file is checked before anything is imported: a file with errors
    shows them all and imports nothing, unless the valid rows only are asked for."""
    _require_registration(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = file_check(upload, file_name=upload.name)
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            if not checked.errors or form.cleaned_data["valid_only"]:
                job = import_job_create(
                    actor=request.user,
                    file_name=upload.name,
                    valid_only=form.cleaned_data["valid_only"],
                    create_duplicates=form.cleaned_data["create_duplicates"],
                    request=request,
                )
                import_in_background(job, checked)
                return redirect("people:import_job", job_id=job.pk)
            context |= {
                "checked": checked,
                "errors": checked.errors[:SHOWN_ERRORS],
                "more_errors": max(0, len(checked.errors) - SHOWN_ERRORS),
            }
    context["jobs"] = ImportJob.objects.filter(owner=request.user)[:10]
    return render(request, "people/import.html", context)


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress while the import runs (htmx asks for the partial every second),
    then the report."""
    job = _own_job(request, job_id)
    stalled = is_stalled(job)
    context = {
        "job": job,
        "stalled": stalled,
        "polling": not job.is_over and not stalled,
        "held": held_report(user=request.user, held=job.held) if job.is_over else [],
    }
    if request.htmx:
        return render(request, "people/_import_progress.html", context)
    return render(request, "people/import_job.html", context)
