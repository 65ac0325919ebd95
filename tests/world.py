"""A small synthetic world with one persona per role, shared by the tests.

Two municipalities (Prishtina, Prizren); a centre for social work in each; two teams
in Prishtina under two supervisors; a police station, a health centre and a day care
centre; a data officer and a partner; and people each shared in one particular way.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from ura.access.models import GrantLevel, GrantReason, PersonGrant
from ura.accounts.models import Agency, AgencyType, Membership, Role, Team, User
from ura.people.duplicates import match_keys_rebuild
from ura.people.models import Person, Sex
from ura.places.loader import load_places
from ura.places.models import Place

PASSWORD = "correct-horse-battery-staple"  # noqa: S105


@dataclass
class World:
    places: dict[str, Place] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)


# persona -> (role, agency); "outsider" has an account and no role at all.
PERSONAS = {
    "worker_a1": (Role.SOCIAL_WORKER, "csw_pr"),
    "worker_a2": (Role.SOCIAL_WORKER, "csw_pr"),
    "worker_b1": (Role.SOCIAL_WORKER, "csw_pr"),
    "worker_pz": (Role.SOCIAL_WORKER, "csw_pz"),
    "sup_a": (Role.SUPERVISOR, "csw_pr"),
    "sup_b": (Role.SUPERVISOR, "csw_pr"),
    "conf_member": (Role.CONFERENCE_MEMBER, "police_pr"),
    "provider": (Role.SERVICE_PROVIDER, "daycare_pz"),
    "nurse": (Role.HOME_VISITOR, "health_pr"),
    "data_pr": (Role.DATA_OFFICER, "csw_pr"),
    "partner": (Role.PARTNER, "partner"),
    "admin": (Role.ADMINISTRATOR, "ministry"),
    "outsider": (None, None),
}

# person key -> who it is shared with: (kind, grantee, level)
SHARES = {
    "own": [("user", "worker_a1", GrantLevel.FULL)],
    "team": [("user", "worker_a2", GrantLevel.FULL)],
    "team_shared": [("team", "team_a", GrantLevel.FULL)],
    "other_team": [("user", "worker_b1", GrantLevel.FULL)],
    "other_agency": [("user", "nurse", GrantLevel.FULL)],
    "other_municipality": [("user", "worker_pz", GrantLevel.FULL)],
    "referred": [
        ("user", "worker_pz", GrantLevel.FULL),
        ("agency", "daycare_pz", GrantLevel.MINIMAL),
    ],
    "conference": [
        ("user", "worker_b1", GrantLevel.FULL),
        ("user", "conf_member", GrantLevel.FULL),
    ],
    "ended": [],  # once shared with worker_a1; the grant ended yesterday
    "unshared": [],
}

# The oracle: which person each persona may see, and at which level.
EXPECTED = {
    "worker_a1": {"own": "full", "team_shared": "full"},
    "worker_a2": {"team": "full", "team_shared": "full"},
    "worker_b1": {"other_team": "full", "conference": "full"},
    "worker_pz": {"other_municipality": "full", "referred": "full"},
    "sup_a": {"own": "full", "team": "full", "team_shared": "full"},
    "sup_b": {"other_team": "full", "conference": "full"},
    "conf_member": {"conference": "full"},
    "provider": {"referred": "minimal"},
    "nurse": {"other_agency": "full"},
    "data_pr": {},
    "partner": {},
    "admin": {},
    "outsider": {},
}

# Given names are unique, so a page or file can be searched for them.
GIVEN_NAMES = {key: f"Canary{key.title().replace('_', '')}Q" for key in SHARES}


def build_world() -> World:
    load_places("kosovo")
    w = World()
    w.places["country"] = Place.objects.get(code="XK")
    w.places["prishtina"] = Place.objects.get(name_en="Prishtina", level="municipality")
    w.places["prizren"] = Place.objects.get(name_en="Prizren", level="municipality")
    specs = {
        "csw_pr": (AgencyType.SOCIAL_WORK, "prishtina"),
        "csw_pz": (AgencyType.SOCIAL_WORK, "prizren"),
        "police_pr": (AgencyType.POLICE, "prishtina"),
        "health_pr": (AgencyType.HEALTH, "prishtina"),
        "daycare_pz": (AgencyType.DAY_CARE, "prizren"),
        "partner": (AgencyType.PARTNER, "prishtina"),
        "ministry": (AgencyType.MINISTRY, "country"),
    }
    for key, (kind, place) in specs.items():
        agency = Agency.objects.create(name=key, type=kind, place=w.places[place])
        agency.places_covered.add(w.places[place])
        w.agencies[key] = agency
    for username, (role, agency) in PERSONAS.items():
        user = User.objects.create_user(username=username, password=PASSWORD)
        if role:
            Membership.objects.create(user=user, agency=w.agencies[agency], role=role)
        w.users[username] = user
    w.teams["team_a"] = Team.objects.create(
        agency=w.agencies["csw_pr"], name="A", supervisor=w.users["sup_a"]
    )
    w.teams["team_a"].members.add(w.users["worker_a1"], w.users["worker_a2"])
    w.teams["team_b"] = Team.objects.create(
        agency=w.agencies["csw_pr"], name="B", supervisor=w.users["sup_b"]
    )
    w.teams["team_b"].members.add(w.users["worker_b1"])
    now = timezone.now()
    for key, shares in SHARES.items():
        place = "prizren" if key in {"other_municipality", "referred"} else "prishtina"
        person = Person.objects.create(
            given_name=GIVEN_NAMES[key],
            family_name="Testi",
            sex=Sex.FEMALE,
            date_of_birth=date(2015, 5, 17),
            place=w.places[place],
            address=f"Secret street {key}",
        )
        w.people[key] = person
        for kind, grantee, level in shares:
            target = {
                "user": {"user": w.users.get(grantee)},
                "team": {"team": w.teams.get(grantee)},
                "agency": {"agency": w.agencies.get(grantee)},
            }[kind]
            PersonGrant.objects.create(
                person=person,
                reason=GrantReason.SHARE,
                level=level,
                starts_at=now,
                **target,
            )
    match_keys_rebuild(Person.objects.all())
    PersonGrant.objects.create(
        person=w.people["ended"],
        user=w.users["worker_a1"],
        reason=GrantReason.ASSIGNMENT,
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=1),
    )
    return w
