from django.core.management.base import BaseCommand, CommandError

from ura.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain; exits non-zero and names the first broken "
        "event if any row was changed or removed."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit log broken at event #{report.broken_seq}: {report.reason} "
                f"({report.checked} events verified before it)"
            )
        # The head hash is what an operator copies off the machine: it also proves
        # that no event was cut from the end of the log.
        self.stdout.write(
            f"audit log intact: {report.checked} events, head {report.head_hash}"
        )
