"""The starter indicators: examples of each kind on the sources built so far, for a
deployment to keep, change or replace. ``ura load-indicators`` loads them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ura.indicators.actions import indicator_create, indicator_update
from ura.indicators.models import Indicator, IndicatorKind

PERSON = ["sex", "age_band", "community", "disability", "region", "municipality"]
K = IndicatorKind

STARTER: list[dict[str, Any]] = [
    {
        "code": "CP-OPEN",
        "dashboard_position": 1,
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
        "dashboard_position": 2,
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
        "dashboard_position": 3,
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
        "code": "CP-CLOSED",
        "name_en": "Child protection cases closed",
        "name_sq": "Raste të mbrojtjes së fëmijëve të mbyllura",
        "name_sr": "Затворени случајеви заштите деце",
        "name_sr_latn": "Zatvoreni slučajevi zaštite dece",
        "kind": K.EVENTS,
        "source": "closed_cases",
        "disaggregations": [*PERSON, "concern", "risk_level", "closure_reason"],
    },
    {
        "code": "CP-CLOSED-GOALS-MET",
        "name_en": "Cases closed with the plan's goals met",
        "name_sq": "Raste të mbyllura me objektivat e planit të arritura",
        "name_sr": "Случајеви затворени уз остварене циљеве плана",
        "name_sr_latn": "Slučajevi zatvoreni uz ostvarene ciljeve plana",
        "kind": K.EVENTS,
        "source": "closed_cases",
        "filters": {"closure_reason": "goals_met"},
        "disaggregations": [*PERSON, "concern", "risk_level"],
    },
    {
        "code": "CP-CLOSED-GOALS-MET-SHARE",
        "name_en": "Share of closed cases with the plan's goals met",
        "name_sq": "Pjesa e rasteve të mbyllura me objektivat e planit të arritura",
        "name_sr": "Удео затворених случајева са оствареним циљевима плана",
        "name_sr_latn": "Udeo zatvorenih slučajeva sa ostvarenim ciljevima plana",
        "kind": K.SHARE,
        "numerator": "CP-CLOSED-GOALS-MET",
        "denominator": "CP-CLOSED",
        "disaggregations": [*PERSON, "concern", "risk_level"],
    },
    {
        "code": "CP-HIGH-LATE-CONTACT",
        "dashboard_position": 4,
        "name_en": "New high-risk cases past their first-contact deadline",
        "name_sq": "Raste të reja me rrezik të lartë pas afatit të kontaktit të parë",
        "name_sr": "Нови случајеви високог ризика после рока за први контакт",
        "name_sr_latn": "Novi slučajevi visokog rizika posle roka za prvi kontakt",
        "kind": K.EVENTS,
        "source": "new_cases",
        "filters": {"risk_level": "high", "first_contact_late": True},
        "disaggregations": [*PERSON, "concern"],
    },
    {
        "code": "REF-ACCEPTED",
        "dashboard_position": 5,
        "name_en": "Referrals accepted",
        "name_sq": "Referime të pranuara",
        "name_sr": "Прихваћена упућивања",
        "name_sr_latn": "Prihvaćena upućivanja",
        "kind": K.EVENTS,
        "source": "referrals_accepted",
        "disaggregations": [*PERSON, "service_type", "programme"],
    },
    {
        "code": "REF-RESPONSE-DAYS",
        "name_en": "Median days from sending a referral to its acceptance",
        "name_sq": "Mediana e ditëve nga dërgimi i referimit deri te pranimi",
        "name_sr": "Медијана дана од слања упућивања до прихватања",
        "name_sr_latn": "Medijana dana od slanja upućivanja do prihvatanja",
        "kind": K.MEDIAN_DURATION,
        "source": "referrals_accepted",
        "duration": "days_to_answer",
        "disaggregations": ["region", "municipality", "service_type"],
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
    {
        "code": "SRV-VOCATIONAL",
        "name_en": "Adolescents and young people in vocational training",
        "name_sq": "Adoleshentë dhe të rinj në aftësim profesional",
        "name_sr": "Адолесценти и млади на стручној обуци",
        "name_sr_latn": "Adolescenti i mladi na stručnoj obuci",
        "kind": K.PERSONS,
        "source": "service_attendance",
        "filters": {"service_type": "vocational_training"},
        "disaggregations": [*PERSON, "programme"],
    },
    {
        "code": "HV-INFANTS",
        "name_en": "Infants in home visiting who turned one",
        "name_sq": "Foshnja në vizita shtëpiake që mbushën një vjeç",
        "name_sr": "Одојчад у кућним посетама која су напунила годину дана",
        "name_sr_latn": "Odojčad u kućnim posetama koja su napunila godinu dana",
        "kind": K.PERSONS,
        "source": "infants_turning_one",
        "disaggregations": PERSON,
    },
    {
        "code": "HV-INFANTS-RECOMMENDED",
        "name_en": "Infants who had the recommended home visits in their first year",
        "name_sq": "Foshnja që morën vizitat shtëpiake të rekomanduara në vitin e parë",
        "name_sr": "Одојчад која су у 1. години добила препоручене кућне посете",
        "name_sr_latn": "Odojčad koja su u 1. godini dobila preporučene kućne posete",
        "kind": K.PERSONS,
        "source": "infants_turning_one",
        "filters": {"received_recommended": True},
        "disaggregations": PERSON,
    },
    {
        "code": "HV-COVERAGE",
        "dashboard_position": 6,
        "name_en": "Home visiting coverage in the first year",
        "name_sq": "Mbulimi me vizita shtëpiake në vitin e parë",
        "name_sr": "Обухват кућним посетама у првој години",
        "name_sr_latn": "Obuhvat kućnim posetama u prvoj godini",
        "kind": K.SHARE,
        "numerator": "HV-INFANTS-RECOMMENDED",
        "denominator": "HV-INFANTS",
        "disaggregations": PERSON,
    },
    {
        "code": "JJ-PRETRIAL",
        "dashboard_position": 7,
        "name_en": "Children in pre-trial detention",
        "name_sq": "Fëmijë në paraburgim",
        "name_sr": "Деца у притвору",
        "name_sr_latn": "Deca u pritvoru",
        "kind": K.PERSONS,
        "source": "custodial_measures",
        "filters": {"measure": "pretrial_detention"},
        "disaggregations": PERSON,
    },
    {
        "code": "JJ-PRETRIAL-DAYS",
        "name_en": "Median days in pre-trial detention",
        "name_sq": "Mediana e ditëve në paraburgim",
        "name_sr": "Медијана дана у притвору",
        "name_sr_latn": "Medijana dana u pritvoru",
        "kind": K.MEDIAN_DURATION,
        "source": "custodial_measures",
        "filters": {"measure": "pretrial_detention"},
        "duration": "days_detained",
        "disaggregations": ["region", "municipality"],
    },
    {
        "code": "DSC-REPORTED",
        "name_en": "Discrimination cases reported",
        "name_sq": "Raste diskriminimi të raportuara",
        "name_sr": "Пријављени случајеви дискриминације",
        "name_sr_latn": "Prijavljeni slučajevi diskriminacije",
        "kind": K.EVENTS,
        "source": "discrimination_reported",
        "disaggregations": ["region", "municipality", "targeted_community"],
    },
    {
        "code": "DSC-CONFIRMED",
        "name_en": "Discrimination confirmed by a court",
        "name_sq": "Diskriminim i konfirmuar nga gjykata",
        "name_sr": "Дискриминација потврђена пресудом суда",
        "name_sr_latn": "Diskriminacija potvrđena presudom suda",
        "kind": K.EVENTS,
        "source": "discrimination_rulings",
        "filters": {"outcome": "ruling_confirmed"},
        "disaggregations": ["region", "municipality", "targeted_community"],
    },
    {
        "code": "RCH-PEOPLE",
        "name_en": "Unique people reached",
        "name_sq": "Njerëz unikë të arritur",
        "name_sr": "Јединствене особе до којих се допрло",
        "name_sr_latn": "Jedinstvene osobe do kojih se doprlo",
        "kind": K.PERSONS,
        "source": "reach",
        "disaggregations": PERSON,
    },
    {
        "code": "RCH-CHILDREN",
        "dashboard_position": 8,
        "name_en": "Children directly supported",
        "name_sq": "Fëmijë të mbështetur drejtpërdrejt",
        "name_sr": "Деца која су непосредно подржана",
        "name_sr_latn": "Deca koja su neposredno podržana",
        "kind": K.PERSONS,
        "source": "reach",
        "filters": {"reached_as": "child"},
        "disaggregations": PERSON,
    },
    {
        "code": "RCH-INDIRECT",
        "name_en": "People reached indirectly",
        "name_sq": "Njerëz të arritur tërthorazi",
        "name_sr": "Особе до којих се допрло посредно",
        "name_sr_latn": "Osobe do kojih se doprlo posredno",
        "kind": K.PERSONS,
        "source": "reach",
        "filters": {"reached_as": "indirect"},
        "disaggregations": PERSON,
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


def publish_indicators(codes: Iterable[str]) -> int:
    """Publish these indicators on the open statistics page (audited changes);
    returns how many were not published before."""
    changed = 0
    with transaction.atomic():
        for indicator in Indicator.objects.filter(code__in=list(codes)):
            changed += bool(
                indicator_update(
                    actor=None,
                    indicator=indicator,
                    data={"is_published": True},
                    expected_version=indicator.version,
                )
            )
    return changed
