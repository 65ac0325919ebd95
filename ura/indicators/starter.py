"""The starter indicators: examples of each kind on the sources built so far, for a
deployment to keep, change or replace. ``ura load-indicators`` loads them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ura.indicators.actions import indicator_create
from ura.indicators.models import Indicator, IndicatorKind

PERSON = ["sex", "age_band", "community", "disability", "region", "municipality"]
K = IndicatorKind

STARTER: list[dict[str, Any]] = [
    {
        "code": "CP-OPEN",
        "name_en": "Children with an open child protection case",
        "name_sq": "Fëmijë me rast të hapur të mbrojtjes së fëmijëve",
        "name_sr": "Деца са отвореним случајем заштите деце",
        "name_sr_latn": "Deca sa otvorenim slučajem zaštite dece",
        "kind": K.PERSONS,
        "source": "open_cases",
        "disaggregations": [*PERSON, "concern", "risk_level"],
    },
    {
        "code": "CP-NEW",
        "name_en": "New child protection cases",
        "name_sq": "Raste të reja të mbrojtjes së fëmijëve",
        "name_sr": "Нови случајеви заштите деце",
        "name_sr_latn": "Novi slučajevi zaštite dece",
        "kind": K.EVENTS,
        "source": "new_cases",
        "disaggregations": [*PERSON, "concern", "risk_level"],
    },
    {
        "code": "CP-NEW-HIGH",
        "name_en": "New child protection cases at high risk",
        "name_sq": "Raste të reja të mbrojtjes së fëmijëve me rrezik të lartë",
        "name_sr": "Нови случајеви заштите деце високог ризика",
        "name_sr_latn": "Novi slučajevi zaštite dece visokog rizika",
        "kind": K.EVENTS,
        "source": "new_cases",
        "filters": {"risk_level": "high"},
        "disaggregations": [*PERSON, "concern"],
    },
    {
        "code": "CP-NEW-HIGH-SHARE",
        "name_en": "Share of new child protection cases at high risk",
        "name_sq": "Pjesa e rasteve të reja të mbrojtjes me rrezik të lartë",
        "name_sr": "Удео нових случајева заштите деце високог ризика",
        "name_sr_latn": "Udeo novih slučajeva zaštite dece visokog rizika",
        "kind": K.SHARE,
        "numerator": "CP-NEW-HIGH",
        "denominator": "CP-NEW",
        "disaggregations": [*PERSON, "concern"],
    },
    {
        "code": "CP-FIRST-CONTACT-DAYS",
        "name_en": "Median days from opening a case to the first contact",
        "name_sq": "Mediana e ditëve nga hapja e rastit deri te kontakti i parë",
        "name_sr": "Медијана дана од отварања случаја до првог контакта",
        "name_sr_latn": "Medijana dana od otvaranja slučaja do prvog kontakta",
        "kind": K.MEDIAN_DURATION,
        "source": "new_cases",
        "duration": "days_to_first_contact",
        "disaggregations": ["risk_level", "region", "municipality"],
    },
    {
        "code": "REF-ACCEPTED",
        "name_en": "Referrals accepted",
        "name_sq": "Referime të pranuara",
        "name_sr": "Прихваћена упућивања",
        "name_sr_latn": "Prihvaćena upućivanja",
        "kind": K.EVENTS,
        "source": "referrals_accepted",
        "disaggregations": [*PERSON, "service_type", "programme"],
    },
    {
        "code": "SRV-DAYCARE-CHILDREN",
        "name_en": "Children served by day care centres",
        "name_sq": "Fëmijë të shërbyer nga qendrat ditore",
        "name_sr": "Деца којима су дневни центри пружили услугу",
        "name_sr_latn": "Deca kojima su dnevni centri pružili uslugu",
        "kind": K.PERSONS,
        "source": "service_attendance",
        "filters": {"service_type": "day_care", "role": "child"},
        "disaggregations": [*PERSON, "programme"],
    },
    {
        "code": "SRV-DAYCARE-PARENTS",
        "name_en": "Parents and caregivers served by day care centres",
        "name_sq": "Prindër dhe kujdestarë të shërbyer nga qendrat ditore",
        "name_sr": "Родитељи и старатељи којима су дневни центри пружили услугу",
        "name_sr_latn": "Roditelji i staratelji kojima su dnevni centri pružili uslugu",
        "kind": K.PERSONS,
        "source": "service_attendance",
        "filters": {"service_type": "day_care", "role": "caregiver"},
        "disaggregations": [*PERSON, "programme"],
    },
    {
        "code": "TRN-PROFESSIONALS",
        "name_en": "Professionals trained",
        "name_sq": "Profesionistë të trajnuar",
        "name_sr": "Обучени стручњаци",
        "name_sr_latn": "Obučeni stručnjaci",
        "kind": K.PERSONS,
        "source": "training_participants",
        "filters": {"completed": True},
        "disaggregations": ["sex", "region", "municipality", "profession", "topic"],
    },
]


def load_starter_indicators() -> int:
    """Create the starter indicators that are not there yet (by code); returns how
    many were created. One that exists is left as the deployment changed it."""
    created = 0
    with transaction.atomic():
        for spec in STARTER:
            if Indicator.objects.filter(code=spec["code"]).exists():
                continue
            data = dict(spec)
            for part in ("numerator", "denominator"):
                if part in data:
                    data[part] = Indicator.objects.get(code=data[part])
            indicator_create(actor=None, data=data)
            created += 1
    return created
