"""A minimal Django project: the ceiling for a trivial view inside Gateway Lab (bench/ceilings.py).

One view, no apps, no middleware, no database, no templates. Served by the same uvicorn and hit by
the same client as the project's trivial view (``bench/project_trivial``), so the ratio of the two
is what the project's settings, middleware and URLconf cost per request. What it leaves out: all of
that — sessions, CSRF, locale, auth, messages, security headers, the CSP, static files.
"""

from __future__ import annotations

SECRET_KEY = "bench-minimal-django-not-secret"  # noqa: S105 - a loopback benchmark
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "minimal_django.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_I18N = False
USE_TZ = True
