"""The pilot's service directory and programme: what the demo agencies offer, for
whom and where, funded by the demo partner. Idempotent, like the rest of the demo."""

from __future__ import annotations

from ura.accounts.models import Agency, User
from ura.directory.actions import service_create
from ura.directory.models import Programme, Service
from ura.places.models import Place, PlaceLevel

PROGRAMME = ("DEMO-INCL", "Inclusion of Roma, Ashkali and Egyptian children (demo)")

# (agency, name, type, ages, sex, concerns, capacity, opening hours, languages)
SERVICES = [
    ("Day Care Centre Prizren", "Day care for children 6-14", "day_care",
     (6, 14), "any", [], 30, "Mon-Fri 08:00-16:00", ["sq", "sr", "tr"]),
    ("Day Care Centre Prizren", "Homework club and school support",
     "education_support", (6, 18), "any", ["school_drop_out"], 20,
     "Mon-Fri 13:00-17:00", ["sq", "tr"]),
    ("Day Care Centre Prizren", "Parents' group", "family_support",
     (18, None), "any", [], 15, "Wednesdays 17:00-19:00", ["sq", "sr"]),
    ("Mobile Team Prishtina", "Street outreach", "outreach",
     (None, None), "any", ["street_situation", "exploitation"], None,
     "Every day 10:00-20:00", ["sq", "sr", "en"]),
    ("Mobile Team Prishtina", "Psychosocial support for adolescents",
     "psychosocial", (12, 18), "any", [], 25, "Tue and Thu 14:00-18:00", ["sq"]),
    ("Legal Aid Centre Prishtina (demo)", "Free legal aid for children and families",
     "legal_aid", (None, None), "any", ["conflict_with_law", "victim_witness",
     "discrimination"], None, "Mon-Fri 09:00-17:00", ["sq", "sr", "en"]),
    ("Family Health Centre Prishtina", "Child mental health clinic", "mental_health",
     (0, 18), "any", [], None, "Mon-Fri 08:00-15:00", ["sq", "sr"]),
]  # fmt: skip


def _municipality(name_en: str) -> Place:
    return Place.objects.get(
        level=PlaceLevel.MUNICIPALITY, name_en=name_en, path__startswith="/XK/"
    )


def ensure_directory(agencies: dict[str, Agency], users: dict[str, User]) -> None:
    programme, _created = Programme.objects.get_or_create(
        code=PROGRAMME[0],
        defaults={"name": PROGRAMME[1], "lead_agency": agencies[
            "Ministry of Social Welfare (demo)"]},
    )  # fmt: skip
    programme.funders.add(agencies["Demo Partner Foundation"])
    admin = users["admin"]
    for (
        agency_name,
        name,
        kind,
        ages,
        sex,
        concerns,
        capacity,
        hours,
        langs,
    ) in SERVICES:
        agency = agencies[agency_name]
        if Service.objects.filter(agency=agency, name=name).exists():
            continue
        service_create(
            actor=admin,
            agency=agency,
            data={
                "name": name,
                "type": kind,
                "description": "Demo service (fictional).",
                "min_age": ages[0],
                "max_age": ages[1],
                "sex": sex,
                "concerns": concerns,
                "capacity": capacity,
                "opening_hours": hours,
                "languages": langs,
                "address": f"{agency.place} (demo address)",
                "contact_name": "Demo contact",
                "phone": "+383 38 000 000",
                "programme": programme if kind != "mental_health" else None,
                "accepts_referrals": kind != "outreach",
            },
            # The day care centre in Prizren also takes children from Prishtina.
            places=[_municipality("Prizren"), _municipality("Prishtina")]
            if kind == "day_care"
            else (),
        )
