"""Django admin for stored API definitions: the JSON is checked by the engine before it is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from gateway_lab.engine import ConfigError, deploy, load_stage

from .models import ApiDefinitionRecord, ApiDeployment


class ApiDeploymentInline(admin.TabularInline):
    """Deployments are read-only here: they are immutable snapshots (§8), made by Deploy in the builder."""

    model = ApiDeployment
    fields = ("deployment_id", "description", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ApiDefinitionForm(forms.ModelForm):
    class Meta:
        model = ApiDefinitionRecord
        fields = ("api_id", "definition", "stages")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stages"].required = False  # an empty list is a valid value

    def clean_stages(self) -> Any:
        return self.cleaned_data.get("stages") or []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        definition, stages = data.get("definition"), data.get("stages")
        if not isinstance(definition, dict):
            return data
        try:
            deployment = deploy(definition)
            for stage in stages if isinstance(stages, list) else ():
                load_stage(stage, deployment.api)
        except ConfigError as exc:
            raise forms.ValidationError([f"{where}: {why}" for where, why in exc.errors]) from exc
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        self._check_deployment_ids(stages if isinstance(stages, list) else [])
        return data

    def _check_deployment_ids(self, stages: list[Any]) -> None:
        """A stage (or its canary) may point only at a deployment of this API (deployments are made by Deploy)."""
        known = set()
        if self.instance.pk is not None:
            known = set(self.instance.deployment_rows.values_list("deployment_id", flat=True))
        for stage in stages:
            for where, wanted in (
                ("deploymentId", stage.get("deploymentId")),
                ("canarySettings.deploymentId", (stage.get("canarySettings") or {}).get("deploymentId")),
            ):
                if wanted and wanted not in known:
                    raise forms.ValidationError(
                        f"stage {stage.get('stageName')!r} {where}: no deployment {wanted!r} in this API"
                    )


@admin.register(ApiDefinitionRecord)
class ApiDefinitionAdmin(admin.ModelAdmin):
    form = ApiDefinitionForm
    inlines = [ApiDeploymentInline]
    list_display = ("api_id", "updated_at")
    search_fields = ("api_id",)
