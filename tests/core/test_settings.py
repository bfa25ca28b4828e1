"""Configuration from the environment (DESIGN.md, "Settings")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_django(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "HTTPS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings_value(expr: str, env: dict[str, str]) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "HTTPS"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "gateway_lab.settings", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = _run_django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-value",
            "ALLOWED_HOSTS": "lab.example.org",
            "HTTPS": "true",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_django("check", env={"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_switches_to_postgresql():
    engine = _settings_value(
        "settings.DATABASES['default']['ENGINE']",
        {"DATABASE_URL": "postgres://lab:pw@db.internal:5432/gatewaylab"},
    )
    assert engine == "django.db.backends.postgresql"


def test_redis_url_switches_channel_layer_and_cache():
    value = _settings_value(
        "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.CACHES['default']['BACKEND']",
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
    )
    assert "channels_redis.core.RedisChannelLayer" in value
    assert "django.core.cache.backends.redis.RedisCache" in value


def test_defaults_need_no_service():
    value = _settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.CHANNEL_LAYERS['default']['BACKEND'], "
        "settings.CACHES['default']['BACKEND']",
        {},
    )
    assert "sqlite3" in value and "InMemoryChannelLayer" in value and "LocMemCache" in value
