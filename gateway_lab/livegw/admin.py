"""Django admin for stored API definitions: the JSON is checked by the engine before it is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from gateway_lab.engine.model import ConfigError, Deployment
from gateway_lab.engine.model_load import load_stage

from .models import ApiDefinitionRecord


class ApiDefinitionForm(forms.ModelForm):
    class Meta:
        model = ApiDefinitionRecord
        fields = ("api_id", "definition", "stages", "deployments")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("stages", "deployments"):  # an empty list is a valid value
            self.fields[name].required = False

    def clean_stages(self) -> Any:
        return self.cleaned_data.get("stages") or []

    def clean_deployments(self) -> Any:
        return self.cleaned_data.get("deployments") or []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        definition, stages = data.get("definition"), data.get("stages")
        if not isinstance(definition, dict):
            return data
        try:
            deployment = Deployment.create(definition)
            for stage in stages if isinstance(stages, list) else ():
                load_stage(stage, deployment.api)
        except ConfigError as exc:
            raise forms.ValidationError([f"{where}: {why}" for where, why in exc.errors]) from exc
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(ApiDefinitionRecord)
class ApiDefinitionAdmin(admin.ModelAdmin):
    form = ApiDefinitionForm
    list_display = ("api_id", "updated_at")
    search_fields = ("api_id",)
