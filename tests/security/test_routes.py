"""Every public surface, route by route (issue 16, docs/security.md).

- Every URL pattern the resolver knows and every WebSocket route has a row in docs/security.md and a
  declared access level here (a new route fails this file until it is reviewed).
- Every route is called as anonymous, learner and staff, and answers the status its access level
  implies: staff-only pages refuse learners, credential-only APIs ignore a staff session.
- Pages carry the Content-Security-Policy (no inline scripts allowed, none written) and the other
  security headers; HEAD works wherever GET does.
- ``next=`` on login, logout and the language switch never leads to another site.
- The notes importer: an alias bomb is refused fast, a bad ``lesson:`` link is a 400 with a field
  error while the other files of the upload are imported.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gateway_lab.core.middleware import DEFAULT_POLICY
from gateway_lab.labaccess.services import pool_get_or_create_default
from gateway_lab.lessons.models import Lesson
from gateway_lab.routing import websocket_urlpatterns
from tests.lessons.conftest import content_root, loaded  # noqa: F401 - fixtures used by name
from tests.lessons.test_importer_bounds import alias_bomb, note

ROOT = Path(__file__).resolve().parents[2]
SECURITY_MD = ROOT / "docs" / "security.md"
PASSWORD = "a-long-test-password-1"

# Declared access level of every route (docs/security.md, "HTTP routes" and "WebSocket routes").
ACCESS: dict[str, str] = {
    "/": "anonymous",
    "/healthz": "anonymous",
    "/accounts/login/": "anonymous",
    "/accounts/logout/": "anonymous",
    "/i18n/setlang/": "anonymous",
    "/admin/…": "staff",
    "/api/v1/simulations": "anonymous",
    "/api/v1/presets": "anonymous",
    "/api/v1/presets/<slug:name>": "anonymous",
    "/api/v1/schema/": "anonymous",
    "/api/v1/docs/": "anonymous",
    "/visualizer/": "anonymous",
    "/visualizer/export.json": "anonymous",
    "/lessons/": "anonymous",
    "/lessons/search": "anonymous",
    "/lessons/drills/": "anonymous",
    "/lessons/drills/mistakes/": "anonymous",
    "/lessons/drills/practice/": "anonymous",
    "/lessons/drills/summary/": "anonymous",
    "/lessons/drills/exam/": "anonymous",
    "/lessons/drills/exam/review/": "anonymous",
    "/lessons/drills/<slug:drill_id>/": "anonymous",
    "/lessons/import/": "staff",
    "/lessons/<slug:slug>/": "anonymous",
    "/lessons/<slug:slug>/read": "anonymous",
    "/lessons/<slug:slug>/edit/": "editor",
    "/lessons/<slug:slug>/history/": "anonymous",
    "/lessons/<slug:slug>/diff/": "anonymous",
    "/lessons/<slug:slug>/revisions/<int:number>/": "anonymous",
    "/lessons/<slug:slug>/revisions/<int:number>/restore": "editor",
    "/lessons/wiki/new/": "editor",
    "/lessons/wiki/preview/": "editor",
    "/lessons/wiki/export/": "editor",
    "/lessons/wiki/import/": "editor",
    "/lessons/<slug:slug>/attachments/": "editor",
    "/lessons/wiki/attachments/<int:pk>/": "anonymous",
    "/facts/": "anonymous",
    "/ws-demo/": "anonymous",
    "/ws-demo/prices": "anonymous",
    "/ws-demo/connections/<slug:api_id>/<str:stage>": "anonymous",
    "/gw-apis/": "staff",  # or an API editor (livegw.change_apidefinitionrecord)
    "/gw-apis/<slug:api_id>/": "staff",
    "/gw-apis/<slug:api_id>/releases": "staff",
    "/gw-apis/<slug:api_id>/delete": "staff",
    "/gw-apis/<slug:api_id>/access": "staff",
    "/gw-apis/<slug:api_id>/stages": "staff",
    "/gw-apis/<slug:api_id>/stages/delete": "staff",
    "/gw-apis/<slug:api_id>/deploy": "staff",
    "/gw-apis/<slug:api_id>/rollback": "staff",
    "/gw-apis/<slug:api_id>/promote": "staff",
    "/gw-apis/<slug:api_id>/diff": "staff",
    "/gw-stores/": "staff",  # anyone while DEBUG is on
    "/gw-stores/consumer": "staff",
    "/gw-log/<slug:api_id>/": "staff",  # anyone while DEBUG is on
    "/gw-log/<slug:api_id>/trace/<path:request_id>": "staff",
    "/gw/<slug:api_id>/<str:stage>/@connections/<str:connection_id>": "credentials",
    "/lab/": "anonymous",
    "/lab/sign-up": "anonymous",
    "/lab/sign-in": "anonymous",
    "/lab/decode": "anonymous",
    "/lab/keys": "learner",
    "/lab/pools": "anonymous",
    "/lab/pools/<str:pool_id>/sign-up": "anonymous",
    "/lab/pools/<str:pool_id>/sign-in": "anonymous",
    "/lab/pools/<str:pool_id>/.well-known/jwks.json": "anonymous",
    "/lab/credentials": "learner",
    "/classroom/": "anonymous",
    "/classroom/open": "presenter",
    "/classroom/frame/visualizer/": "anonymous",
    "/classroom/frame/lessons/<slug:slug>/": "anonymous",
    "/classroom/<str:code>/": "presenter",
    "/classroom/<str:code>/qr.svg": "presenter",
    "/join/": "anonymous",
    "/join/<str:code>/": "anonymous",
    "ws://…/gw/<slug:api_id>/<str:stage>": "anonymous",
    "ws://…/classroom/ws/<str:code>": "anonymous",
    "ws://…/lessons/ws/wiki/<slug:slug>/<str:lang>": "editor",
    "ws://…/ws-demo/traces/<slug:api_id>/<str:stage>": "anonymous",
}


@dataclass(frozen=True)
class Probe:
    """One call to a route and the status each kind of caller gets (anonymous, learner, staff)."""

    route: str
    method: str
    path: str
    anonymous: int
    learner: int
    staff: int
    data: dict | str | None = None
    html: bool = False  # a page: checked for CSP, inline scripts and HEAD
    framable: bool = False  # this site's own pages may frame it (the classroom's followed content)


def _ok(route: str, path: str | None = None, *, html: bool = True) -> Probe:
    return Probe(route, "GET", path or route, 200, 200, 200, html=html)


POOL = "{pool}"  # replaced by the default lab pool's id
ROOM = "{room}"  # replaced by the join code of a room the staff user opened
PROBES: list[Probe] = [
    _ok("/"),
    _ok("/healthz", html=False),
    _ok("/accounts/login/"),
    Probe("/accounts/logout/", "POST", "/accounts/logout/", 302, 302, 302),
    Probe("/i18n/setlang/", "POST", "/i18n/setlang/", 302, 302, 302, data={"language": "en", "next": "/"}),
    Probe("/admin/…", "GET", "/admin/", 302, 302, 200, html=True),
    Probe("/admin/…", "GET", "/admin/auth/user/", 302, 302, 200),
    Probe("/api/v1/simulations", "POST", "/api/v1/simulations", 400, 400, 400, data="{}"),
    _ok("/api/v1/presets", html=False),
    _ok("/api/v1/presets/<slug:name>", "/api/v1/presets/cache-hit-miss", html=False),
    _ok("/api/v1/schema/", html=False),
    _ok("/api/v1/docs/"),
    _ok("/visualizer/"),
    _ok("/visualizer/export.json", html=False),
    _ok("/lessons/"),
    _ok("/lessons/search", "/lessons/search?q=throttling"),
    _ok("/lessons/drills/"),
    _ok("/lessons/drills/mistakes/"),
    # Practice starts at the first drill of the chosen set.
    Probe("/lessons/drills/practice/", "GET", "/lessons/drills/practice/", 302, 302, 302),
    _ok("/lessons/drills/summary/"),
    _ok("/lessons/drills/exam/"),
    Probe("/lessons/drills/exam/review/", "GET", "/lessons/drills/exam/review/", 302, 302, 302),
    _ok("/lessons/drills/<slug:drill_id>/", "/lessons/drills/alpha-fragile/"),
    Probe(
        "/lessons/drills/<slug:drill_id>/", "POST", "/lessons/drills/alpha-fragile/", 400, 400, 400, data={}
    ),
    Probe("/lessons/import/", "GET", "/lessons/import/", 302, 302, 200, html=True),
    _ok("/lessons/<slug:slug>/", "/lessons/alpha/"),
    Probe("/lessons/<slug:slug>/read", "POST", "/lessons/alpha/read", 302, 302, 302, data={}),
    # The team wiki (issue 13): editors are a role; the staff caller here is a superuser.
    Probe("/lessons/<slug:slug>/edit/", "GET", "/lessons/alpha/edit/?lang=en", 302, 403, 200, html=True),
    _ok("/lessons/<slug:slug>/history/", "/lessons/alpha/history/?lang=en"),
    _ok("/lessons/<slug:slug>/diff/", "/lessons/alpha/diff/?lang=en&a=1&b=1"),
    _ok("/lessons/<slug:slug>/revisions/<int:number>/", "/lessons/alpha/revisions/1/?lang=en"),
    Probe(
        "/lessons/<slug:slug>/revisions/<int:number>/restore",
        "POST",
        "/lessons/alpha/revisions/1/restore?lang=en",
        302,
        403,
        400,
        data={},
    ),
    Probe("/lessons/wiki/new/", "GET", "/lessons/wiki/new/", 302, 403, 200, html=True),
    Probe("/lessons/wiki/preview/", "POST", "/lessons/wiki/preview/", 302, 403, 200, data={}),
    Probe("/lessons/wiki/export/", "GET", "/lessons/wiki/export/", 302, 403, 200),
    Probe("/lessons/wiki/import/", "GET", "/lessons/wiki/import/", 302, 403, 200, html=True),
    Probe("/lessons/<slug:slug>/attachments/", "POST", "/lessons/alpha/attachments/", 302, 403, 400, data={}),
    Probe("/lessons/wiki/attachments/<int:pk>/", "GET", "/lessons/wiki/attachments/999/", 404, 404, 404),
    _ok("/facts/"),
    _ok("/ws-demo/"),
    _ok("/ws-demo/prices", html=False),
    _ok("/ws-demo/connections/<slug:api_id>/<str:stage>", "/ws-demo/connections/demo-ws/prod", html=False),
    # The API builder (issue 12): staff reach the views; an API nobody stored is a 404.
    Probe("/gw-apis/", "GET", "/gw-apis/", 302, 403, 200, html=True),
    Probe("/gw-apis/<slug:api_id>/", "GET", "/gw-apis/no-such-api/", 302, 403, 404),
    Probe("/gw-apis/<slug:api_id>/releases", "GET", "/gw-apis/no-such-api/releases", 302, 403, 404),
    Probe("/gw-apis/<slug:api_id>/delete", "GET", "/gw-apis/no-such-api/delete", 302, 403, 404),
    Probe("/gw-apis/<slug:api_id>/access", "POST", "/gw-apis/no-such-api/access", 302, 403, 404, data={}),
    Probe("/gw-apis/<slug:api_id>/stages", "POST", "/gw-apis/no-such-api/stages", 302, 403, 404, data={}),
    Probe(
        "/gw-apis/<slug:api_id>/stages/delete",
        "POST",
        "/gw-apis/no-such-api/stages/delete",
        302,
        403,
        404,
        data={},
    ),
    Probe("/gw-apis/<slug:api_id>/deploy", "POST", "/gw-apis/no-such-api/deploy", 302, 403, 404, data={}),
    Probe("/gw-apis/<slug:api_id>/rollback", "POST", "/gw-apis/no-such-api/rollback", 302, 403, 404, data={}),
    Probe("/gw-apis/<slug:api_id>/promote", "POST", "/gw-apis/no-such-api/promote", 302, 403, 404, data={}),
    Probe("/gw-apis/<slug:api_id>/diff", "GET", "/gw-apis/no-such-api/diff", 302, 403, 404),
    Probe("/gw-stores/", "GET", "/gw-stores/", 302, 403, 200, html=True),
    Probe("/gw-stores/consumer", "POST", "/gw-stores/consumer", 302, 403, 400, data={}),
    Probe("/gw-log/<slug:api_id>/", "GET", "/gw-log/demo-rest/", 302, 403, 200, html=True),
    Probe(
        "/gw-log/<slug:api_id>/trace/<path:request_id>", "GET", "/gw-log/demo-rest/trace/none", 302, 403, 404
    ),
    # A staff session is no credential for @connections: cookies are ignored there.
    Probe(
        "/gw/<slug:api_id>/<str:stage>/@connections/<str:connection_id>",
        "GET",
        "/gw/demo-ws/prod/@connections/abc123",
        403,
        403,
        403,
    ),
    _ok("/classroom/"),
    Probe("/classroom/open", "POST", "/classroom/open", 302, 403, 302, data={"title": "Room"}),
    Probe(
        "/classroom/frame/visualizer/",
        "GET",
        "/classroom/frame/visualizer/",
        200,
        200,
        200,
        html=True,
        framable=True,
    ),
    Probe(
        "/classroom/frame/lessons/<slug:slug>/",
        "GET",
        "/classroom/frame/lessons/alpha/",
        200,
        200,
        200,
        html=True,
        framable=True,
    ),
    Probe("/classroom/<str:code>/", "GET", f"/classroom/{ROOM}/", 302, 404, 200, html=True),
    Probe("/classroom/<str:code>/qr.svg", "GET", f"/classroom/{ROOM}/qr.svg", 302, 404, 200),
    _ok("/join/"),
    # Not a participant yet: sent to the join form (with the code filled in).
    Probe("/join/<str:code>/", "GET", f"/join/{ROOM}/", 302, 302, 302),
    _ok("/lab/"),
    Probe("/lab/sign-up", "POST", "/lab/sign-up", 400, 400, 400, data={}),
    Probe("/lab/sign-in", "POST", "/lab/sign-in", 400, 400, 400, data={}),
    Probe("/lab/decode", "POST", "/lab/decode", 400, 400, 400, data={}),
    Probe("/lab/keys", "POST", "/lab/keys", 403, 200, 200, data={}),
    _ok("/lab/pools", html=False),
    Probe("/lab/pools/<str:pool_id>/sign-up", "POST", f"/lab/pools/{POOL}/sign-up", 400, 400, 400, data="{}"),
    Probe("/lab/pools/<str:pool_id>/sign-in", "POST", f"/lab/pools/{POOL}/sign-in", 400, 400, 400, data="{}"),
    _ok(
        "/lab/pools/<str:pool_id>/.well-known/jwks.json",
        f"/lab/pools/{POOL}/.well-known/jwks.json",
        html=False,
    ),
    Probe("/lab/credentials", "POST", "/lab/credentials", 403, 201, 201, data="{}"),
]


def _walk(patterns: list, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def http_routes() -> set[str]:
    """Every URL pattern, as "/path/<converter:name>"; the admin's many patterns are one row."""
    return {
        "/admin/…" if route.startswith("admin/") else f"/{route}"
        for route in _walk(get_resolver().url_patterns)
    }


