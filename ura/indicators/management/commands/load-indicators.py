from django.core.management.base import BaseCommand

from ura.indicators.starter import load_starter_indicators


class Command(BaseCommand):
    help = (
        "Load the starter indicators that are not there yet (by code). Examples to "
        "keep, change or replace: docs/indicators.md."
    )

    def handle(self, *args: object, **options: object) -> None:
        created = load_starter_indicators()
        self.stdout.write(f"{created} starter indicator(s) loaded.")
