from django.core.management.base import BaseCommand

from ura.people.duplicates import match_keys_rebuild
from ura.people.models import Person


class Command(BaseCommand):
    help = (
        "Recompute every person's blocking keys and search name, after the matcher "
        "changes (an upgrade says when this is needed)."
    )

    def handle(self, *args: object, **options: object) -> None:
        done = match_keys_rebuild(Person.objects.filter(merged_into__isnull=True))
        self.stdout.write(f"match keys rebuilt for {done} people")