def websocket_routes() -> set[str]:
    return {f"ws://…/{pattern.pattern}" for pattern in websocket_urlpatterns}


def documented_routes() -> dict[str, str]:
    """The first cell of each table row in docs/security.md (a route in backticks) → the whole row."""
    rows = {}
    for line in SECURITY_MD.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


# --- Every route reviewed ------------------------------------------------------------------------


def test_every_url_pattern_and_websocket_route_has_a_row_in_security_md():
    """Issue 16: one row per URL and WebSocket route in docs/security.md (who, cost, XSS, SSRF, reveals)."""
    documented = documented_routes()
    missing = sorted((http_routes() | websocket_routes()) - set(documented))
    assert not missing, f"add rows to docs/security.md for {missing}"
    for route in http_routes() | websocket_routes():
        cells = [cell.strip() for cell in documented[route].strip("|").split("|")]
        assert len(cells) == 7 and all(cells), f"{route}: fill who, cost, reflects, reaches, reveals, tests"


def test_every_route_has_a_declared_access_level_and_a_probe():
    """The access table above covers exactly the routes that exist; each HTTP route is probed."""
    assert set(ACCESS) == http_routes() | websocket_routes()
    assert {probe.route for probe in PROBES} == http_routes()
    assert set(ACCESS.values()) <= {"anonymous", "learner", "staff", "presenter", "editor", "credentials"}


