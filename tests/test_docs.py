"""The documentation stays true to the code: the permission matrix equals
ROLE_PERMISSIONS, every audit action is described, every setting is documented."""

import re
from pathlib import Path

import pytest

from ura.access.models import GrantReason
from ura.access.rules import ROLE_PERMISSIONS, Permission
from ura.accounts.models import Role
from ura.audit.models import AuditAction

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SETTINGS = ROOT / "config" / "settings.py"

GRANTED, NOT_GRANTED = "✓", "·"

# os.environ.get("X", os.environ["X"], env_bool("X", env_list("X"; the name may be on
# the next line when a call is wrapped.
ENV_READ = re.compile(
    r'(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\()\s*"([A-Z][A-Z0-9_]*)"'
)


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _tables(text: str) -> list[list[list[str]]]:
    """Every markdown table in ``text`` as rows of stripped cells, separator dropped."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip() for c in stripped[1:-1].split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _code(cell: str) -> str:
    """The first `code` span of a cell: "`partner` (Partner or donor)" -> partner."""
    match = re.search(r"`([^`]+)`", cell)
    return match.group(1) if match else cell


def _table_headed(text: str, first_header: str) -> list[list[str]]:
    found = [t for t in _tables(text) if t[0][0].lower() == first_header]
    assert len(found) == 1, f"expected one table headed {first_header!r}"
    return found[0]


def _permission_matrix() -> dict[str, set[str]]:
    """docs/permissions.md's matrix as {role: {permission, ...}}."""
    header, *rows = _table_headed(_read("permissions.md"), "role")
    columns = [_code(c) for c in header[1:]]
    assert columns == [p.value for p in Permission], (
        "one column per Permission, in the order they are declared"
    )
    matrix: dict[str, set[str]] = {}
    for row in rows:
        assert len(row) == len(header), row
        role = _code(row[0])
        assert role not in matrix, f"{role} appears twice"
        for cell in row[1:]:
            assert cell in {GRANTED, NOT_GRANTED}, f"{role}: unexpected cell {cell!r}"
        matrix[role] = {
            p for p, cell in zip(columns, row[1:], strict=True) if cell == GRANTED
        }
    return matrix


def test_the_permission_matrix_equals_role_permissions_exactly():
    expected = {
        str(role): {str(p) for p in perms} for role, perms in ROLE_PERMISSIONS.items()
    }
    assert _permission_matrix() == expected


def test_every_role_and_permission_is_in_the_permissions_page():
    text = _read("permissions.md")
    assert set(ROLE_PERMISSIONS) == set(Role.values), "a role has no permissions"
    for value in [*Permission.values, *Role.values]:
        assert f"`{value}`" in text, value


def test_every_permission_says_what_it_opens():
    header, *rows = _table_headed(_read("permissions.md"), "permission")
    assert [_code(r[0]) for r in rows] == list(Permission.values)


def test_every_grant_reason_is_explained():
    header, *rows = _table_headed(_read("permissions.md"), "reason")
    assert [_code(r[0]) for r in rows] == list(GrantReason.values)


def test_every_audit_action_is_described_and_no_other():
    text = _read("audit.md")
    header, *rows = _table_headed(text, "action")
    assert [_code(r[0]) for r in rows] == list(AuditAction.values)
    for row in rows:
        assert row[1], f"{row[0]}: say what writes it"


def _settings_variables() -> set[str]:
    return set(ENV_READ.findall(SETTINGS.read_text(encoding="utf-8")))


def test_the_settings_scan_finds_the_variables_it_should():
    found = _settings_variables()
    # Read in each of the four forms, one of them across a line break.
    for name in ("URA_ENV", "URA_SECRET_KEY", "URA_REQUIRE_2FA", "URA_ALLOWED_HOSTS"):
        assert name in found
    assert len(found) >= 15


@pytest.mark.parametrize("name", sorted(_settings_variables()))
def test_every_environment_variable_is_in_the_deployment_guide(name):
    assert re.search(rf"\b{name}\b", _read("deploy.md")), name


def test_the_deployment_guide_names_no_setting_that_does_not_exist():
    named = set(re.findall(r"\bURA_[A-Z0-9_]*[A-Z0-9]\b", _read("deploy.md")))
    assert named - _settings_variables() == set()
