"""A pilot to try Ura with: Kosovo's places, agencies in Prishtina and Prizren, one
user per role, and a few hundred fictional families. Idempotent: run it again and it
creates nothing new. Every name is drawn at random from lists of common names."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

import cyrtranslit
from django.db import transaction
from django.utils import timezone

from ura.access.models import GrantLevel, GrantReason, PersonGrant
from ura.accounts.models import Agency, AgencyType, Membership, Role, Team, User
from ura.demo.names import GROUPS, STREETS
from ura.people.duplicates import match_keys_rebuild
from ura.people.models import Household, HouseholdMember, Person, Relationship, Sex
from ura.places.loader import load_places
from ura.places.models import Place, PlaceLevel

DEMO_PASSWORD = "ura-demo-2026"  # noqa: S105 - printed on purpose: demo accounts only
FAMILY_COUNT = 300
SEED = 20261122


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    agency: str


AGENCIES = [
    ("Centre for Social Work Prishtina", AgencyType.SOCIAL_WORK, "Prishtina"),
    ("Centre for Social Work Prizren", AgencyType.SOCIAL_WORK, "Prizren"),
    ("Family Health Centre Prishtina", AgencyType.HEALTH, "Prishtina"),
    ("Day Care Centre Prizren", AgencyType.DAY_CARE, "Prizren"),
    ("Police Station Prishtina", AgencyType.POLICE, "Prishtina"),
    ("Ministry of Social Welfare (demo)", AgencyType.MINISTRY, None),
    ("Demo Partner Foundation", AgencyType.PARTNER, None),
    ("Mobile Team Prishtina", AgencyType.MOBILE_TEAM, "Prishtina"),
    ("Legal Aid Centre Prishtina (demo)", AgencyType.LEGAL_AID, "Prishtina"),
]

USERS = [
    DemoUser("worker", "Arta", "Demo", Role.SOCIAL_WORKER, AGENCIES[0][0]),
    DemoUser("worker2", "Ilir", "Demo", Role.SOCIAL_WORKER, AGENCIES[0][0]),
    DemoUser("worker.prizren", "Jelena", "Demo", Role.SOCIAL_WORKER, AGENCIES[1][0]),
    DemoUser("supervisor", "Besa", "Demo", Role.SUPERVISOR, AGENCIES[0][0]),
    DemoUser("supervisor.prizren", "Dragana", "Demo", Role.SUPERVISOR, AGENCIES[1][0]),
    DemoUser("conference", "Driton", "Demo", Role.CONFERENCE_MEMBER, AGENCIES[4][0]),
    DemoUser("provider", "Vesna", "Demo", Role.SERVICE_PROVIDER, AGENCIES[3][0]),
    DemoUser("nurse", "Mimoza", "Demo", Role.HOME_VISITOR, AGENCIES[2][0]),
    DemoUser("health.manager", "Shpresa", "Demo", Role.SUPERVISOR, AGENCIES[2][0]),
    DemoUser("data", "Petrit", "Demo", Role.DATA_OFFICER, AGENCIES[5][0]),
    DemoUser("partner", "Ana", "Demo", Role.PARTNER, AGENCIES[6][0]),
    DemoUser("admin", "Valon", "Demo", Role.ADMINISTRATOR, AGENCIES[5][0]),
    DemoUser("trainer", "Lirie", "Demo", Role.TRAINER, AGENCIES[5][0]),
    DemoUser("mobile", "Blerim", "Demo", Role.SERVICE_PROVIDER, AGENCIES[7][0]),
]


def municipality(name_en: str) -> Place:
    return Place.objects.get(
        level=PlaceLevel.MUNICIPALITY, name_en=name_en, path__startswith="/XK/"
    )


def ensure_agencies() -> dict[str, Agency]:
    country = Place.objects.get(code="XK")
    agencies = {}
    for name, kind, seat in AGENCIES:
        place = municipality(seat) if seat else country
        agency, _created = Agency.objects.get_or_create(
            name=name, defaults={"type": kind, "place": place}
        )
        agency.places_covered.add(place)
        agencies[name] = agency
    return agencies


def ensure_users(agencies: dict[str, Agency]) -> dict[str, User]:
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, agency=agencies[spec.agency], role=spec.role
        )
        users[spec.username] = user
    team, _created = Team.objects.get_or_create(
        agency=agencies[AGENCIES[0][0]],
        name="Team A",
        defaults={"supervisor": users["supervisor"]},
    )
    team.members.add(users["worker"], users["worker2"])
    team_prizren, _created = Team.objects.get_or_create(
        agency=agencies[AGENCIES[1][0]],
        name="Team Prizren",
        defaults={"supervisor": users["supervisor.prizren"]},
    )
    team_prizren.members.add(users["worker.prizren"])
    return users


def _birth_date(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365, high * 365 + 364))


COMMUNITY_OF_GROUP = {
    "albanian": ["albanian"],
    "serbian": ["serb"],
    "roma": ["roma", "ashkali", "egyptian"],
}


def _equity_facts(
    rng: random.Random, group: str, community: str, born: date
) -> dict[str, str]:
    """Plausible, fictional facts; a share is left unknown or declined, as in life."""
    age = (timezone.localdate() - born).days // 365
    if rng.random() < 0.05:
        community = rng.choice(["unknown", "declined"])
    poor = 0.55 if group == "roma" else 0.15
    facts = {
        "community": community,
        "social_assistance": _answer(rng, poor),
        "birth_registered": _answer(rng, 0.9 if group == "roma" else 0.99),
        "has_documents": _answer(rng, 0.8 if group == "roma" else 0.97),
        "street_situation": _answer(rng, 0.04 if group == "roma" else 0.005),
        "mobility": rng.choices(
            ["settled", "returnee", "migrant", "unknown"], [90, 5, 1, 4]
        )[0],
        "care_arrangement": rng.choices(["family", "kinship", "unknown"], [93, 3, 4])[
            0
        ],
    }
    if 6 <= age <= 17:
        enrolled = 0.8 if group == "roma" else 0.97
        facts["school_enrolment"] = (
            "enrolled" if rng.random() < enrolled else "not_enrolled"
        )
        facts["school_attendance"] = (
            rng.choice(["regular", "regular", "irregular"])
            if facts["school_enrolment"] == "enrolled"
            else "dropped_out"
        )
    elif age < 6:
        facts["school_enrolment"] = "not_school_age"
        facts["school_attendance"] = "not_applicable"
    return facts


def _answer(rng: random.Random, yes: float) -> str:
    if rng.random() < 0.03:
        return "unknown"
    return "yes" if rng.random() < yes else "no"


def _person(rng, group, sex, family_name, born, place, address, *, cyrillic, community):  # noqa: ANN001, ANN202, E501
    female, male, _family = GROUPS[group]
    given = rng.choice(female if sex == Sex.FEMALE else male)
    if cyrillic:
        given = cyrtranslit.to_cyrillic(given, "sr")
        family_name = cyrtranslit.to_cyrillic(family_name, "sr")
    return Person(
        given_name=given,
        family_name=family_name,
        sex=sex,
        date_of_birth=born,
        date_of_birth_estimated=rng.random() < 0.05,
        place=place,
        address=address,
        languages=["sr"]
        if group == "serbian"
        else (["rom", "sq"] if group == "roma" else ["sq"]),
        **_equity_facts(rng, group, community, born),
    )


def create_families(rng: random.Random, places: list[Place]) -> list[list[Person]]:
    today = timezone.localdate()
    families = []
    for _index in range(FAMILY_COUNT):
        group = rng.choices(["albanian", "serbian", "roma"], weights=[6, 2, 2])[0]
        family_name = rng.choice(GROUPS[group][2])
        cyrillic = group == "serbian" and rng.random() < 0.5
        community = rng.choice(COMMUNITY_OF_GROUP[group])
        place = rng.choice(places)
        address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        household = Household.objects.create(place=place, address=address)
        mother = _person(
            rng,
            group,
            Sex.FEMALE,
            family_name,
            _birth_date(rng, today, 19, 45),
            place,
            address,
            cyrillic=cyrillic,
            community=community,
        )
        members = [(mother, Relationship.MOTHER, True)]
        if rng.random() < 0.75:
            father = _person(
                rng,
                group,
                Sex.MALE,
                family_name,
                _birth_date(rng, today, 21, 50),
                place,
                address,
                cyrillic=cyrillic,
                community=community,
            )
            members.append((father, Relationship.FATHER, False))
        for _child in range(rng.randint(1, 4)):
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            child = _person(
                rng,
                group,
                sex,
                family_name,
                _birth_date(rng, today, 0, 17),
                place,
                address,
                cyrillic=cyrillic,
                community=community,
            )
            members.append((child, Relationship.CHILD, False))
        Person.objects.bulk_create([m[0] for m in members])
        HouseholdMember.objects.bulk_create(
            HouseholdMember(
                household=household,
                person=person,
                relationship=relationship,
                is_primary_caregiver=primary,
            )
            for person, relationship, primary in members
        )
        families.append([m[0] for m in members])
    return families


def _grants(people, reason, level=GrantLevel.FULL, **grantee):  # noqa: ANN001, ANN003, ANN202
    now = timezone.now()
    return [
        PersonGrant(
            person=p,
            reason=reason,
            level=level,
            starts_at=now,
            source_type="demo",
            **grantee,
        )
        for p in people
    ]


def nurse_families(families: list[list[Person]]) -> list[list[Person]]:
    """The families on the demo nurse's caseload."""
    prishtina = municipality("Prishtina")
    return [f for f in families if f[0].place_id == prishtina.pk][55:80]


