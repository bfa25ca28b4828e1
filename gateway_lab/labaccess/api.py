"""JSON endpoints that answer like Cognito and IAM where it is cheap (GATEWAY_FACTS.md §7.1, §7.4).

Bad input is a 400 with Cognito's ``__type``/``message`` plus the form's field ``errors``, never a 500.
Sign-up and sign-in are CSRF-exempt: like Cognito's, they authenticate nothing by cookie. Creating
access keys acts for the signed-in Django user, so it keeps Django's CSRF check.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from gateway_lab.api.parsers import JsonBodyError, body_too_big_message, load_json
from gateway_lab.engine import UserPoolError

from . import selectors, services
from .forms import CredentialForm, SignInForm, SignUpForm
from .models import LabUserPool

SIGN_IN_REQUIRED = "Sign in to create lab credentials on this server."


def _error(status: int, kind: str, message: str, errors: dict[str, Any] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"__type": kind, "message": message}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _invalid(form: forms.Form) -> JsonResponse:
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    return _error(400, "InvalidParameterException", "Invalid request parameters.", errors)


def _bound(form_class: type[forms.Form], request: HttpRequest) -> forms.Form | JsonResponse:
    """Bind the JSON body to ``form_class``; a body that is not a JSON object is a 400.

    Too large a body (``DATA_UPLOAD_MAX_MEMORY_SIZE``) or JSON nested too deeply is a 400 in
    Cognito's shape too, never Django's HTML error page or a ``RecursionError``.
    """
    try:
        data = load_json(request.body or b"{}")
    except RequestDataTooBig:
        return _error(
            400, "InvalidParameterException", body_too_big_message(), {"body": [body_too_big_message()]}
        )
    except JsonBodyError as exc:
        return _error(400, "InvalidParameterException", exc.message, {exc.field: [exc.message]})
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return _error(400, "InvalidParameterException", "The body must be a JSON object.", {})
    return form_class(data=data)


def _pool_or_404(pool_id: str) -> LabUserPool | JsonResponse:
    pool = selectors.pool_get(pool_id=pool_id)
    return pool or _error(404, "ResourceNotFoundException", f"User pool {pool_id} does not exist.")


def _pool_form(
    request: HttpRequest, pool_id: str, form_class: type[forms.Form]
) -> tuple[LabUserPool, forms.Form] | JsonResponse:
    """Find the pool and validate the body, or return the 404/400 to answer with."""
    pool = _pool_or_404(pool_id)
    if isinstance(pool, JsonResponse):
        return pool
    form = _bound(form_class, request)
    if isinstance(form, JsonResponse):
        return form
    return (pool, form) if form.is_valid() else _invalid(form)


def pool_json(pool: LabUserPool, request: HttpRequest) -> dict[str, str]:
    jwks = request.build_absolute_uri(reverse("labaccess:jwks", args=[pool.pool_id]))
    return {
        "Id": pool.pool_id,
        "Name": pool.name,
        "ClientId": pool.client_id,
        "Issuer": pool.issuer,
        "JwksUri": jwks,
    }


@require_GET
def pools(request: HttpRequest) -> JsonResponse:
    """``GET /lab/pools``: the lab's user pools (the shared one is created on first use)."""
    services.pool_get_or_create_default()
    return JsonResponse({"UserPools": [pool_json(p, request) for p in LabUserPool.objects.all()]})


@csrf_exempt
@require_POST
def sign_up(request: HttpRequest, pool_id: str) -> JsonResponse:
    """``POST /lab/pools/<pool-id>/sign-up`` ``{"username", "password", "email"?}`` → Cognito's SignUp answer."""
    bound = _pool_form(request, pool_id, SignUpForm)
    if isinstance(bound, JsonResponse):
        return bound
    pool, form = bound
    data = form.cleaned_data
    try:
        user = services.user_sign_up(
            pool=pool, username=data["username"], password=data["password"], attributes=form.attributes()
        )
    except UserPoolError as exc:
        return _error(400, exc.code, exc.message)
    return JsonResponse({"UserConfirmed": True, "UserSub": str(user.sub)})


@csrf_exempt
@require_POST
def sign_in(request: HttpRequest, pool_id: str) -> JsonResponse:
    """``POST /lab/pools/<pool-id>/sign-in`` ``{"username", "password", "client_id"?, "scope"?}`` → tokens."""
    bound = _pool_form(request, pool_id, SignInForm)
    if isinstance(bound, JsonResponse):
        return bound
    pool, form = bound
    data = form.cleaned_data
    try:
        tokens = services.user_sign_in(
            pool=pool,
            username=data["username"],
            password=data["password"],
            client_id=data["client_id"] or None,
            scopes=form.scopes(),
        )
    except UserPoolError as exc:
        return _error(400, exc.code, exc.message)
    return JsonResponse(
        {
            "IdToken": tokens.id_token,
            "AccessToken": tokens.access_token,
            "ExpiresIn": tokens.expires_in,
            "TokenType": tokens.token_type,
        }
    )


@require_GET
def jwks(request: HttpRequest, pool_id: str) -> JsonResponse:
    """``GET /lab/pools/<pool-id>/.well-known/jwks.json``: the pool's public signing keys."""
    pool = _pool_or_404(pool_id)
    if isinstance(pool, JsonResponse):
        return pool
    return JsonResponse(selectors.engine_pool(pool).jwks())


def may_create_credentials(request: HttpRequest) -> bool:
    """A public server hands out keys to signed-in users only; a learner's own ``make run`` to anyone."""
    return settings.DEBUG or request.user.is_authenticated


@require_POST
def credentials(request: HttpRequest) -> JsonResponse:
    """``POST /lab/credentials`` ``{"policy"?: {...}}`` → a new access key for a lab IAM user (201)."""
    if not may_create_credentials(request):
        return _error(403, "AccessDeniedException", SIGN_IN_REQUIRED)
    form = _bound(CredentialForm, request)
    if isinstance(form, JsonResponse):
        return form
    if not form.is_valid():
        return _invalid(form)
    owner = request.user if request.user.is_authenticated else None
    credential = services.credential_create(owner=owner, policy=form.cleaned_data["policy"])
    return JsonResponse(
        {
            "AccessKeyId": credential.access_key_id,
            "SecretAccessKey": credential.secret_access_key,
            "UserName": credential.iam_user_name,
            "Arn": credential.user_arn,
            "Policy": credential.policy,
        },
        status=201,
    )
