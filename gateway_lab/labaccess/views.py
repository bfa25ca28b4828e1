"""The ``/lab/`` page: sign a lab user up and in, read the tokens decoded, create IAM access keys.

Each form posts to its own view, which renders the whole page, or, for htmx, only the form's
result partial (``labaccess/home.html#<name>``). Invalid input answers 400 with the form's errors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from gateway_lab.engine import UserPoolError

from . import selectors, services
from .api import may_create_credentials
from .forms import CredentialForm, SignInForm, SignUpForm, TokenForm
from .tokens import token_view

TEMPLATE = "labaccess/home.html"
EXAMPLE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    pool = services.pool_get_or_create_default()
    return {
        "pool": pool,
        "sign_up_form": SignUpForm(auto_id="up_%s"),
        "sign_in_form": SignInForm(auto_id="in_%s"),
        "token_form": TokenForm(auto_id="token_%s"),
        "credential_form": CredentialForm(auto_id="key_%s"),
        "can_create_credentials": may_create_credentials(request),
        "example_url": EXAMPLE_URL,
        **extra,
    }


def _render(request: HttpRequest, partial: str, status: int = 200, **extra: Any) -> HttpResponse:
    template = f"{TEMPLATE}#{partial}" if request.htmx else TEMPLATE
    return render(request, template, _context(request, **extra), status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The lab access page. Template: ``labaccess/home.html``."""
    return render(request, TEMPLATE, _context(request))


@require_POST
def sign_up(request: HttpRequest) -> HttpResponse:
    """Register a user in the shared lab pool; Cognito's refusal shows as a form error."""
    form = SignUpForm(request.POST, auto_id="up_%s")  # four forms on one page: unique ids
    if form.is_valid():
        try:
            user = services.user_sign_up(
                pool=services.pool_get_or_create_default(),
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                attributes=form.attributes(),
            )
            return _render(request, "sign-up", signed_up=user)
        except UserPoolError as exc:
            form.add_error(None, f"{exc.code}: {exc.message}")
    return _render(request, "sign-up", status=400, sign_up_form=form)


@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in and show both tokens decoded, each checked against the pool's JWKS."""
    form = SignInForm(request.POST, auto_id="in_%s")
    pool = services.pool_get_or_create_default()
    if form.is_valid():
        try:
            tokens = services.user_sign_in(
                pool=pool,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                client_id=form.cleaned_data["client_id"] or None,
                scopes=form.scopes(),
            )
            jwks = selectors.engine_pool(pool).jwks()
            views = [
                ("id", token_view(tokens.id_token, jwks=jwks)),
                ("access", token_view(tokens.access_token, jwks=jwks)),
            ]
            return _render(request, "sign-in", tokens=tokens, token_views=views, sign_in_form=form)
        except UserPoolError as exc:
            form.add_error(None, f"{exc.code}: {exc.message}")
    return _render(request, "sign-in", status=400, sign_in_form=form)


@require_POST
def decode(request: HttpRequest) -> HttpResponse:
    """Decode any pasted token and check its signature against the lab pool's JWKS."""
    form = TokenForm(request.POST, auto_id="token_%s")
    if not form.is_valid():
        return _render(request, "decode", status=400, token_form=form)
    jwks = selectors.engine_pool(services.pool_get_or_create_default()).jwks()
    return _render(
        request, "decode", decoded=token_view(form.cleaned_data["token"], jwks=jwks), token_form=form
    )


@require_POST
def create_credential(request: HttpRequest) -> HttpResponse:
    """Create an access key with the posted identity policy (signed-in users only unless DEBUG)."""
    if not may_create_credentials(request):
        return _render(request, "credentials", status=403)
    form = CredentialForm(request.POST, auto_id="key_%s")
    if not form.is_valid():
        return _render(request, "credentials", status=400, credential_form=form)
    owner = request.user if request.user.is_authenticated else None
    credential = services.credential_create(owner=owner, policy=form.cleaned_data["policy"])
    return _render(request, "credentials", credential=credential, credential_form=form)
