"""The pilot's service directory and programme: what the demo agencies offer, for
whom and where, funded by the demo partner. Idempotent, like the rest of the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

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


def _previous_month_weekdays(today: date) -> list[date]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    start = last_month_end.replace(day=1)
    days = [start + timedelta(days=n) for n in range(last_month_end.day)]
    return [day for day in days if day.weekday() < 5]


def load_service_demo(rng: random.Random, users: dict[str, User]) -> None:
    """Referrals at every step, a day care group with last month's attendance, a
    training of police officers and a mobile team's contacts, made with the real
    actions, so the pilot shows what each role would see."""
    _demo_referrals(users)
    _demo_day_care(rng, users)
    _demo_training(users)
    _demo_outreach(users)


def _demo_referrals(users: dict[str, User]) -> None:
    from ura.cases.consent_actions import consent_record
    from ura.cases.models import Case
    from ura.referrals.actions import referral_send
    from ura.referrals.lifecycle import (
        referral_accept,
        referral_complete,
        referral_decline,
        referral_receive,
        referral_start,
    )
    from ura.referrals.models import Referral

    worker, provider = users["worker"], users["provider"]
    today = timezone.localdate()
    services = {s.name: s for s in Service.objects.all()}
    day_care = services["Day care for children 6-14"]
    homework = services["Homework club and school support"]
    legal = services["Free legal aid for children and families"]
    clinic = services["Child mental health clinic"]
    cases = list(
        Case.objects.filter(worker=worker, person__date_of_birth__isnull=False)
        .select_related("person")
        .order_by("pk")
    )
    plan = [day_care, legal, homework, day_care, clinic]
    for case, service in zip(cases, plan, strict=False):
        consent_record(
            actor=worker,
            case=case,
            given_by="mother",
            given_on=today,
            to_services=True,
            to_sharing=True,
            agencies=[service.agency],
            note="Demo consent (fictional): sharing with the service agreed.",
        )
        referral_send(
            actor=worker,
            person=case.person,
            service=service,
            case=case,
            urgency="urgent",
            reason="Demo referral (fictional): needs support after school.",
            shared=["contact"],
            eligibility_note="Demo: referred although outside the age range.",
        )
    sent = list(Referral.objects.filter(sent_by=worker).order_by("pk"))

    def fresh(referral: Referral) -> Referral:
        return Referral.objects.get(pk=referral.pk)

    if len(sent) >= 5:
        first, late, declined, done, received = sent[:5]
        referral_receive(actor=provider, referral=first)
        referral_accept(
            actor=provider, referral=fresh(first), expected_version=fresh(first).version
        )
        referral_start(
            actor=provider,
            referral=fresh(first),
            expected_version=fresh(first).version,
            role="child",
        )
        # Sent a week ago and never answered: on the worker's and supervisor's lists.
        week_ago = timezone.now() - timedelta(days=7)
        Referral.objects.filter(pk=late.pk).update(
            sent_at=week_ago, answer_due_at=week_ago + timedelta(days=3)
        )
        referral_receive(actor=provider, referral=declined)
        referral_decline(
            actor=provider,
            referral=fresh(declined),
            expected_version=fresh(declined).version,
            reason="full",
            note="Demo: the homework club is full until June.",
        )
        referral_accept(
            actor=provider, referral=fresh(done), expected_version=fresh(done).version
        )
        referral_start(
            actor=provider,
            referral=fresh(done),
            expected_version=fresh(done).version,
            role="child",
        )
        referral_complete(
            actor=provider,
            referral=fresh(done),
            expected_version=fresh(done).version,
            outcome="Demo outcome (fictional): attended every week; back at school.",
        )
        # The clinic's own staff have not opened theirs yet: it stays "sent".
        del received


def _demo_day_care(rng: random.Random, users: dict[str, User]) -> None:
    from ura.people.actions import person_register
    from ura.services.delivery_actions import enrol, group_create
    from ura.services.delivery_attendance import month_sheet_save

    provider = users["provider"]
    today = timezone.localdate()
    service = Service.objects.get(name="Day care for children 6-14")
    group = group_create(actor=provider, service=service, name="Morning group")
    prizren = _municipality("Prizren")
    days = _previous_month_weekdays(today)
    enrolments = []
    for number, (given, family, sex) in enumerate(WALK_INS):
        person = person_register(
            actor=provider,
            data={
                "given_name": given,
                "family_name": family,
                "sex": sex,
                "date_of_birth": date(today.year - 7 - number % 6, 3 + number, 10),
                "place": prizren,
                "community": ["roma", "ashkali", "egyptian", "albanian"][number % 4],
            },
        )
        enrolments.append(
            enrol(
                actor=provider,
                service=service,
                person=person,
                role="child",
                enrolled_on=days[0] - timedelta(days=30),
                group=group,
            )
        )
    present = {
        (enrolment.pk, day)
        for enrolment in enrolments
        for day in days
        if rng.random() < 0.85
    }
    month_sheet_save(
        actor=provider,
        group=group,
        activity="homework",
        days=days,
        enrolment_ids=[enrolment.pk for enrolment in enrolments],
        present=present,
    )


WALK_INS = [
    ("Elvis", "Berisha", "male"),
    ("Sibel", "Gashi", "female"),
    ("Dren", "Hoxha", "male"),
    ("Lumnije", "Krasniqi", "female"),
    ("Ardit", "Morina", "male"),
    ("Fatmire", "Shala", "female"),
    ("Kemal", "Bytyqi", "male"),
    ("Mirlinda", "Rama", "female"),
]


def _demo_training(users: dict[str, User]) -> None:
    from ura.services.training_actions import training_create
    from ura.services.training_sheet import ParticipantRow, participants_add_many

    trainer = users["trainer"]
    today = timezone.localdate()
    organiser = trainer.memberships.get(role="trainer").agency
    training = training_create(
        actor=trainer,
        data={
            "title": "Child-friendly interviews for police officers (demo)",
            "topic": "justice",
            "starts_on": today - timedelta(days=20),
            "ends_on": today - timedelta(days=19),
            "place": _municipality("Prishtina"),
            "venue": "Police academy (demo)",
            "hours": 12,
            "organiser": organiser,
            "programme": Programme.objects.get(code=PROGRAMME[0]),
        },
    )
    rows = [
        ("Agim", "Kelmendi", "male", "police", "Police Station Prishtina"),
        ("Vjosa", "Dervishi", "female", "police", "Police Station Prishtina"),
        ("Milica", "Petrović", "female", "prosecutor", "Basic Prosecution Prishtina"),
        ("Besnik", "Zeqiri", "male", "judge", "Basic Court Prishtina"),
        ("Teuta", "Halili", "female", "social_worker", "Centre for Social Work"),
    ]
    participants_add_many(
        actor=trainer,
        training=training,
        rows=[ParticipantRow(n, *row) for n, row in enumerate(rows, start=1)],
        register_anyway=True,
    )


def _demo_outreach(users: dict[str, User]) -> None:
    from ura.services.outreach_actions import outreach_contact_record

    mobile = users["mobile"]
    agency = mobile.memberships.get(role="service_provider").agency
    now = timezone.now()
    contacts = [
        ("K-17", "Kiki", "male", 11, 3),
        ("K-17", "Kiki", "male", 11, 1),
        ("M-03", "Mira", "female", 14, 2),
        ("", "", "female", 9, 0),
    ]
    for code, name, sex, age, days_ago in contacts:
        outreach_contact_record(
            actor=mobile,
            agency=agency,
            data={
                "contacted_at": now - timedelta(days=days_ago, hours=2),
                "place": _municipality("Prishtina"),
                "location": "Near the bus station (demo)",
                "code": code,
                "name": name,
                "sex": sex,
                "estimated_age": age,
                "in_street_situation": True,
                "actions": ["information", "basic_needs"],
                "note": "Demo contact (fictional).",
            },
        )
