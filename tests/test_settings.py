"""imgmvp_site/settings.py: the debug key is this checkout's own, made on first use; production needs one."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def settings_env(**values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env["DJANGO_SETTINGS_MODULE"] = "imgmvp_site.settings"
    env.update(values)
    return env


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def debug_key(key_file: Path) -> str:
    result = run(PRINT_KEY, settings_env(DJANGO_DEBUG="1", DJANGO_SECRET_KEY_FILE=str(key_file)))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_makes_a_private_key_file_on_first_use_and_keeps_using_it(tmp_path):
    key_file = tmp_path / ".secret_key"
    first = debug_key(key_file)
    assert len(first) >= 50
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert debug_key(key_file) == first


def test_two_checkouts_get_different_debug_keys(tmp_path):
    assert debug_key(tmp_path / "one") != debug_key(tmp_path / "two")


def test_an_explicit_key_wins_and_no_file_is_made(tmp_path):
    key_file = tmp_path / ".secret_key"
    env = settings_env(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="from-the-environment", DJANGO_SECRET_KEY_FILE=str(key_file))
    result = run(PRINT_KEY, env)
    assert result.stdout.strip() == "from-the-environment"
    assert not key_file.exists()


def test_an_empty_key_file_is_refused_with_what_to_do(tmp_path):
    key_file = tmp_path / ".secret_key"
    key_file.write_text("")
    result = run(PRINT_KEY, settings_env(DJANGO_DEBUG="1", DJANGO_SECRET_KEY_FILE=str(key_file)))
    assert result.returncode != 0
    assert "is empty: delete it" in result.stderr


def test_production_refuses_to_serve_without_a_key_and_makes_no_file(tmp_path):
    key_file = tmp_path / ".secret_key"
    result = run("import imgmvp_site.asgi", settings_env(DJANGO_DEBUG="0", DJANGO_SECRET_KEY_FILE=str(key_file)))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert not key_file.exists()


def test_no_secret_key_is_shipped_in_the_code():
    source = (ROOT / "imgmvp_site" / "settings.py").read_text()
    assert "django-insecure" not in source
    ignored = subprocess.run(["git", "check-ignore", "-q", ".secret_key"], cwd=ROOT)
    assert ignored.returncode == 0, ".secret_key must be git-ignored"