def share_families(families, users, agencies) -> None:  # noqa: ANN001
    """Give each role the kind of caseload it would have in a pilot."""
    prishtina = municipality("Prishtina")
    in_prishtina = [f for f in families if f[0].place_id == prishtina.pk]
    in_prizren = [f for f in families if f[0].place_id != prishtina.pk]

    def children(fams):  # noqa: ANN001, ANN202
        return [
            p
            for f in fams
            for p in f[1:]
            if p.date_of_birth and p.age_on(timezone.localdate()) < 18
        ]

    grants = []
    grants += _grants(
        children(in_prishtina[:30]), GrantReason.ASSIGNMENT, user=users["worker"]
    )
    grants += _grants(
        children(in_prishtina[30:55]), GrantReason.ASSIGNMENT, user=users["worker2"]
    )
    grants += _grants(
        children(in_prizren[:35]), GrantReason.ASSIGNMENT, user=users["worker.prizren"]
    )
    grants += _grants(
        children(in_prishtina[:4]), GrantReason.CONFERENCE, user=users["conference"]
    )
    grants += _grants(
        children(in_prizren[:8]),
        GrantReason.REFERRAL,
        GrantLevel.MINIMAL,
        agency=agencies[AGENCIES[3][0]],
    )
    grants += _grants(
        [p for f in nurse_families(families) for p in f],
        GrantReason.HOME_VISITING,
        user=users["nurse"],
    )
    PersonGrant.objects.bulk_create(grants)


