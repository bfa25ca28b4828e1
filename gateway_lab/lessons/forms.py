"""Forms: answering a drill, starting an exam, uploading notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Difficulty, Drill

MAX_NOTE_BYTES = 2 * 1024 * 1024


class DrillAnswerForm(forms.Form):
    """One drill: a single choice (radio) or several (checkboxes), by option index."""

    def __init__(self, *args: Any, drill: Drill, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(i), str(i)) for i in range(len(drill.options))]
        field_class = forms.MultipleChoiceField if drill.multiple else forms.ChoiceField
        self.fields["choice"] = field_class(
            choices=choices, error_messages={"required": _("Pick an answer.")}
        )

    def chosen(self) -> list[int]:
        """Return the chosen option indexes."""
        value = self.cleaned_data["choice"]
        return sorted(int(v) for v in (value if isinstance(value, list) else [value]))


class PracticeForm(forms.Form):
    """Practice mode's filters: a lesson (empty: every lesson) and a difficulty (empty: any)."""

    lesson = forms.ChoiceField(label=_("Lesson"), required=False)
    difficulty = forms.ChoiceField(label=_("Difficulty"), required=False)

    def __init__(self, *args: Any, lessons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [("", _("All lessons")), *lessons]
        self.fields["difficulty"].choices = [("", _("Any difficulty")), *DIFFICULTY_CHOICES]


DIFFICULTY_CHOICES = [
    (Difficulty.EASY.value, _("Easy")),
    (Difficulty.MEDIUM.value, _("Medium")),
    (Difficulty.HARD.value, _("Hard")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (Django's documented recipe)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        return (
            [single(item, initial) for item in data]
            if isinstance(data, list | tuple)
            else [single(data, initial)]
        )


class NotesUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Markdown notes"),
        widget=MultipleFileInput(
            attrs={"accept": ".md,.markdown,.txt,text/markdown,text/plain,.png,.jpg,.jpeg,.gif,.webp"}
        ),
        help_text=_(
            "Hexo or Jekyll style: YAML front matter with a title (or a top # heading), then Markdown; "
            "at most 64 KB per note. Add the images the notes show (Hexo's asset_img) to the same upload."
        ),
    )

    def clean_files(self) -> list[Any]:
        """Accept several files; each one must stay under the size limit."""
        uploads = self.cleaned_data["files"]
        too_big = [f.name for f in uploads if f.size > MAX_NOTE_BYTES]
        if too_big:
            raise forms.ValidationError(
                _("These files are larger than 2 MB: %(names)s") % {"names": ", ".join(too_big)}
            )
        return uploads
