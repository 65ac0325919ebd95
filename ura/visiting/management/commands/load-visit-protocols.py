from django.core.management.base import BaseCommand

from ura.visiting.examples import load_example_protocols


class Command(BaseCommand):
    help = (
        "Load the example home visiting protocols (universal and intensified) that "
        "are not there yet. Examples only: replace them with the programme's own."
    )

    def handle(self, *args: object, **options: object) -> None:
        created = load_example_protocols()
        self.stdout.write(f"{created} example protocol(s) loaded.")
