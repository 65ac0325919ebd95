"""Indicators as data: what to count, from which records, filtered and broken down
how. The records themselves are declared in code (``ura.indicators.sources``)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ura.core.models import VersionedModel
from ura.indicators.periods import PeriodType
from ura.indicators.sources import DISAGGREGATIONS, source_of


class IndicatorKind(models.TextChoices):
    PERSONS = "persons", _("Count of distinct persons")
    EVENTS = "events", _("Count of records")
    SHARE = "share", _("Share: numerator over denominator")
    MEDIAN_DURATION = "median_duration", _("Median duration in days")


class Indicator(VersionedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_sq = models.CharField(_("name in Albanian"), max_length=200)
    name_sr = models.CharField(_("name in Serbian (Cyrillic)"), max_length=200)
    name_sr_latn = models.CharField(_("name in Serbian (Latin)"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=IndicatorKind.choices)
    # A key of ``ura.indicators.sources.SOURCES``; empty for a share.
    source = models.CharField(_("records counted"), max_length=40, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    # For a median: the name of one of the source's durations.
    duration = models.CharField(_("duration"), max_length=40, blank=True)
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period_type = models.CharField(
        _("period"), max_length=10, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    is_published = models.BooleanField(_("published"), default=False)
    # The dashboards' tiles and the columns their places are compared on, in
    # this order (the first ranks the places); empty: not on the dashboards.
    dashboard_position = models.PositiveSmallIntegerField(
        _("place on the dashboards"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

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

    def clean(self) -> None:
        if self.kind == IndicatorKind.SHARE:
            self._clean_share()
            return
        if self.numerator_id or self.denominator_id:
            raise ValidationError(
                {"numerator": _("Only a share has a numerator and a denominator.")}
            )
        try:
            source = source_of(self.source)
        except ValidationError as error:
            raise ValidationError({"source": error.messages}) from None
        try:
            source.check_filters(self.filters)
        except ValidationError as error:
            raise ValidationError({"filters": error.messages}) from None
        self._clean_disaggregations(source.disaggregations)
        if self.period_type not in source.period_types:
            raise ValidationError(
                {
                    "period_type": _(
                        "The records %(source)s are counted by %(allowed)s only."
                    )
                    % {
                        "source": self.source,
                        "allowed": ", ".join(
                            str(PeriodType(t).label) for t in source.period_types
                        ),
                    }
                }
            )
        if self.kind == IndicatorKind.MEDIAN_DURATION:
            if self.duration not in source.durations:
                raise ValidationError(
                    {
                        "duration": _(
                            "The records %(source)s have no duration %(name)s."
                        )
                        % {"source": self.source, "name": self.duration or "-"}
                    }
                )
        elif self.duration:
            raise ValidationError({"duration": _("Only a median has a duration.")})

    def _clean_share(self) -> None:
        if not (self.numerator_id and self.denominator_id):
            raise ValidationError(
                {"numerator": _("A share needs a numerator and a denominator.")}
            )
        parts = (self.numerator, self.denominator)
        counts = (IndicatorKind.PERSONS, IndicatorKind.EVENTS)
        if any(p.kind not in counts for p in parts):
            raise ValidationError(
                {"numerator": _("The numerator and denominator are counts.")}
            )
        if self.source or self.filters or self.duration:
            raise ValidationError(
                {"source": _("A share counts through its numerator and denominator.")}
            )
        common = set(self.numerator.disaggregations) & set(
            self.denominator.disaggregations
        )
        self._clean_disaggregations(tuple(common))

    def _clean_disaggregations(self, allowed: tuple[str, ...]) -> None:
        if not isinstance(self.disaggregations, list):
            raise ValidationError(
                {"disaggregations": _("Disaggregations are a list of names.")}
            )
        for name in self.disaggregations:
            if name not in allowed or name not in DISAGGREGATIONS:
                raise ValidationError(
                    {
                        "disaggregations": _(
                            "%(name)s is not a breakdown these records have; "
                            "they have %(allowed)s."
                        )
                        % {"name": name, "allowed": ", ".join(allowed) or "-"}
                    }
                )


class Dhis2DataElement(models.Model):
    """One DHIS2 data element of a data set, fed by one indicator (the mapping is
    data, loaded with ``ura load-dhis2-mapping``; docs/indicators.md, "DHIS2").

    Without a disaggregation the element gets the indicator's value, sent with
    ``total_combo`` as its category option combination or, when that is blank,
    with none (DHIS2's default). With one, it gets a value per group that has a
    code in ``combos``; a group without one is not sent."""

    data_set = models.CharField(_("DHIS2 data set"), max_length=50)
    data_element = models.CharField(_("DHIS2 data element"), max_length=50)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="dhis2_elements",
    )
    disaggregation = models.CharField(_("broken down by"), max_length=40, blank=True)
    total_combo = models.CharField(
        _("category option combination of the total"), max_length=50, blank=True
    )

    class Meta:
        verbose_name = _("DHIS2 data element")
        verbose_name_plural = _("DHIS2 data elements")
        ordering = ["data_set", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "data_element"], name="dhis2_element_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_set} {self.data_element}"


class Dhis2Combo(models.Model):
    """The DHIS2 category option combination a group of a breakdown is sent as."""

    element = models.ForeignKey(
        Dhis2DataElement, on_delete=models.CASCADE, related_name="combos"
    )
    group = models.CharField(_("group"), max_length=40)
    code = models.CharField(_("category option combination"), max_length=50)

    class Meta:
        verbose_name = _("DHIS2 category option combination")
        verbose_name_plural = _("DHIS2 category option combinations")
        ordering = ["element", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "group"], name="dhis2_combo_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id} {self.group} {self.code}"
