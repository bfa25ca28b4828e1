from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=20)
    name = forms.CharField(label=_("Your name"), max_length=40, help_text=_("Only the presenter sees it."))

    def clean_code(self) -> str:
        code = services.code_normalise(self.cleaned_data["code"])
        if services.room_get(code=code) is None:
            raise forms.ValidationError(_("No open room has this code."), code="no_room")
        return code

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not services.NAME_RE.match(name):
            raise forms.ValidationError(_("Use 1–40 characters, without < or >."), code="bad_name")
        return name


class OpenRoomForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=120, required=False)