# What the demo's open statistics (/open/) publish.
DEMO_PUBLISHED = (
    "CP-OPEN",
    "CP-NEW",
    "CP-CLOSED-GOALS-MET-SHARE",
    "REF-ACCEPTED",
    "SRV-DAYCARE-CHILDREN",
    "TRN-PROFESSIONALS",
    "HV-COVERAGE",
)


@transaction.atomic
def load_demo() -> bool:
    """Load the pilot; returns False when people were already there (nothing added)."""
    from ura.demo.services import ensure_directory, load_service_demo
    from ura.demo.visiting import enrol_demo_families, ensure_visiting
    from ura.indicators.dhis2_actions import load_example_mapping
    from ura.indicators.starter import load_starter_indicators, publish_indicators

    load_places("kosovo")
    load_starter_indicators()
    load_example_mapping()
    publish_indicators(DEMO_PUBLISHED)
    agencies = ensure_agencies()
    users = ensure_users(agencies)
    ensure_directory(agencies, users)
    ensure_visiting(agencies, users)
    if Person.objects.exists():
        return False
    rng = random.Random(SEED)
    places = [municipality("Prishtina"), municipality("Prizren")]
    families = create_families(rng, places)
    share_families(families, users, agencies)
    match_keys_rebuild(Person.objects.all())
    open_demo_cases(rng, users)
    advance_demo_cases(users)
    load_service_demo(rng, users)
    enrol_demo_families(rng, nurse_families(families), users)
    return True


