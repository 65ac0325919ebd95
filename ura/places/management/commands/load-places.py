from django.core.management.base import BaseCommand, CommandError, CommandParser

from ura.places.loader import COUNTRIES, PlaceFileError, load_places


class Command(BaseCommand):
    help = "Load a country's complete set of administrative places (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("country", choices=COUNTRIES)

    def handle(self, *args: object, country: str, **options: object) -> None:
        try:
            result = load_places(country)
        except PlaceFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{country}: {result.created} places created, {result.updated} updated"
        )
