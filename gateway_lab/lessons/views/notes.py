"""Staff-only upload form for study notes, with a per-file report."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..forms import NotesUploadForm
from ..services import notes_import


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_notes(request: HttpRequest) -> HttpResponse:
    """Import uploaded notes (each file in its own transaction) and list each file's result.

    Template: ``lessons/import.html``.
    """
    form = NotesUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    results = []
    if request.method == "POST" and form.is_valid():
        results = [
            notes_import(name=upload.name, data=upload.read()) for upload in form.cleaned_data["files"]
        ]
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "lessons/import.html", {"form": form, "results": results}, status=status)
