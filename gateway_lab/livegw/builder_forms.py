"""The API builder's forms: they parse what a page posts; the rules live in ``builder`` and the engine."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .builder import QUOTA_PERIODS, PlanSettings, StageSettings

KIND_CHOICES = [("REST", _("REST API")), ("HTTP", _("HTTP API"))]
CACHE_SIZES = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"]  # §4, GB
_PAIR = re.compile(r"^\s*([^=\s]+)\s*=\s*(.*?)\s*$")


def parse_pairs(text: str) -> dict[str, str]:
    """Parse ``name=value`` lines (blank lines skipped); raise ValidationError naming a bad line."""
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _PAIR.match(line)
        if match is None:
            raise forms.ValidationError(_("Line %(n)d: write name=value."), params={"n": number})
        pairs[match.group(1)] = match.group(2)
    return pairs


def format_pairs(pairs: dict[str, Any]) -> str:
    return "\n".join(f"{name}={value}" for name, value in pairs.items())


class ApiCreateForm(forms.Form):
    api_id = forms.SlugField(label=_("API id"), max_length=64, help_text=_("Used in /gw/<api-id>/…"))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=KIND_CHOICES)


class ApiDeleteForm(forms.Form):
    confirm = forms.CharField(label=_("Type the API id to confirm"), max_length=64)


class DraftForm(forms.Form):
    definition = forms.CharField(
        label=_("Definition (JSON or YAML)"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StageSettingsForm(forms.Form):
    """Stage settings that take effect without a redeploy (§8): throttling, cache, variables, canary."""

    stage = forms.RegexField(label=_("Stage"), regex=r"^(\$default|[A-Za-z0-9_-]{1,128})$", max_length=128)
    etag = forms.CharField(required=False, widget=forms.HiddenInput)
    throttling_rate = forms.FloatField(label=_("Rate (requests/s)"), required=False, min_value=0)
    throttling_burst = forms.IntegerField(label=_("Burst"), required=False, min_value=0)
    cache_enabled = forms.BooleanField(label=_("Stage cache"), required=False)
    cache_size = forms.ChoiceField(
        label=_("Cache size (GB)"), choices=[(s, s) for s in CACHE_SIZES], initial="0.5"
    )
    cache_ttl = forms.IntegerField(label=_("Cache TTL (s)"), required=False, min_value=0, max_value=3600)
    variables = forms.CharField(
        label=_("Stage variables (name=value per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    canary_percent = forms.FloatField(
        label=_("Canary traffic (%)"), required=False, min_value=0, max_value=100
    )
    canary_overrides = forms.CharField(
        label=_("Canary variable overrides (name=value per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    canary_use_stage_cache = forms.BooleanField(label=_("Canary uses the stage cache"), required=False)

    def clean_variables(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data.get("variables") or "")

    def clean_canary_overrides(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data.get("canary_overrides") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("throttling_rate") is None) != (data.get("throttling_burst") is None):
            self.add_error("throttling_burst", _("Set both rate and burst, or neither (§3.2)."))
        return data

    def settings(self) -> StageSettings:
        data = self.cleaned_data
        return StageSettings(
            throttling_rate=data.get("throttling_rate"),
            throttling_burst=data.get("throttling_burst"),
            cache_enabled=bool(data.get("cache_enabled")),
            cache_size=data.get("cache_size") or "0.5",
            cache_ttl=data.get("cache_ttl"),
            variables=data.get("variables") or {},
            canary_percent=data.get("canary_percent"),
            canary_overrides=data.get("canary_overrides") or {},
            canary_use_stage_cache=bool(data.get("canary_use_stage_cache")),
        )

    @classmethod
    def initial_for(cls, stage: dict[str, Any], etag: str, settings: StageSettings) -> StageSettingsForm:
        return cls(
            initial={
                "stage": stage.get("stageName"),
                "etag": etag,
                "throttling_rate": settings.throttling_rate,
                "throttling_burst": settings.throttling_burst,
                "cache_enabled": settings.cache_enabled,
                "cache_size": settings.cache_size,
                "cache_ttl": settings.cache_ttl,
                "variables": format_pairs(settings.variables),
                "canary_percent": settings.canary_percent,
                "canary_overrides": format_pairs(settings.canary_overrides),
                "canary_use_stage_cache": settings.canary_use_stage_cache,
            },  # fmt: skip
            auto_id="id_" + re.sub(r"[^A-Za-z0-9_-]", "", str(stage.get("stageName"))) + "_%s",
        )


class DeployForm(forms.Form):
    stage = forms.RegexField(label=_("Stage"), regex=r"^(\$default|[A-Za-z0-9_-]{1,128})$", max_length=128)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    canary = forms.BooleanField(label=_("Deploy to the stage's canary"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StageActionForm(forms.Form):
    stage = forms.CharField(max_length=128)
    etag = forms.CharField(max_length=64)
    deployment = forms.CharField(max_length=16, required=False)


class ApiKeyForm(forms.Form):
    """A new API key: the builder generates its value (§3.3)."""

    name = forms.CharField(label=_("Key name"), max_length=1024)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AccessActionForm(forms.Form):
    """Enable/disable or delete a key, delete a plan."""

    action = forms.ChoiceField(
        choices=[("toggle-key", "toggle-key"), ("delete-key", "delete-key"), ("delete-plan", "delete-plan")]
    )
    target = forms.CharField(max_length=16)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UsagePlanForm(forms.Form):
    """A usage plan over some of the API's stages and keys: plan-wide throttle and quota (§3.3)."""

    name = forms.CharField(label=_("Plan name"), max_length=1024)
    rate = forms.FloatField(label=_("Rate (requests/s)"), required=False, min_value=0)
    burst = forms.IntegerField(label=_("Burst"), required=False, min_value=0)
    quota_limit = forms.IntegerField(label=_("Quota (requests)"), required=False, min_value=0)
    quota_period = forms.ChoiceField(
        label=_("Quota period"),
        choices=[("DAY", _("per day")), ("WEEK", _("per week")), ("MONTH", _("per month"))],
        initial="DAY",
    )
    stages = forms.MultipleChoiceField(label=_("Stages"), widget=forms.CheckboxSelectMultiple)
    keys = forms.MultipleChoiceField(label=_("API keys"), widget=forms.CheckboxSelectMultiple, required=False)
    require_key = forms.BooleanField(label=_("Require an API key on every method"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, stages: list[str], keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stages"].choices = [(s, s) for s in stages]
        self.fields["keys"].choices = keys

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("rate") is None) != (data.get("burst") is None):
            self.add_error("burst", _("Set both rate and burst, or neither (§3.2)."))
        return data

    def settings(self) -> PlanSettings:
        data = self.cleaned_data
        assert data["quota_period"] in QUOTA_PERIODS
        return PlanSettings(
            name=data["name"],
            rate=data.get("rate"),
            burst=data.get("burst"),
            quota_limit=data.get("quota_limit"),
            quota_period=data["quota_period"],
            stages=tuple(data.get("stages") or ()),
            keys=tuple(data.get("keys") or ()),
            require_key=bool(data.get("require_key")),
        )
