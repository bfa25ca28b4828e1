"""Django settings for Gateway Lab.

Every environment read happens at the top of this file (README.md, "Configuration", lists them
with their defaults). The defaults give a development site that needs no service: SQLite, the
in-memory channel layer and the local-memory cache.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from gateway_lab.core.middleware_list import MiddlewareList

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment ------------------------------------------------------------------------------
DEBUG = _env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "django-insecure-gateway-lab-development-key-change-me" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see README.md, Configuration).")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL = os.environ.get("REDIS_URL", "")
HTTPS = _env_bool("HTTPS", False)  # served behind TLS: secure cookies, HSTS, redirect to https
GATEWAY_LAB_FUNCTION_PACKAGES = _env_list("GATEWAY_LAB_FUNCTION_PACKAGES", "gateway_lab.functions")
GATEWAY_LAB_HTTP_ALLOWLIST = _env_list("GATEWAY_LAB_HTTP_ALLOWLIST", "")  # none: see README
GATEWAY_LAB_SIMULATION_RATE = os.environ.get("GATEWAY_LAB_SIMULATION_RATE", "60/min")  # per client; off
GATEWAY_LAB_VISUALIZER_RATE = os.environ.get("GATEWAY_LAB_VISUALIZER_RATE", "240/min")  # per client; off
GATEWAY_LAB_ANONYMOUS_READ = _env_bool("GATEWAY_LAB_ANONYMOUS_READ", True)  # wiki: read without signing in
GATEWAY_LAB_LOGIN_RATE = os.environ.get("GATEWAY_LAB_LOGIN_RATE", "10/hour")  # per account and client; off

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "daphne",  # first, so that runserver serves ASGI (HTTP and WebSocket)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "channels",
    "gateway_lab.core",
    "gateway_lab.api.apps.ApiConfig",
    "gateway_lab.visualizer.apps.VisualizerConfig",
    "gateway_lab.lessons.apps.LessonsConfig",
    "gateway_lab.livegw.apps.LivegwConfig",
    "gateway_lab.labaccess.apps.LabaccessConfig",
    "gateway_lab.classroom.apps.ClassroomConfig",
]

# Django's own middleware through thin subclasses (core/middleware_stack.py, issue 17): the same
# hooks in the same order, but under ASGI the chain after servestatic runs in one thread (4 thread
# hops per page instead of 18). MiddlewareList lets Django's deploy checks find them (core/middleware_list.py).
MIDDLEWARE = MiddlewareList(
    [
        "gateway_lab.core.middleware_stack.SecurityMiddleware",  # hooks inline on the event loop
        "gateway_lab.core.middleware.ContentSecurityPolicyMiddleware",  # async-capable: no thread hop
        "servestatic.middleware.ServeStaticMiddleware",  # async-only: the one sync/async boundary below
        "gateway_lab.core.middleware.HeadAsGetMiddleware",  # HEAD wherever GET is (RFC 9110); static files do their own
        "gateway_lab.core.middleware_stack.SessionMiddleware",  # from here on: sync-only, one thread
        "gateway_lab.core.middleware_stack.LocaleMiddleware",
        "gateway_lab.core.middleware_stack.CommonMiddleware",
        "gateway_lab.core.middleware_stack.CsrfViewMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "gateway_lab.core.middleware_stack.AuthenticationMiddleware",
        "gateway_lab.core.middleware_stack.MessageMiddleware",
        "gateway_lab.core.middleware_stack.XFrameOptionsMiddleware",
    ]
)

ROOT_URLCONF = "gateway_lab.urls"
ASGI_APPLICATION = "gateway_lab.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gateway_lab.core.context_processors.site",
            ],
            "builtins": ["template_partials.templatetags.partials"],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not memory) for the test database: the Daphne test server runs in another process.
    # One file per test run, so that concurrent runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"gateway-lab-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # redis-py 8 times reads out after 5 s by default, exactly channels_redis's 5 s blocking receive
    # (BZPOPMIN): the consumer that is waiting would crash with "Timeout reading". Allow 15 s.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # livegw's subclass: the same layer, without an O(n) sweep on every receive (see its docstring)
    CHANNEL_LAYERS = {"default": {"BACKEND": "gateway_lab.livegw.layers.InMemoryChannelLayer"}}

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "gateway_lab" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Wiki image attachments (issue 13): served by lessons.views.attachments, never as HTML or script.
MEDIA_ROOT = Path(os.environ.get("GATEWAY_LAB_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "servestatic.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "UNAUTHENTICATED_USER": None,
    # gateway_lab.api.ratelimit.SimulationRateThrottle: simulations per client (429 + Retry-After)
    "DEFAULT_THROTTLE_RATES": {"simulations": GATEWAY_LAB_SIMULATION_RATE},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gateway Lab API",
    "DESCRIPTION": "Run API Gateway's pipeline on a virtual clock and get every decision as a trace.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # vendored: the docs page loads nothing from another origin
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Gateway Lab ------------------------------------------------------------------------------
GATEWAY_LAB = {
    "FUNCTION_PACKAGES": tuple(GATEWAY_LAB_FUNCTION_PACKAGES),
    "HTTP_ALLOWLIST": tuple(GATEWAY_LAB_HTTP_ALLOWLIST),
    "RATE_LIMITS": {"visualizer": GATEWAY_LAB_VISUALIZER_RATE},
    "ANONYMOUS_READ": GATEWAY_LAB_ANONYMOUS_READ,
    "LOGIN_RATE": GATEWAY_LAB_LOGIN_RATE,
}

# --- Security (production: DEBUG off; HTTPS on behind TLS) ------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token in <body hx-headers>; no script reads the cookie
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
