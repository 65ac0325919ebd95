from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ura.demo.generate import DEMO_PASSWORD, USERS, load_demo
from ura.people.models import Person


class Command(BaseCommand):
    help = "Create the demo pilot (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--first-run",
            action="store_true",
            help="Load only into an empty database (what `make run` uses).",
        )

    def handle(self, *args: object, first_run: bool, **options: object) -> None:
        if settings.PRODUCTION:
            # Demo accounts have a published password: never in a real deployment.
            raise CommandError("demo data cannot be loaded with URA_ENV=production")
        if first_run and Person.objects.exists():
            self.stdout.write("Demo data already loaded.")
        elif load_demo():
            self.stdout.write(self.style.SUCCESS("Demo pilot created."))
        else:
            self.stdout.write("People exist already: no demo families added.")
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        for spec in USERS:
            self.stdout.write(f"  {spec.username:<16} {spec.role.label}")
        self.stdout.write("")
