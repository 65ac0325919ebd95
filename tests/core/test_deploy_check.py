"""Production settings pass Django's and Ura's deployment checks.

Each test starts a fresh interpreter, because settings are read once at start-up: the
suite itself runs with URA_ENV=test.
"""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """This process's environment with production settings. Ura's own variables and
    DATABASE_URL are dropped first, so that a developer's shell cannot change the
    outcome; ``overrides`` set (or, with None, remove) single variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process.
        if not k.startswith(("URA_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "URA_ENV": "production",
            "URA_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
            "URA_DATA_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "URA_ALLOWED_HOSTS": "ura.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'ura.sqlite3'}",
            "URA_VAR_DIR": str(tmp_path / "var"),
        }
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


DEPLOY_CHECK = ["-m", "ura.cli", "check", "--deploy", "--fail-level", "WARNING"]


def test_production_settings_pass_check_deploy(tmp_path):
    env = _production_env(tmp_path)
    assert len(env["URA_SECRET_KEY"]) == 64
    result = _run(DEPLOY_CHECK, env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_check_deploy_runs_uras_own_checks(tmp_path):
    # The same command must fail when a Ura check fails, or "no issues" proves nothing.
    result = _run(DEPLOY_CHECK, _production_env(tmp_path, URA_REQUIRE_2FA="0"))
    assert result.returncode != 0
    assert "ura.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path, URA_SECRET_KEY=None)
    result = _run(["-m", "ura.cli", "check"], env)
    assert result.returncode != 0
    assert "URA_SECRET_KEY" in result.stderr


PRINT_SETTINGS = """
import base64
import json
import django
from django.conf import settings

django.setup()
print(json.dumps({
    "hashers": settings.PASSWORD_HASHERS,
    "debug": settings.DEBUG,
    "session_cookie_name": settings.SESSION_COOKIE_NAME,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "require_2fa": settings.URA_REQUIRE_2FA,
}))
"""


def test_production_hashes_with_argon2_and_uses_host_prefixed_secure_cookies(
    tmp_path,
):
    result = _run(["-c", PRINT_SETTINGS], _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["debug"] is False
    assert values["session_cookie_name"].startswith("__Host-")
    assert values["session_cookie_secure"] is True
    assert values["session_cookie_httponly"] is True
    assert values["csrf_cookie_name"].startswith("__Host-")
    assert values["csrf_cookie_secure"] is True
    assert values["require_2fa"] is True


def test_production_refuses_to_start_without_data_keys(tmp_path):
    env = _production_env(tmp_path, URA_DATA_KEYS=None)
    result = _run(["-m", "ura.cli", "check"], env)
    assert result.returncode != 0
    assert "URA_DATA_KEYS" in result.stderr


def test_a_malformed_data_key_fails_the_checks(tmp_path):
    env = _production_env(tmp_path, URA_DATA_KEYS="k1:c2hvcnQ=")
    result = _run(["-m", "ura.cli", "check"], env)
    assert result.returncode != 0
    assert "not 32 bytes" in result.stdout + result.stderr
