from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.people.imports import (
    BATCH_SIZE,
    ImportFileError,
    file_check,
    import_job_create,
    import_job_run,
)
from ura.people.imports.report import held_lines
from ura.people.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import people from a CSV (UTF-8) or XLSX file, checking every row with the "
        "registration rules. A file with errors imports nothing unless --valid-only "
        "is given; likely duplicates are held for review unless --create-duplicates "
        "is given. Running it again on the same file creates nothing new, and a run "
        "that was stopped half-way is completed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the .csv or .xlsx file")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the user registering the people (needs the register_person role "
            "permission); they can see every record the import creates",
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="import the valid rows and report the others",
        )
        parser.add_argument(
            "--create-duplicates",
            action="store_true",
            help="create likely duplicates too, each kept as a possible duplicate "
            "for review",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"rows per transaction (default {BATCH_SIZE})",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None or not may(user, Permission.REGISTER_PERSON):
            raise CommandError(
                _("%(user)s is not an active user who may register people.")
                % {"user": options["username"]}
            )
        if int(options["batch_size"]) < 1:
            raise CommandError("--batch-size must be at least 1")
        # Messages in the language the user chose for the pages, when they chose.
        with translation.override(user.language or get_language()):
            self._import(path, user, options)

    def _import(self, path: Path, user: User, options: dict[str, object]) -> None:
        try:
            with path.open("rb") as handle:
                checked = file_check(handle, file_name=path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        if checked.errors and not options["valid_only"]:
            # Checked before a job exists: a file with errors leaves no trace.
            raise CommandError(
                "\n".join(
                    [
                        _("The file has errors; nothing was imported.")
                        + " "
                        + _("Correct them, or import the valid rows only.")
                    ]
                    + [str(error) for error in checked.errors]
                )
            )
        job = import_job_create(
            actor=user,
            file_name=path.name,
            valid_only=bool(options["valid_only"]),
            create_duplicates=bool(options["create_duplicates"]),
        )
        import_job_run(
            job=job,
            checked=checked,
            batch_size=int(options["batch_size"]),
            progress=self._progress,
        )
        self._summary(job, user)

    def _progress(self, job: ImportJob) -> None:
        self.stdout.write(
            _("%(processed)s of %(total)s rows processed")
            % {"processed": job.processed, "total": job.total}
        )
        self.stdout.flush()

    def _summary(self, job: ImportJob, user: User) -> None:
        for error in job.errors:
            self.stdout.write(
                _("Row %(row)s, %(field)s: %(message)s") % error
                if error["field"]
                else _("Row %(row)s: %(message)s") % error
            )
        for line in held_lines(user=user, held=job.held):
            self.stdout.write(line)
        self.stdout.write(
            _(
                "Import %(id)s: %(imported)s imported, %(skipped)s already imported, "
                "%(held)s held for review, %(invalid)s rows with errors."
            )
            % {
                "id": job.pk,
                "imported": job.imported,
                "skipped": job.skipped_existing,
                "held": job.held_duplicates,
                "invalid": job.invalid,
            }
        )
        if job.failure:
            raise CommandError(job.failure)