def test_test_files_named_in_security_md_exist():
    """A row's tests are real files (globs such as test_vtl*.py name a family of files)."""
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", SECURITY_MD.read_text(encoding="utf-8")))
    assert named and not [path for path in sorted(named) if not (ROOT / path).exists()]


# --- Permissions, per route -------------------------------------------------------------------------


@pytest.fixture
def pool_id(db) -> str:
    return pool_get_or_create_default().pool_id


@pytest.fixture
def ids(pool_id: str, room_code: str) -> tuple[str, str]:
    return pool_id, room_code


@pytest.fixture
def room_code(clients) -> str:
    from gateway_lab.classroom.services import room_open

    return room_open(user=get_user_model().objects.get(username="teacher"), title="Probe").code


@pytest.fixture
def clients(db, settings) -> dict[str, Client]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user_model = get_user_model()
    learner = user_model.objects.create_user("learner", password=PASSWORD)
    staff = user_model.objects.create_user("teacher", password=PASSWORD, is_staff=True, is_superuser=True)
    signed_in = {"anonymous": Client()}
    for role, user in (("learner", learner), ("staff", staff)):
        signed_in[role] = Client()
        signed_in[role].force_login(user)
    return signed_in


def _call(client: Client, probe: Probe, ids: tuple[str, str], method: str | None = None):  # noqa: ANN202
    pool_id, room_code = ids
    path = probe.path.replace(POOL, pool_id).replace(ROOM, room_code)
    method = method or probe.method
    if method == "POST" and isinstance(probe.data, str):
        return client.post(path, probe.data, content_type="application/json")
    if method == "POST":
        return client.post(path, probe.data or {})
    return getattr(client, method.lower())(path)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: f"{p.method} {p.path}")
