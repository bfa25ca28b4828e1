"""Input for the lab's JSON endpoints and page forms (the same forms validate both)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from gateway_lab.engine import DEFAULT_SCOPES

from .policies import DEFAULT_POLICY, MAX_POLICY_CHARS, policy_errors

# Cognito usernames: up to 128 printable characters without whitespace.
username_validator = RegexValidator(r"^\S+$", _("A username cannot contain spaces."))
scope_validator = RegexValidator(
    r"^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$", _("Scopes are separated by single spaces.")
)


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=128, validators=[username_validator])
    password = forms.CharField(label=_("Password"), min_length=8, max_length=256, widget=forms.PasswordInput)
    email = forms.EmailField(label=_("Email (optional)"), required=False)

    def attributes(self) -> dict[str, str]:
        email = self.cleaned_data.get("email")
        return {"email": email} if email else {}


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=128)
    password = forms.CharField(label=_("Password"), max_length=256, widget=forms.PasswordInput)
    client_id = forms.CharField(label=_("App client id"), max_length=128, required=False)
    scope = forms.CharField(
        label=_("Scopes in the access token"),
        max_length=512,
        required=False,
        initial=" ".join(DEFAULT_SCOPES),
        validators=[scope_validator],
    )

    def scopes(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("scope", "").split()) or DEFAULT_SCOPES


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Token"), max_length=8192, widget=forms.Textarea(attrs={"rows": 4}))


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value: Any) -> Any:
        """Indent the document so that it reads (and edits) like the IAM console's."""
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return super().prepare_value(value)


class CredentialForm(forms.Form):
    policy = PrettyJSONField(
        label=_("Identity policy"),
        required=False,
        initial=DEFAULT_POLICY,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )

    def clean_policy(self) -> dict[str, Any]:
        policy = self.cleaned_data.get("policy") or DEFAULT_POLICY
        if len(json.dumps(policy)) > MAX_POLICY_CHARS:
            raise forms.ValidationError(
                _("The policy is longer than %(limit)s characters."), params={"limit": MAX_POLICY_CHARS}
            )
        errors = policy_errors(policy)
        if errors:
            raise forms.ValidationError(errors)
        return policy
