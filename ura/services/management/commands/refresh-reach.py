from django.core.management.base import BaseCommand, CommandError

from ura.services.reach_refresh import freshness, refresh


class Command(BaseCommand):
    help = (
        "Bring the reach figures up to date: recompute what changed since the last "
        "refresh (run it on a schedule, e.g. every night), or everything with --full "
        "(after an upgrade that says so)."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--full", action="store_true", help="recompute the whole summary"
        )

    def handle(self, *args: object, **options: object) -> None:
        def progress(job) -> None:  # noqa: ANN001
            if options["verbosity"] > 1:
                self.stdout.write(f"{job.processed} of {job.total}")

        job = refresh(full=bool(options["full"]), progress=progress)
        if job is None:
            raise CommandError("A refresh is already running; try again later.")
        state = freshness()
        self.stdout.write(
            f"reach figures as of {job.as_of:%Y-%m-%d %H:%M}: {job.processed} "
            f"records recomputed{' (everything)' if job.full else ''}; "
            f"{state.pending} changes since"
        )