def test_route_answers_each_caller_as_its_access_level_says(probe: Probe, clients, loaded, ids):  # noqa: F811
    """Anonymous, learner and staff get the declared status: staff-only pages 302 to sign in."""
    got = {role: _call(client, probe, ids).status_code for role, client in clients.items()}
    assert got == {"anonymous": probe.anonymous, "learner": probe.learner, "staff": probe.staff}


@pytest.mark.parametrize("path", ["/admin/", "/lessons/import/"])
def test_staff_only_pages_send_everyone_else_to_sign_in(path: str, clients):
    """Learners are not staff: they are sent to the (admin) sign-in page, never shown the page."""
    for role in ("anonymous", "learner"):
        response = clients[role].get(path)
        assert response.status_code == 302 and "login" in response["Location"], role


def test_lab_keys_need_an_account_on_a_public_server(clients):
    """``DEBUG`` off: anonymous visitors cannot mint lab IAM keys (403); a signed-in learner can."""
    assert clients["anonymous"].post("/lab/keys", {}).status_code == 403
    assert clients["learner"].post("/lab/keys", {}).status_code == 200


def test_lab_credentials_need_an_account_on_a_public_server(clients):
    """The JSON twin of /lab/keys: 403 with an AWS-shaped error for anonymous callers."""
    response = clients["anonymous"].post("/lab/credentials", "{}", content_type="application/json")
    assert response.status_code == 403 and response.json()["__type"] == "AccessDeniedException"


