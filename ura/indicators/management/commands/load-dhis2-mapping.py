import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ura.indicators.dhis2_actions import EXAMPLE, mapping_load


class Command(BaseCommand):
    help = (
        "Replace a DHIS2 data set's mapping (data elements and category option "
        "combinations) with the one in a JSON file; with no file, the example "
        "mapping of the starter indicators. docs/indicators.md, 'DHIS2'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(EXAMPLE))

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        try:
            count = mapping_load(actor=None, data=data)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(f"{data['dataSet']}: {count} data element(s) mapped.")