DEMO_CONCERNS = [
    ["neglect"],
    ["physical_violence", "emotional_violence"],
    ["school_drop_out"],
    ["street_situation", "exploitation"],
    ["disability_exclusion", "discrimination"],
    ["family_separation"],
    ["conflict_with_law"],
]


def open_demo_cases(rng: random.Random, users: dict[str, User]) -> None:
    """Open cases for some of each social worker's children, at every risk level,
    some of them late, so the landing pages show what a pilot would."""
    from ura.access.rules import visible_people
    from ura.cases.actions import case_open
    from ura.cases.models import Case
    from ura.cases.stages import case_refresh

    today = timezone.localdate()
    for username, count in (("worker", 14), ("worker2", 8), ("worker.prizren", 10)):
        worker = users[username]
        children = list(
            visible_people(worker)
            .filter(date_of_birth__isnull=False)
            .order_by("pk")[:count]
        )
        for child in children:
            case = case_open(
                actor=worker,
                person=child,
                risk_level=rng.choice(["high", "medium", "medium", "low"]),
                reported_on=today - timedelta(days=rng.randint(0, 20)),
                reported_by=rng.choice(["police", "school", "health", "family"]),
                concerns=rng.choice(DEMO_CONCERNS),
                report_summary="Demo report: fictional.",
            )
            # Some cases were opened weeks ago, so their first steps are late.
            days_ago = rng.choice([0, 0, 1, 5, 12, 40])
            if days_ago:
                opened = timezone.now() - timedelta(days=days_ago)
                Case.objects.filter(pk=case.pk).update(opened_at=opened)
                case.opened_at = opened
                case_refresh(case)


def advance_demo_cases(users: dict[str, User]) -> None:
    """Walk some of the demo cases through the cycle with the real actions, so the
    pilot shows every stage: contact made, assessed, a plan waiting for the
    supervisor, a plan approved and being implemented."""
    from ura.cases.actions import case_changed
    from ura.cases.approval_actions import approval_decide
    from ura.cases.assessment_actions import (
        assessment_complete,
        assessment_start,
        assessment_update,
    )
    from ura.cases.models import Case, Domain
    from ura.cases.note_actions import note_add
    from ura.cases.plan_actions import action_add, goal_add, plan_start, plan_submit

    worker, supervisor = users["worker"], users["supervisor"]
    today = timezone.localdate()
    cases = list(Case.objects.filter(worker=worker).order_by("pk"))
    for number, case in enumerate(cases[:8]):
        note_add(
            actor=worker,
            case=case,
            happened_on=today,
            kind="home_visit",
            contact_with="both",
            body="Demo home visit: the child and the mother were seen (fictional).",
        )
        if number >= 6:
            continue
        assessment = assessment_start(actor=worker, case=case, kind="initial")
        assessment_update(
            actor=worker,
            assessment=assessment,
            data={
                "child_seen": True,
                "risk_level": case.risk_level,
                "comprehensive_needed": False,
                "summary": "Demo assessment (fictional): needs in school and care.",
                "child_views": "Wants to go back to school.",
                "caregiver_views": "Asks for help with school costs.",
            },
            needs={
                Domain.EDUCATION: {"level": "high", "notes": "Not attending."},
                Domain.FAMILY: {"level": "medium", "notes": "Single parent."},
            },
            expected_version=assessment.version,
        )
        assessment.refresh_from_db()
        assessment_complete(
            actor=worker, assessment=assessment, expected_version=assessment.version
        )
        if number >= 4:
            continue
        plan = plan_start(actor=worker, case=case)
        goal = goal_add(
            actor=worker,
            plan=plan,
            domain=Domain.EDUCATION,
            goal="The child attends school every day.",
            expected_version=plan.version,
        )
        plan.refresh_from_db()
        action_add(
            actor=worker,
            goal=goal,
            data={
                "action": "Enrol the child and arrange free transport.",
                "responsible_user": worker,
                "responsible_agency": None,
                "responsible_person": None,
                "due_on": today + timedelta(days=21),
                "status": "open",
            },
            expected_version=plan.version,
        )
        plan.refresh_from_db()
        approval = plan_submit(actor=worker, plan=plan, expected_version=plan.version)
        if number < 2:
            approval_decide(actor=supervisor, approval=approval, decision="approved")
        case_changed(case, actor=worker)
