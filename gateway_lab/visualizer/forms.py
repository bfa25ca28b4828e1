"""The visualizer's one GET form: scenario builder, request composer, time and view state (all in the URL)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .scenarios import FUNCTIONS, LAB_KEY, MAX_BURST, MAX_OVER_S

METHODS = [(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")]
REGIONS = [
    (r, r)
    for r in (
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-northeast-1",
        "sa-east-1",
        "af-south-1",
    )
]
KEEP = ("", _("as the scenario says"))
LIVE_API = r"^[a-z0-9][a-z0-9-]{0,63}/[A-Za-z0-9_$.-]{1,128}$"  # <api-id>/<stage>, as /gw/ names them
FIELDSETS = (
    (
        _("Scenario"),
        (
            "api_type",
            "endpoint",
            "integration",
            "rate",
            "burst",
            "cache",
            "ttl",
            "region",
            "source_ip",
            "vpce",
        ),
    ),
    (_("Credentials"), ("auth", "api_key", "token", "sigv4")),
    (_("Request"), ("method", "path", "query", "headers", "body")),
    (_("Time and compare"), ("count", "over", "at", "compare", "volume", "size_kb", "predict")),
)


def _auth_help() -> str:
    # Translated per request (lazy), with the lab key filled in after translation.
    return gettext(
        "Then send: the API key %(key)s; a SigV4 signature; or a token: allow, deny or "
        "unauthorized for the Lambda authorizer, a lab user pool ID token for Cognito or JWT."
    ) % {"key": LAB_KEY["value"]}


class VisualizerForm(forms.Form):
    preset = forms.ChoiceField(label=_("Preset"), required=False)
    live = forms.RegexField(
        label=_("Live API (api-id/stage)"), required=False, regex=LIVE_API, max_length=200
    )
    # Scenario builder -------------------------------------------------------------------------
    api_type = forms.ChoiceField(
        label=_("API type"), required=False, choices=[KEEP, ("REST", _("REST API")), ("HTTP", _("HTTP API"))]
    )
    endpoint = forms.ChoiceField(
        label=_("Endpoint type"),
        required=False,
        choices=[KEEP, ("EDGE", _("Edge-optimized")), ("REGIONAL", _("Regional")), ("PRIVATE", _("Private"))],
    )
    integration = forms.ChoiceField(
        label=_("Backend"),
        required=False,
        choices=[KEEP, *((f, f) for f in FUNCTIONS), ("mock", _("mock integration"))],
    )
    rate = forms.FloatField(label=_("Rate (requests/s)"), required=False, min_value=0, max_value=10_000)
    burst = forms.IntegerField(label=_("Burst"), required=False, min_value=0, max_value=5_000)
    cache = forms.TypedChoiceField(
        label=_("Cache"),
        required=False,
        coerce=lambda v: v == "on",
        choices=[KEEP, ("on", _("on")), ("off", _("off"))],
        empty_value=None,
    )
    ttl = forms.IntegerField(label=_("Cache TTL (s)"), required=False, min_value=0, max_value=3_600)
    region = forms.ChoiceField(label=_("Client Region"), required=False, choices=[KEEP, *REGIONS])
    source_ip = forms.GenericIPAddressField(label=_("Source IP"), required=False)
    vpce = forms.RegexField(label=_("VPC endpoint"), required=False, regex=r"^vpce-[0-9a-z]{1,40}$")
    # Authorization: what the API demands (config), then what the client adds to every request --------
    auth = forms.ChoiceField(
        label=_("Authorization"),
        required=False,
        choices=[
            KEEP,
            ("none", _("none")),
            ("api_key", _("API key required (usage plan with one lab key)")),
            ("iam", _("IAM (AWS_IAM, the lab IAM user)")),
            ("cognito", _("Cognito user pool authorizer (REST)")),
            ("jwt", _("JWT authorizer (HTTP API)")),
            ("lambda", _("Lambda authorizer (static-token)")),
        ],
        help_text=lazy(_auth_help, str)(),
    )
    api_key = forms.CharField(label=_("API key (x-api-key header)"), required=False, max_length=128)
    token = forms.CharField(label=_("Token (Authorization header)"), required=False, max_length=4096)
    sigv4 = forms.ChoiceField(
        label=_("Sign with the lab IAM credentials (SigV4)"),
        required=False,
        choices=[
            KEEP,
            ("sign", _("sign")),
            ("tamper", _("sign, then change the body")),
            ("wrong-secret", _("sign with a wrong secret key")),
            ("skew", _("sign with a clock 10 minutes slow")),
        ],
    )
    # Request composer -------------------------------------------------------------------------
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[KEEP, *METHODS])
    path = forms.RegexField(label=_("Path"), required=False, regex=r"^/[^?#\s]*$", max_length=512)
    query = forms.CharField(label=_("Query string"), required=False, max_length=1024)
    headers = forms.CharField(
        label=_("Headers (one per line: Name: value)"),
        required=False,
        max_length=4096,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        max_length=16_384,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Time, view and compare --------------------------------------------------------------------
    count = forms.IntegerField(label=_("Requests"), required=False, min_value=1, max_value=MAX_BURST)
    over = forms.FloatField(label=_("Over (seconds)"), required=False, min_value=0, max_value=MAX_OVER_S)
    at = forms.FloatField(label=_("Clock (seconds)"), required=False, min_value=0, max_value=MAX_OVER_S)
    req = forms.IntegerField(required=False, min_value=0, max_value=MAX_BURST * 2)
    step = forms.IntegerField(required=False, min_value=0, max_value=50)
    predict = forms.BooleanField(label=_("Predict, then reveal"), required=False)
    build = forms.BooleanField(required=False)  # the builder is open (kept in links)
    guess = forms.ChoiceField(
        required=False,
        # outcomes, and the Response stage's status classes (outcomes.STAGE_OUTCOMES)
        choices=[
            (o, o) for o in ("pass", "reject", "hit", "miss", "skip", "error", "2xx", "3xx", "4xx", "5xx")
        ],
    )
    compare = forms.ChoiceField(
        label=_("Compare with"),
        required=False,
        choices=[
            ("", _("nothing")),
            ("api_type", _("the other API type")),
            ("cache", _("cache switched")),
            ("endpoint", _("the other endpoint type")),
            ("preset", _("the preset's comparison")),
        ],
    )
    volume = forms.IntegerField(
        label=_("Requests per month (millions)"), required=False, min_value=0, max_value=100_000
    )
    size_kb = forms.FloatField(label=_("Request size (KB)"), required=False, min_value=0, max_value=10_240)

    def __init__(self, *args: Any, preset_choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [("", _("— build your own —")), *preset_choices]

    def clean_headers(self) -> list[tuple[str, str]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data["headers"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            if not sep or not name.strip() or " " in name.strip():
                raise forms.ValidationError(_("Line %(n)s is not “Name: value”.") % {"n": number})
            pairs.append((name.strip(), value.strip()))
        return pairs

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("preset") and data.get("live"):
            self.add_error("live", _("Choose a preset or a live API, not both."))
        return data

    def clean_token(self) -> str:
        # A header value cannot span lines; a pasted token often carries a stray line break.
        return " ".join(self.cleaned_data["token"].split())

    def field_names(self) -> tuple[str, ...]:
        """Return the builder's fields (the ones its form submits itself)."""
        return tuple(name for _legend, names in FIELDSETS for name in names)

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Return (legend, bound fields) groups in display order."""
        return [(str(legend), [self[name] for name in names]) for legend, names in FIELDSETS]
