"""Administrative places as a tree: country → region → municipality → settlement."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PlaceLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region, county or district")
    MUNICIPALITY = "municipality", _("Municipality")
    SETTLEMENT = "settlement", _("Settlement")


class Place(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    level = models.CharField(_("level"), max_length=16, choices=PlaceLevel.choices)
    # "/XK/XK-PR/XK-PR-01/": every place under another one shares its prefix, so a
    # whole subtree is one indexed range scan.
    path = models.CharField(max_length=255, unique=True, editable=False)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_sq = models.CharField(_("name in Albanian"), max_length=120)
    name_sr = models.CharField(_("name in Serbian (Cyrillic)"), max_length=120)
    name_sr_latn = models.CharField(_("name in Serbian (Latin)"), max_length=120)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"], name="place_level_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en").lower()
        if language == "sr-latn":
            return self.name_sr_latn or self.name_en
        if language.startswith("sr"):
            return self.name_sr or self.name_en
        if language.startswith("sq"):
            return self.name_sq or self.name_en
        return self.name_en

    @property
    def country_code(self) -> str:
        return self.path.strip("/").split("/")[0]

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"