# --- Headers -----------------------------------------------------------------------------------------

PAGES = [probe for probe in PROBES if probe.html]


@pytest.mark.parametrize("probe", PAGES, ids=lambda p: p.path)
def test_csp_on_every_page_allows_scripts_from_this_origin_only(probe: Probe, clients, loaded, ids):  # noqa: F811
    """Issue 16: a CSP without 'unsafe-inline' scripts, and pages that need none (no inline script)."""
    client = clients["staff"]
    response = _call(client, probe, ids)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == ("'self'" if probe.framable else "'none'")
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    body = response.content.decode()
    # Data islands (json_script, type="application/json") are not scripts: browsers never run them.
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", body)
        if " src=" not in tag and "application/json" not in tag
    ]
    handlers = re.findall(r"<[a-z][^>]*\son[a-z]+\s*=", body)
    assert not inline and not handlers, (inline, handlers)


def test_csp_on_api_docs_has_no_inline_script():
    """Swagger UI gets inline styles only; its start-up script is a same-origin file (?script)."""
    client = Client()
    response = client.get("/api/v1/docs/")
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    srcs = re.findall(r'<script src="([^"]+)"', response.content.decode())
    assert srcs and all(src.startswith("/") and not src.startswith("//") for src in srcs)
    script = client.get(srcs[-1].replace("&amp;", "&"))
    assert script.status_code == 200 and "javascript" in script["Content-Type"]


