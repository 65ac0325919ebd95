"""Every URL route of the project is in the access matrix, so no page escapes it.

Adding a route fails this test until it is listed here with how it is guarded and
which test walks it through the roles.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# route name -> the guard and the test that checks it for every role.
ROUTES = {
    "root": "public: redirects to sign-in or home",
    "healthz": "public: database status only (tests/core/test_health.py)",
    "workspace:home": "signed in; per-role panels (tests/access/test_matrix.py)",
    "accounts:login": "public (tests/accounts/test_sign_in.py)",
    "accounts:two_factor": "pending sign-in (tests/accounts/test_two_factor.py)",
    "accounts:two_factor_setup": "signed in, own device only",
    "accounts:logout": "POST only",
    "accounts:language": "POST only; own preference",
    "accounts:password_change": "signed in, own password (tests/accounts/)",
    "accounts:tokens": "signed in, own tokens only (tests/accounts/test_tokens.py)",
    "accounts:token_revoke": "own tokens only (tests/accounts/test_tokens.py)",
    "people:list": "visible_people (tests/access/test_matrix.py)",
    "people:create": "REGISTER_PERSON (tests/people/test_person_pages.py)",
    "people:export": "EXPORT_NAMES + visible_people (tests/access/test_matrix.py)",
    "people:detail": "access_person (tests/access/test_matrix.py)",
    "people:edit": "access_person to_edit (tests/access/test_matrix.py)",
    "people:history": "VIEW_ACCESS_HISTORY + access_person (tests/audit/)",
    "people:duplicates": "MERGE_PEOPLE + full_access_people (tests/people/)",
    "people:duplicate_dismiss": "MERGE_PEOPLE + both full (tests/people/test_merge.py)",
    "people:merge": "MERGE_PEOPLE + access_person to_edit x2 (tests/people/)",
    "people:household": "a member visible (tests/people/test_households.py)",
    "people:household_member_end": "EDIT_PERSON + full (tests/people/)",
    "people:household_new": "access_person to_edit (tests/people/)",
    "people:import": "REGISTER_PERSON (tests/people/test_import.py)",
    "people:import_job": "REGISTER_PERSON + owner only (tests/people/test_import.py)",
    "people:merges": "UNDO_MERGE, ids only (tests/people/test_merge.py)",
    "people:merge_undo": "UNDO_MERGE (tests/people/test_merge.py)",
    "people:functioning": "access_person to_edit (tests/people/)",
    "statistics:summary": "statistics_people, counts (tests/access/test_matrix.py)",
    "statistics:summary_export": "statistics_people (tests/access/test_matrix.py)",
    "audit:log": "VIEW_AUDIT_LOG (tests/audit/test_chain.py)",
    "api:token_create": "public: credentials (tests/api/test_auth_api.py)",
    "api:token_revoke": "bearer token, own token (tests/api/test_auth_api.py)",
    "api:me": "bearer token, own account",
    "api:people_list": "visible_people (tests/access/test_matrix.py)",
    "api:person_create": "REGISTER_PERSON (tests/api/test_people_api.py)",
    "api:person_detail": "access_person (tests/access/test_matrix.py)",
    "api:person_update": "access_person to_edit (tests/api/test_people_api.py)",
    "api:functioning_create": "access_person to_edit (tests/people/)",
    "api:functioning_list": "access_person to_edit (tests/people/)",
    "api:household_create": "EDIT_PERSON + access_person to_edit (tests/people/)",
    "api:household_detail": "a member visible (tests/people/test_households.py)",
    "api:household_member_add": "household visible + person to_edit (tests/people/)",
    "api:household_member_end": "EDIT_PERSON + person to_edit (tests/people/)",
    "api:people_by_place_api": "statistics_people (tests/access/test_matrix.py)",
    "api:openapi-json": "public: the API description, no data",
    "api:api-root": "public: the API root, no data",
}
# The administration area is guarded as a whole by UraAdminSite.has_permission
# (tests/accounts/test_admin.py walks it with every role).
NAMESPACES_GUARDED_AS_A_WHOLE = {"admin"}


def _route_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in NAMESPACES_GUARDED_AS_A_WHOLE:
                names.add(f"{namespace}:*")
                continue
            inner = f"{prefix}{namespace}:" if namespace else prefix
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(
                f"{prefix}{pattern.name}"
                if pattern.name
                else f"{prefix}<unnamed {pattern.pattern}>"
            )
    return names


def test_every_route_is_in_the_access_matrix():
    names = _route_names(get_resolver())
    missing = names - set(ROUTES) - {f"{n}:*" for n in NAMESPACES_GUARDED_AS_A_WHOLE}
    assert not missing, f"routes not in the access matrix: {sorted(missing)}"


def test_the_matrix_lists_no_route_that_is_gone():
    names = _route_names(get_resolver())
    assert set(ROUTES) - names == set()
