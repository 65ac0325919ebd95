from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ura.core"
    label = "core"

    def ready(self) -> None:
        from ura.core import checks  # noqa: F401 - registers the deploy checks