def test_csp_is_the_documented_policy():
    """docs/security.md quotes the policy the middleware sends."""
    sent = "; ".join(f"{name} {value}" for name, value in DEFAULT_POLICY.items())
    assert f"`Content-Security-Policy` on every response: `{sent}`" in SECURITY_MD.read_text(encoding="utf-8")


@pytest.mark.parametrize("probe", PAGES, ids=lambda p: p.path)
def test_security_headers_on_every_page(probe: Probe, clients, loaded, ids):  # noqa: F811
    """X-Frame-Options, Referrer-Policy and nosniff on every page (staff sees every page)."""
    response = _call(clients["staff"], probe, ids)
    assert response["X-Frame-Options"] == ("SAMEORIGIN" if probe.framable else "DENY")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "probe", [p for p in PROBES if p.method == "GET" and p.anonymous == 200], ids=lambda p: p.path
)
def test_head_on_public_pages(probe: Probe, loaded, ids):  # noqa: F811
    """Issue 16: HEAD answered 405 on ``/`` and every ``require_GET`` page; now as GET, without a body."""
    client = Client()
    head = _call(client, probe, ids, method="HEAD")
    get = _call(client, probe, ids)
    assert (head.status_code, head.content) == (200, b"")
    assert head["Content-Type"] == get["Content-Type"] and "Content-Security-Policy" in head


def test_session_and_csrf_cookies_are_httponly_and_samesite(clients, loaded):  # noqa: F811
    """Signing in sets an HttpOnly, SameSite=Lax session cookie; the CSRF cookie is HttpOnly too."""
    get_user_model().objects.create_user("ana", password=PASSWORD)
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert response.status_code == 302 and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get("/accounts/login/").cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def _production_settings(expr: str, **env: str) -> object:
    code = f"import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({expr}))"
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "HTTPS"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "gateway_lab.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "lab.example.org",
            **env,
        },
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_with_https_keep_cookies_secure_and_hsts_on():
    """``HTTPS=true``: secure, HttpOnly, SameSite cookies, HSTS for a year, https redirect."""
    values = _production_settings(
        "[s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
        " s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY, list(s.MIDDLEWARE)]",
        HTTPS="true",
    )
    *flags, middleware = values
    assert flags == [True, True, True, True, "Lax", "Lax", 31_536_000, True, "DENY", True, "same-origin"]
    assert "gateway_lab.core.middleware.ContentSecurityPolicyMiddleware" in middleware


def test_production_settings_without_https_still_keep_httponly_samesite_cookies():
    """Plain-HTTP classroom server: cookies cannot be Secure, but stay HttpOnly and SameSite=Lax."""
    values = _production_settings(
        "[s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE]"
    )
    assert values == [True, True, "Lax", "Lax"]


# --- Open redirects ------------------------------------------------------------------------------------

OPEN_REDIRECTS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "////evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\t//evil.example",
    "http:evil.example",
    "https:/evil.example",
    "https:evil.example",
    "HTTPS://EVIL.EXAMPLE",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "https://evil.example%2F@testserver/",
    "https://evil.example#@testserver",
    "https://evil.example?@testserver",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example%2F..",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "https://%65vil.example/",
    "ftp://evil.example/",
    "//0x7f.0.0.1/",
    "http://[::1]/",
]


def lands_on_this_site(location: str) -> bool:
    """Whether a browser on http://testserver/ stays on it following this Location (WHATWG URL rules).

    Tabs and newlines vanish, "\\" is "/", any number of slashes starts an authority, a same-scheme
    ``http:path`` is relative, userinfo before "@" is not the host, the host is percent-decoded.
    """
    url = re.sub(r"[\t\n\r]", "", location).strip("\x00 ").replace("\\", "/")
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if scheme:
        name, rest = scheme.group(1).lower(), url[scheme.end() :]
        if name not in {"http", "https"}:
            return False
        url = rest if name == "http" and not rest.startswith("/") else "//" + rest.lstrip("/")
    if not url.startswith("//"):
        return True  # a path on this site
    authority = re.split(r"[/?#]", url.lstrip("/"), maxsplit=1)[0]
    host = unquote(authority.rsplit("@", 1)[-1]).lower()
    return host == "testserver"


