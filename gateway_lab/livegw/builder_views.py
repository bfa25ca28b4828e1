"""The API builder's pages (``/gw-apis/…``): list, create, edit, delete, stages, keys and plans, deploy, diff, …

Staff, or users allowed to change stored APIs (``livegw.change_apidefinitionrecord``), only: a stored
API runs on this server. Views are thin: forms parse, ``builder`` decides, templates are partials
that htmx swaps (``#draft`` for the definition, ``#releases`` for stages and deployments).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import builder
from .builder_forms import (
    AccessActionForm,
    ApiCreateForm,
    ApiDeleteForm,
    ApiKeyForm,
    DeployForm,
    DraftForm,
    StageActionForm,
    StageSettingsForm,
    UsagePlanForm,
)
from .models import ApiDefinitionRecord


def can_build(user: Any) -> bool:
    """Staff, or anyone granted ``livegw.change_apidefinitionrecord`` (an editor of stored APIs)."""
    return bool(
        user.is_authenticated and (user.is_staff or user.has_perm("livegw.change_apidefinitionrecord"))
    )


def builder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if can_build(request.user):
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied

    return wrapped


def _record(api_id: str) -> ApiDefinitionRecord:
    record = builder.api_get(api_id)
    if record is None or builder.api_type(record.definition) not in ("REST", "HTTP"):
        raise Http404("No such REST or HTTP API")
    return record


def _errors(exc: builder.BuilderError) -> list[dict[str, str]]:
    return [{"field": where, "message": why} for where, why in exc.errors]


def _form_errors(form: Any) -> list[dict[str, str]]:
    return [
        {"field": name, "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]


def _releases_context(record: ApiDefinitionRecord, **extra: Any) -> dict[str, Any]:
    deployments = builder.deployment_list(record)
    stages = []
    for stage in sorted(record.stages, key=lambda s: str(s.get("stageName"))):
        etag = builder.stage_etag(stage)
        settings = builder.stage_settings_of(stage)
        canary = stage.get("canarySettings") or None
        stages.append(
            {
                "name": stage.get("stageName"),
                "etag": etag,
                "deployment_id": stage.get("deploymentId", ""),
                "canary": canary,
                "canary_deployment_id": (canary or {}).get("deploymentId", ""),
                "form": StageSettingsForm.initial_for(stage, etag, settings),
                "url": _stage_url(record.api_id, str(stage.get("stageName"))),
            }
        )
    return {
        "record": record,
        "kind": builder.api_type(record.definition),
        "stages": stages,
        "deployments": deployments,
        "deploy_form": DeployForm(
            initial={"revision": record.draft_revision, "stage": stages[0]["name"] if stages else "prod"}
        ),
        "new_stage_form": StageSettingsForm(auto_id="id_new_%s"),
        **extra,
    }


def _stage_url(api_id: str, stage: str) -> str:
    return f"/gw/{api_id}/{stage}/" if stage != "$default" else f"/gw/{api_id}/"


def _releases(
    request: HttpRequest, record: ApiDefinitionRecord, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request, "livegw/builder/edit.html#releases", _releases_context(record, **extra), status=status
    )


# --- List and create ----------------------------------------------------------------------------------


@builder_required
@require_http_methods(["GET", "POST"])
def api_list(request: HttpRequest) -> HttpResponse:
    """List stored APIs; POST creates one (a starter draft with one stage) and opens it."""
    form = ApiCreateForm(request.POST if request.method == "POST" else None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                record = builder.api_create(
                    api_id=form.cleaned_data["api_id"],
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                )
            except builder.BuilderError as exc:
                errors = _errors(exc)
            else:
                return redirect("livegw:builder-edit", api_id=record.api_id)
        else:
            errors = _form_errors(form)
    rows = [
        {
            "record": r,
            "kind": builder.api_type(r.definition),
            "stages": [s.get("stageName") for s in r.stages],
        }
        for r in builder.api_list()
    ]
    return render(
        request,
        "livegw/builder/list.html",
        {"rows": rows, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@builder_required
@require_http_methods(["GET", "POST"])
def api_delete(request: HttpRequest, api_id: str) -> HttpResponse:
    """Confirm (by typing the API id), then delete the API with its stages and deployments."""
    record = _record(api_id)
    form = ApiDeleteForm(request.POST if request.method == "POST" else None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                builder.api_delete(api_id=api_id, confirm=form.cleaned_data["confirm"])
            except builder.BuilderError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("API %(id)s deleted.") % {"id": api_id})
                return redirect("livegw:builder")
        else:
            errors = _form_errors(form)
    context = {
        "record": record,
        "kind": builder.api_type(record.definition),
        "stages": [s.get("stageName") for s in record.stages],
        "deployment_count": record.deployment_rows.count(),
        "form": form,
        "errors": errors,
    }
    return render(request, "livegw/builder/delete.html", context, status=400 if errors else 200)


# --- Edit the draft -----------------------------------------------------------------------------------


@builder_required
@require_http_methods(["GET", "POST"])
def api_edit(request: HttpRequest, api_id: str) -> HttpResponse:
    """The editor: the draft (JSON or YAML), stage settings, deployments. POST saves the draft (``#draft``)."""
    record = _record(api_id)
    if request.method == "GET":
        draft = DraftForm(
            initial={
                "definition": builder.definition_text(record.definition),
                "revision": record.draft_revision,
            }
        )
        return render(
            request,
            "livegw/builder/edit.html",
            {**_releases_context(record), **_access_context(record), "draft": draft, "draft_errors": []},
        )
    form = DraftForm(request.POST)
    errors: list[dict[str, str]] = []
    status = 200
    saved = False
    if form.is_valid():
        try:
            record = builder.api_draft_save(
                api_id=api_id,
                text=form.cleaned_data["definition"],
                base_revision=form.cleaned_data["revision"],
            )
            saved = True
        except builder.BuilderError as exc:
            errors, status = _errors(exc), exc.status
    else:
        errors, status = _form_errors(form), 400
    if saved:
        form = DraftForm(
            initial={
                "definition": builder.definition_text(record.definition),
                "revision": record.draft_revision,
            }
        )
    data = {**_releases_context(record), "draft": form, "draft_errors": errors, "saved": saved}
    response = render(request, "livegw/builder/edit.html#draft", data, status=status)
    if saved:
        response["HX-Trigger"] = "draft-saved"  # the deploy form reloads with the new revision
    return response


@builder_required
@require_GET
def releases(request: HttpRequest, api_id: str) -> HttpResponse:
    """The stages and deployments fragment (``#releases``), reloaded after the draft is saved."""
    return _releases(request, _record(api_id))


# --- Stages and deployments ---------------------------------------------------------------------------


def _run(
    request: HttpRequest, record: ApiDefinitionRecord, action: Callable[[], Any], *, message: str
) -> HttpResponse:
    try:
        action()
    except builder.BuilderError as exc:
        return _releases(request, _record(record.api_id), status=exc.status, errors=_errors(exc))
    return _releases(request, _record(record.api_id), notice=message)


@builder_required
@require_POST
def stage_save(request: HttpRequest, api_id: str) -> HttpResponse:
    """Save (or create) a stage's settings: throttling, cache, variables, canary (no redeploy, §8)."""
    record = _record(api_id)
    form = StageSettingsForm(request.POST)
    if not form.is_valid():
        return _releases(request, record, status=400, errors=_form_errors(form))
    name = form.cleaned_data["stage"]
    return _run(
        request, record,
        lambda: builder.stage_settings_save(api_id=api_id, stage_name=name, settings=form.settings(), etag=form.cleaned_data["etag"] or None),
        message=_("Stage %(stage)s saved.") % {"stage": name},
    )  # fmt: skip


@builder_required
@require_POST
def deploy(request: HttpRequest, api_id: str) -> HttpResponse:
    """Deploy the draft: a new immutable deployment, served by the stage (or its canary)."""
    record = _record(api_id)
    form = DeployForm(request.POST)
    if not form.is_valid():
        return _releases(request, record, status=400, errors=_form_errors(form))
    data = form.cleaned_data
    return _run(
        request, record,
        lambda: builder.api_deploy(
            api_id=api_id, stage_name=data["stage"], base_revision=data["revision"], description=data["description"],
            canary=data["canary"], created_by=request.user.get_username(),
        ),
        message=_("Deployed to %(stage)s.") % {"stage": data["stage"]},
    )  # fmt: skip


@builder_required
@require_POST
def rollback(request: HttpRequest, api_id: str) -> HttpResponse:
    """Point a stage back at an earlier deployment."""
    record = _record(api_id)
    form = StageActionForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["deployment"]:
        return _releases(
            request,
            record,
            status=400,
            errors=_form_errors(form) or [{"field": "deployment", "message": _("Choose a deployment.")}],
        )
    data = form.cleaned_data
    return _run(
        request, record,
        lambda: builder.stage_rollback(api_id=api_id, stage_name=data["stage"], deployment_id=data["deployment"], etag=data["etag"]),
        message=_("Stage %(stage)s now serves deployment %(id)s.") % {"stage": data["stage"], "id": data["deployment"]},
    )  # fmt: skip


def _stage_action(
    request: HttpRequest, api_id: str, action: Callable[[dict[str, Any]], Any], message: str
) -> HttpResponse:
    """Run ``action(cleaned StageActionForm data)`` on one stage; ``message`` is formatted with ``%(stage)s``."""
    record = _record(api_id)
    form = StageActionForm(request.POST)
    if not form.is_valid():
        return _releases(request, record, status=400, errors=_form_errors(form))
    data = form.cleaned_data
    return _run(request, record, lambda: action(data), message=message % {"stage": data["stage"]})


@builder_required
@require_POST
def stage_delete(request: HttpRequest, api_id: str) -> HttpResponse:
    """Delete a stage; its deployments stay, so another stage (or a new one) can serve them."""
    return _stage_action(
        request, api_id,
        lambda data: builder.stage_delete(api_id=api_id, stage_name=data["stage"], etag=data["etag"]),
        _("Stage %(stage)s deleted."),
    )  # fmt: skip


@builder_required
@require_POST
def promote(request: HttpRequest, api_id: str) -> HttpResponse:
    """Promote a stage's canary."""
    return _stage_action(
        request, api_id,
        lambda data: builder.canary_promote(api_id=api_id, stage_name=data["stage"], etag=data["etag"]),
        _("Canary of %(stage)s promoted."),
    )  # fmt: skip


# --- API keys and usage plans (REST, §3.3) --------------------------------------------------------------


def _plan_form(record: ApiDefinitionRecord, data: Any = None) -> UsagePlanForm:
    keys = builder.access_block(record)["apiKeys"]
    return UsagePlanForm(
        data,
        stages=sorted(str(s.get("stageName")) for s in record.stages),
        keys=[(str(k.get("id")), f"{k.get('name') or k.get('id')} ({k.get('id')})") for k in keys],
        initial={"revision": record.draft_revision, "quota_period": "DAY"},
        auto_id="id_plan_%s",
    )


def _quota_text(quota: dict[str, Any] | None) -> str:
    if not quota:
        return "—"
    texts = {
        "DAY": _("%(limit)s per day"),
        "WEEK": _("%(limit)s per week"),
        "MONTH": _("%(limit)s per month"),
    }
    return texts.get(str(quota.get("period")), "%(limit)s") % {"limit": quota.get("limit")}


def _access_context(record: ApiDefinitionRecord, **extra: Any) -> dict[str, Any]:
    block = builder.access_block(record)
    names = {k.get("id"): k.get("name") or k.get("id") for k in block["apiKeys"]}
    plans = [
        {**plan, "stage_names": [s.get("stage") for s in plan.get("apiStages") or []],
         "key_names": [names.get(k, k) for k in plan.get("keys") or []], "quota_text": _quota_text(plan.get("quota"))}
        for plan in block["usagePlans"]
    ]  # fmt: skip
    return {
        "record": record,
        "kind": builder.api_type(record.definition),
        "api_keys": block["apiKeys"],
        "plans": plans,
        "key_form": ApiKeyForm(initial={"revision": record.draft_revision}, auto_id="id_key_%s"),
        "plan_form": _plan_form(record),
        **extra,
    }


def _access_response(
    request: HttpRequest, record: ApiDefinitionRecord, *, status: int = 200, saved: bool = False, **extra: Any
) -> HttpResponse:
    """The ``#access`` panel; after a change also the draft (out of band) with its new text and revision."""
    html = render(request, "livegw/builder/edit.html#access", _access_context(record, **extra)).content
    if saved:
        draft = DraftForm(
            initial={
                "definition": builder.definition_text(record.definition),
                "revision": record.draft_revision,
            }
        )
        html += render(
            request,
            "livegw/builder/edit.html#draft",
            {"record": record, "draft": draft, "draft_errors": [], "oob": True},
        ).content
    response = HttpResponse(html, status=status)
    if saved:
        response["HX-Trigger"] = "draft-saved"  # the deploy form reloads with the new revision
    return response


@builder_required
@require_http_methods(["GET", "POST"])
def access(request: HttpRequest, api_id: str) -> HttpResponse:
    """API keys and usage plans of a REST API's draft: create a key, enable/disable/delete it, add or delete a plan."""
    record = _record(api_id)
    if request.method == "GET":
        return _access_response(request, record)
    op = request.POST.get("op")
    created: dict[str, Any] | None = None
    try:
        if op == "create-key":
            form: Any = ApiKeyForm(request.POST)
            if not form.is_valid():
                return _access_response(request, record, status=400, access_errors=_form_errors(form))
            record, created = builder.api_key_create(
                api_id=api_id, name=form.cleaned_data["name"], base_revision=form.cleaned_data["revision"]
            )
            message = _(
                "API key %(name)s created. It applies now: keys belong to the account, not to a deployment."
            ) % {"name": created["name"]}
        elif op == "create-plan":
            form = _plan_form(record, request.POST)
            if not form.is_valid():
                return _access_response(request, record, status=400, access_errors=_form_errors(form))
            record = builder.usage_plan_create(
                api_id=api_id, plan=form.settings(), base_revision=form.cleaned_data["revision"]
            )
            if form.cleaned_data.get("require_key"):
                message = _(
                    "Usage plan %(name)s created. It applies now; requiring a key is a method setting: Deploy to serve it."
                ) % {"name": form.cleaned_data["name"]}
            else:
                message = _("Usage plan %(name)s created. It applies now.") % {
                    "name": form.cleaned_data["name"]
                }
        else:
            form = AccessActionForm(request.POST)
            if not form.is_valid():
                return _access_response(request, record, status=400, access_errors=_form_errors(form))
            data = form.cleaned_data
            change = {
                "toggle-key": lambda: builder.api_key_toggle(api_id=api_id, key_id=data["target"], base_revision=data["revision"]),
                "delete-key": lambda: builder.api_key_delete(api_id=api_id, key_id=data["target"], base_revision=data["revision"]),
                "delete-plan": lambda: builder.usage_plan_delete(api_id=api_id, plan_id=data["target"], base_revision=data["revision"]),
            }[data["action"]]  # fmt: skip
            record = change()
            message = _("Saved. The live gateway applies it now.")
    except builder.BuilderError as exc:
        return _access_response(request, _record(api_id), status=exc.status, access_errors=_errors(exc))
    return _access_response(request, record, saved=True, access_notice=message, created=created)


@builder_required
@require_GET
def diff(request: HttpRequest, api_id: str) -> HttpResponse:
    """The diff between any two deployments (or the draft): ``?a=<id>&b=<id>``."""
    record = _record(api_id)
    deployments = builder.deployment_list(record)
    ids = [d.deployment_id for d in deployments]
    a = request.GET.get("a") or (ids[1] if len(ids) > 1 else builder.DRAFT)
    b = request.GET.get("b") or (ids[0] if ids else builder.DRAFT)
    errors: list[dict[str, str]] = []
    lines: list[builder.DiffLine] = []
    try:
        lines = builder.deployment_diff(record, a, b)
    except builder.BuilderError as exc:
        errors = _errors(exc)
    data = {
        "record": record,
        "deployments": deployments,
        "a": a,
        "b": b,
        "lines": lines,
        "errors": errors,
        "draft": builder.DRAFT,
    }
    template = "livegw/builder/diff.html"
    if getattr(request, "htmx", None) and request.htmx.target == "diff-lines":
        template += "#lines"
    return render(request, template, data, status=400 if errors else 200)
