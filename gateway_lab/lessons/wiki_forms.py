"""Wiki forms (issue 13): edit a page, create a page, import a zip of pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import content
from .services.revisions import MAX_BODY_BYTES, MAX_TITLE_CHARS

LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]
MAX_ZIP_BYTES = 8 * 1024 * 1024


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("Markdown"),
        strip=False,
        max_length=MAX_BODY_BYTES,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "wiki-editor__text"}),
    )
    message = forms.CharField(label=_("What did you change?"), max_length=300, required=False)
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class NewPageForm(forms.Form):
    slug = forms.SlugField(
        label=_("Address"), max_length=100, help_text=_("Letters, digits and hyphens: /lessons/<address>/")
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("Markdown"),
        strip=False,
        max_length=MAX_BODY_BYTES,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "wiki-editor__text"}),
    )
    message = forms.CharField(label=_("What did you change?"), max_length=300, required=False)

    def clean_language(self) -> str:
        value = self.cleaned_data["language"]
        if value not in content.LANGUAGES:
            raise forms.ValidationError(_("Unknown language."))
        return value


class ImportZipForm(forms.Form):
    archive = forms.FileField(
        label=_("Zip of Markdown pages"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        help_text=_(
            "As made by Export (one Markdown file with front matter per page and language), "
            "or a zip of Hexo/Jekyll notes, which are imported as notes."
        ),
    )

    def clean_archive(self):  # noqa: ANN201
        archive = self.cleaned_data["archive"]
        if archive.size > MAX_ZIP_BYTES:
            raise forms.ValidationError(_("The zip is larger than 8 MB."))
        return archive