# Look like elsewhere but are this site: paths, and a user name "evil.example/" at testserver.
ON_SITE_LOOKALIKES = {
    "http:evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "https://evil.example%2F@testserver/",
}


def test_redirect_checker_spots_the_payloads():
    """The checker itself: every payload but the look-alikes would leave the site."""
    assert {p for p in OPEN_REDIRECTS if lands_on_this_site(p)} == ON_SITE_LOOKALIKES
    assert lands_on_this_site("/lessons/") and lands_on_this_site("lessons/")
    assert lands_on_this_site("http://testserver/x") and not lands_on_this_site("https://testserver.evil/")


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_login_next_never_leaves_the_site(target: str, clients):
    """Issue 16 (open redirects): signing in with a hostile ``next`` lands on this site."""
    client = Client()
    response = client.post("/accounts/login/", {"username": "learner", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and lands_on_this_site(response["Location"]), response["Location"]


def test_login_next_on_this_site_is_kept(clients):
    """A safe ``next`` is followed (the protection does not just always go home)."""
    response = Client().post(
        "/accounts/login/", {"username": "learner", "password": PASSWORD, "next": "/lessons/"}
    )
    assert response["Location"] == "/lessons/"


def test_login_next_is_escaped_in_the_form():
    """``next`` is reflected in a hidden input: escaped, never markup."""
    body = Client().get("/accounts/login/", {"next": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in body and "&quot;&gt;&lt;script&gt;" in body


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_setlang_next_never_leaves_the_site(target: str, db):
    """The language switch: hostile ``next`` (POST and GET) and ``Referer`` all land on this site."""
    client = Client()
    for response in (
        client.post("/i18n/setlang/", {"language": "zh-hans", "next": target}),
        client.get("/i18n/setlang/", {"next": target}),
        client.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER=target),
    ):
        assert response.status_code == 302 and lands_on_this_site(response["Location"]), response["Location"]


def test_setlang_next_on_this_site_is_kept(db):
    response = Client().post("/i18n/setlang/", {"language": "zh-hans", "next": "/lessons/"})
    assert response["Location"] == "/lessons/" and response.cookies["django_language"].value == "zh-hans"


@pytest.mark.parametrize("target", OPEN_REDIRECTS[:12])
def test_logout_next_never_leaves_the_site(target: str, clients):
    response = clients["learner"].post("/accounts/logout/", {"next": target})
    assert response.status_code == 302 and lands_on_this_site(response["Location"]), response["Location"]


# --- The notes importer over HTTP ------------------------------------------------------------------------


def test_import_upload_with_a_bad_link_is_a_400_and_the_other_files_import(clients, loaded):  # noqa: F811
    """Issue 16: ``[x](lesson:)`` was a 500; now a 400 naming that file, and the good files are saved."""
    files = [
        SimpleUploadedFile("bad-link.md", note(body="## A\n\nSee [x](lesson:).\n", title="Bad link")),
        SimpleUploadedFile("bomb.md", alias_bomb()),
        SimpleUploadedFile("good.md", note(title="Good note")),
    ]
    started = time.perf_counter()
    response = clients["staff"].post("/lessons/import/", {"files": files})
    assert time.perf_counter() - started < 5
    body = response.content.decode()
    assert response.status_code == 400
    assert "bad-link.md, line 7:" in body and "bomb.md, line 3:" in body and 'class="errorlist' in body
    assert list(
        Lesson.objects.filter(title__in=["Bad link", "Bomb", "Good note"]).values_list("title", flat=True)
    ) == ["Good note"]


def test_import_upload_of_good_files_is_a_200(clients, loaded):  # noqa: F811
    response = clients["staff"].post("/lessons/import/", {"files": [SimpleUploadedFile("ok.md", note())]})
    assert response.status_code == 200 and Lesson.objects.filter(title="A note").exists()


@pytest.mark.parametrize("role", ["anonymous", "learner"])
def test_import_upload_by_non_staff_saves_nothing(role: str, clients, loaded):  # noqa: F811
    response = clients[role].post("/lessons/import/", {"files": [SimpleUploadedFile("ok.md", note())]})
    assert response.status_code == 302 and not Lesson.objects.filter(title="A note").exists()
