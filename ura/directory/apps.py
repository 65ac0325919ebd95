from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _agency_saved(sender, instance, **kwargs) -> None:  # noqa: ANN001
    # The agency's name is part of each of its services' search text; agencies are
    # edited in ura.accounts, which must not know the directory, so the directory
    # listens. In the same transaction as the rename, so the two never disagree.
    from ura.directory.actions import search_text_refresh
    from ura.directory.models import Service

    search_text_refresh(Service.objects.filter(agency=instance))


class DirectoryConfig(AppConfig):
    name = "ura.directory"
    verbose_name = _("Service directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ura.accounts.models import Agency

        post_save.connect(_agency_saved, sender=Agency, dispatch_uid="directory-agency")
